// Defensive readers for ARM response bodies. ARM omits properties freely, some providers send
// `null` for "unset", and enum-like strings grow new values without an api-version bump; these
// readers turn all of that into plain optional fields instead of throwing deep in a caller.

export type ArmObject = Readonly<Record<string, unknown>>;

const empty: ArmObject = Object.freeze({});

export function readObject(value: unknown): ArmObject {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as ArmObject) : empty;
}

export function readString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function readNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

export function readStringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function readTags(value: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, tag] of Object.entries(readObject(value))) {
    if (typeof tag === "string") tags[key] = tag;
  }
  return tags;
}

/** The agent reports some switches as the strings "true"/"false" (AgentConfiguration.extensionsEnabled). */
export function readFlag(value: unknown, fallback: boolean): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const lower = value.trim().toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
  }
  return fallback;
}

/** `properties` of an ARM resource body, or an empty object. */
export function readProperties(body: unknown): ArmObject {
  return readObject(readObject(body).properties);
}

/** Drops undefined entries, so optional fields are absent rather than `undefined` (clean JSON across activities). */
export function definedFields<T extends Record<string, unknown>>(
  fields: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) out[key] = value;
  }
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}
