// Connected Machine agent versions as ARM reports them in `properties.agentVersion`: dotted
// numbers such as `1.55.02941.1840` (major.minor.build.revision), the seed's `1.13.21320.014`,
// or a setting's `1.40`. Parts compare as numbers (so `02941` is 2941 and `1.9` < `1.10`), a
// missing part counts as 0 (so `1.40` = `1.40.0.0`), and text that is not a version is a
// ValidationError — never a NaN that silently compares false.
import { ValidationError } from "../errors";

export interface AgentVersion {
  /** The text as given (trimmed), for messages. */
  readonly text: string;
  /** Numeric parts, 1 to 4 of them. */
  readonly parts: readonly number[];
}

// Four parts is the agent's own format; nine digits keeps every part an exact integer.
const versionPattern = /^\d{1,9}(\.\d{1,9}){0,3}$/;

export class InvalidAgentVersionError extends ValidationError {
  constructor(text: string, what: string) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    super(
      `${what} '${shown}' is not an agent version: expected 1 to 4 dot-separated numbers such as 1.40 or 1.55.02941.1840`,
      "InvalidAgentVersion",
    );
  }
}

/** Parses a version; `what` names it in the error ("agent version", "ARC_MIN_AGENT_VERSION_SSH"…). */
export function parseAgentVersion(text: unknown, what = "Agent version"): AgentVersion {
  if (typeof text !== "string") throw new InvalidAgentVersionError(String(text), what);
  const trimmed = text.trim();
  if (!versionPattern.test(trimmed)) throw new InvalidAgentVersionError(trimmed, what);
  return { text: trimmed, parts: trimmed.split(".").map(Number) };
}

export function isAgentVersion(text: unknown): text is string {
  return typeof text === "string" && versionPattern.test(text.trim());
}

/** Negative when a < b, zero when equal (`1.40` = `1.40.0.0`), positive when a > b. */
export function compareAgentVersions(a: AgentVersion | string, b: AgentVersion | string): number {
  const left = typeof a === "string" ? parseAgentVersion(a) : a;
  const right = typeof b === "string" ? parseAgentVersion(b) : b;
  const length = Math.max(left.parts.length, right.parts.length);
  for (let i = 0; i < length; i++) {
    const difference = (left.parts[i] ?? 0) - (right.parts[i] ?? 0);
    if (difference !== 0) return difference < 0 ? -1 : 1;
  }
  return 0;
}

/** `version >= minimum`. */
export function isAgentVersionAtLeast(
  version: AgentVersion | string,
  minimum: AgentVersion | string,
): boolean {
  return compareAgentVersions(version, minimum) >= 0;
}
