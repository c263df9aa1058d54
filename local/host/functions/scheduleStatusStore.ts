// Where timer schedules are remembered across host restarts — the host's ScheduleMonitor keeps
// them in storage (`timers/<host>/<function>/status`). It is what makes a timer that should have
// fired while the host was down fire once, past due, when it comes back.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface ScheduleStatus {
  /** The last occurrence that fired (epoch ms); `neverFired` when none has. */
  readonly last: number;
  /** The occurrence expected next (epoch ms). */
  readonly next: number;
  /** When this record was written (epoch ms); used to recompute `next` if the schedule changed. */
  readonly lastUpdated: number;
}

/** .NET's DateTime.MinValue, which the host reports as `Last` before the first firing. */
export const neverFired = Date.parse("0001-01-01T00:00:00.000Z");

export interface ScheduleStatusStore {
  get(functionName: string): ScheduleStatus | undefined;
  set(functionName: string, status: ScheduleStatus): void;
}

/** Lives as long as the object does: share one between host instances to model a restart. */
export class MemoryScheduleStatusStore implements ScheduleStatusStore {
  readonly #statuses = new Map<string, ScheduleStatus>();

  get(functionName: string): ScheduleStatus | undefined {
    return this.#statuses.get(functionName.toLowerCase());
  }

  set(functionName: string, status: ScheduleStatus): void {
    this.#statuses.set(functionName.toLowerCase(), status);
  }
}

/** One JSON file, rewritten atomically on each change; for `npm run dev` across process restarts. */
export class FileScheduleStatusStore implements ScheduleStatusStore {
  readonly #path: string;
  readonly #statuses: Record<string, ScheduleStatus>;

  constructor(path: string) {
    this.#path = path;
    this.#statuses = readStatuses(path);
  }

  get(functionName: string): ScheduleStatus | undefined {
    return this.#statuses[functionName.toLowerCase()];
  }

  set(functionName: string, status: ScheduleStatus): void {
    this.#statuses[functionName.toLowerCase()] = status;
    mkdirSync(dirname(this.#path), { recursive: true });
    const temporary = `${this.#path}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.#statuses, null, 2));
    renameSync(temporary, this.#path);
  }
}

function readStatuses(path: string): Record<string, ScheduleStatus> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return {};
  }
  const parsed = JSON.parse(text) as unknown;
  const statuses: Record<string, ScheduleStatus> = {};
  if (parsed === null || typeof parsed !== "object") return statuses;
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    const candidate = value as Partial<ScheduleStatus> | null;
    if (
      typeof candidate?.last === "number" &&
      typeof candidate.next === "number" &&
      typeof candidate.lastUpdated === "number"
    ) {
      statuses[name] = { last: candidate.last, next: candidate.next, lastUpdated: candidate.lastUpdated };
    }
  }
  return statuses;
}
