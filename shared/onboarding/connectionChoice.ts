// An operator's explicit "take this machine off its gateway" lives on the machine in Azure, as the
// tag `arc-autopilot-connection: direct` (the name is ARC_CONNECTION_TAG), so it survives restarts,
// shows in the portal and holds for every Function App instance. The detach runbook and a
// retirement's moves to direct write it (a PATCH of the machine's tags, docs/azure-facts.md §5) before
// they switch the agent; the onboarding planner then gives the machine no gateway — and creates
// none for it — while everything else (SSH endpoint, service configuration) still applies, and the
// drift sweep counts it as direct by choice instead of repairing it back onto a gateway. Removing
// the tag, then onboarding the machine (the onboard runbook), puts it behind a gateway again.
// Tag names compare case-insensitively as ARM does; the value too (`Direct` clearly means direct).
// Pure: no I/O.

/** The value that means "connect directly to Azure, no gateway". */
export const directConnectionValue = "direct";

/** True when the machine's tags carry `<tagName>: direct` (name and value in any casing). */
export function isDirectByChoice(
  tags: Readonly<Record<string, string>> | undefined,
  tagName: string,
): boolean {
  const wanted = tagName.trim().toLowerCase();
  return Object.entries(tags ?? {}).some(
    ([name, value]) =>
      name.trim().toLowerCase() === wanted && String(value).trim().toLowerCase() === directConnectionValue,
  );
}

/**
 * The machine's tags with the direct choice recorded. A PATCH's `tags` replaces the whole set, so
 * the others are kept as they are; the tag under another casing (or with another value) is
 * replaced, since ARM keeps one tag per case-insensitive name.
 */
export function withDirectChoice(
  tags: Readonly<Record<string, string>>,
  tagName: string,
): Record<string, string> {
  if (isDirectByChoice(tags, tagName)) return { ...tags };
  const wanted = tagName.trim().toLowerCase();
  const others = Object.entries(tags).filter(([name]) => name.trim().toLowerCase() !== wanted);
  return { ...Object.fromEntries(others), [tagName]: directConnectionValue };
}

/** Why the machine gets no gateway, and how to undo it, for plans, results and reports. */
export function directChoiceReason(tagName: string): string {
  return (
    `Connects directly to Azure by an operator's choice (tag ${tagName}: ${directConnectionValue}, ` +
    `written when it was detached or its gateway retired), so it is given no gateway; to put it ` +
    `behind a gateway again, remove the tag, then onboard it (POST /api/machines/onboard)`
  );
}
