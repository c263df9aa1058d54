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
