// A gateway being retired carries the tag `arc-autopilot-retiring: <ISO time it was marked>`.
// The mark lives on the gateway in Azure (a synchronous PATCH of its tags, docs/azure-facts.md §2),
// not in the app's memory, so placement reads it with every gateway list and never puts a machine
// on a retiring gateway, even after a restart or from another Function App instance. The tag
// stays when a retirement stops because a machine could not be moved: the gateway is still on its
// way out, and an operator who wants it back in service removes the tag. Pure: no I/O.

/** The tag's name; ARM compares tag names case-insensitively. */
export const retiringTagName = "arc-autopilot-retiring";

/** When the gateway was marked retiring (the tag's value), or undefined when it is not. */
export function retiringSince(tags: Readonly<Record<string, string>> | undefined): string | undefined {
  if (!tags) return undefined;
  for (const [name, value] of Object.entries(tags)) {
    if (name.toLowerCase() === retiringTagName) return value;
  }
  return undefined;
}

export function isRetiring(tags: Readonly<Record<string, string>> | undefined): boolean {
  return retiringSince(tags) !== undefined;
}

/**
 * The gateway's tags with the retiring mark added. A PATCH's `tags` replaces the whole set, so
 * the others are kept as they are; an existing mark (any casing) is kept with its first time.
 */
export function withRetiringTag(
  tags: Readonly<Record<string, string>>,
  markedAt: string,
): Record<string, string> {
  if (isRetiring(tags)) return { ...tags };
  return { ...tags, [retiringTagName]: markedAt };
}
