// Where the Functions side's log lines go: the app's `context.log` (category "user"), the
// library's and the host's own messages ("system"). Injected, so tests can collect them and
// `npm run dev` can print them.
import type { CoreLogCategory, CoreLogLevel } from "./coreTypes";

export interface HostLogEntry {
  readonly level: CoreLogLevel;
  readonly category: CoreLogCategory;
  readonly message: string;
  readonly functionName?: string;
  readonly invocationId?: string;
}

export type HostLog = (entry: HostLogEntry) => void;

/**
 * Key and token values in a log message, replaced: `code=`, `sig=` and `key=` query values (function,
 * system and master keys; SAS signatures), `x-functions-key` headers and bearer tokens. URLs reach
 * the log whole — a failing request, an app that logs its status-query links — so the host
 * redacts every message at its one sink rather than trusting each writer.
 */
export function redactSecrets(message: string): string {
  return message
    .replace(/([?&](?:code|sig|key|access_token)=)[^&\s"'<>]+/gi, "$1[redacted]")
    .replace(/(x-functions-key["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, "$1[redacted]")
    .replace(/(\bbearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, "$1[redacted]");
}

/** The log the host writes through: every message leaves it with its secrets redacted. */
export function redactingHostLog(log: HostLog): HostLog {
  return (entry) => log({ ...entry, message: redactSecrets(entry.message) });
}

const severity: Record<CoreLogLevel, number> = {
  trace: 0,
  debug: 1,
  information: 2,
  warning: 3,
  error: 4,
  critical: 5,
  none: 6,
};

/** Prints user logs from `information` up and system logs from `warning` up. */
export const consoleHostLog: HostLog = (entry) => {
  const floor = entry.category === "user" ? severity.information : severity.warning;
  if (severity[entry.level] < floor || entry.level === "none") return;
  const prefix = entry.functionName !== undefined ? `[${entry.functionName}] ` : "[functions] ";
  const line = prefix + entry.message;
  if (severity[entry.level] >= severity.warning) console.warn(line);
  else console.log(line);
};

export const silentHostLog: HostLog = () => undefined;

/** Keeps every entry; for tests. */
export class CollectedHostLog {
  readonly entries: HostLogEntry[] = [];
  readonly log: HostLog = (entry) => {
    this.entries.push(entry);
  };

  messages(filter: Partial<Pick<HostLogEntry, "category" | "functionName" | "level">> = {}): string[] {
    return this.entries
      .filter(
        (entry) =>
          (filter.category === undefined || entry.category === filter.category) &&
          (filter.functionName === undefined || entry.functionName === filter.functionName) &&
          (filter.level === undefined || entry.level === filter.level),
      )
      .map((entry) => entry.message);
  }
}
