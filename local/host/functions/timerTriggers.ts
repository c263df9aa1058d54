// Timer triggers, modelled on the host's TimerTriggerListener + ScheduleMonitor: each timer
// function waits on the injected Clock for its next NCRONTAB occurrence; `runOnStartup` fires at
// start; a schedule that should have fired while the host was down (per the stored schedule
// status) fires once, past due, at start; a firing that comes late — the clock jumped or the
// machine slept past the occurrence — fires once with isPastDue and the missed occurrences are
// skipped, never replayed. A timer never overlaps itself: an occurrence that comes while the
// previous invocation still runs is skipped.
import { type NcrontabSchedule, parseNcrontab, ScheduleError } from "../../../shared/schedule/ncrontab";
import type { Clock, ClockTimer } from "../../clock";
import type { FunctionInvoker, RegisteredFunction, RpcTypedData } from "../types";
import { consoleHostLog, type HostLog } from "./hostLog";
import {
  MemoryScheduleStatusStore,
  neverFired,
  type ScheduleStatus,
  type ScheduleStatusStore,
} from "./scheduleStatusStore";

export interface TimerTriggersOptions {
  readonly invoker: FunctionInvoker;
  readonly clock: Clock;
  /** Where schedule status survives a host restart; share one store across host instances. */
  readonly statusStore?: ScheduleStatusStore;
  /** IANA zone the schedules are read in; the host's default is UTC. */
  readonly timeZone?: string;
  /** A firing later than this (or later than the following occurrence) is past due. Default 60 s. */
  readonly pastDueToleranceMs?: number;
  /** App settings for `%Name%` schedules; default process.env (local.settings.json Values land there). */
  readonly appSettings?: Readonly<Record<string, string | undefined>>;
  readonly log?: HostLog;
  /** Registers each invocation with the host, so it can wait for them. */
  readonly track?: <T>(work: Promise<T>) => Promise<T>;
}

export type TimerFiringReason = "schedule" | "pastDueOnStartup" | "runOnStartup" | "manual";

interface TimerState {
  readonly fn: RegisteredFunction;
  readonly schedule: NcrontabSchedule;
  readonly runOnStartup: boolean;
  /** Whether the status is persisted (the trigger's `useMonitor`). */
  readonly useMonitor: boolean;
  status: ScheduleStatus;
  armed: ClockTimer | undefined;
  running: number;
}

/** Long waits are taken in pieces: setTimeout (under ScaledClock) cannot wait past ~24.8 days. */
const maxSingleWaitMs = 2 ** 31 - 1;

export class TimerTriggers {
  readonly #states: ReadonlyMap<string, TimerState>;
  readonly #invoker: FunctionInvoker;
  readonly #clock: Clock;
  readonly #store: ScheduleStatusStore;
  readonly #toleranceMs: number;
  readonly #log: HostLog;
  readonly #track: <T>(work: Promise<T>) => Promise<T>;
  #started = false;
  #stopped = false;

  /** Reads every timer function's schedule; throws a ScheduleError naming the function if one is invalid. */
  constructor(options: TimerTriggersOptions) {
    this.#invoker = options.invoker;
    this.#clock = options.clock;
    this.#store = options.statusStore ?? new MemoryScheduleStatusStore();
    this.#toleranceMs = options.pastDueToleranceMs ?? 60_000;
    this.#log = options.log ?? consoleHostLog;
    this.#track = options.track ?? ((work) => work);
    const settings = options.appSettings ?? process.env;
    const states = new Map<string, TimerState>();
    for (const fn of options.invoker.functions()) {
      if (fn.trigger.type.toLowerCase() !== "timertrigger") continue;
      let schedule: NcrontabSchedule;
      try {
        schedule = parseNcrontab(resolveSchedule(fn.trigger.schedule, settings), {
          ...(options.timeZone !== undefined && { timeZone: options.timeZone }),
        });
      } catch (error) {
        throw new ScheduleError(
          `Timer function '${fn.name}': ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const now = this.#clock.now();
      states.set(fn.name.toLowerCase(), {
        fn,
        schedule,
        runOnStartup: fn.trigger.runOnStartup === true,
        useMonitor:
          typeof fn.trigger.useMonitor === "boolean"
            ? fn.trigger.useMonitor
            : intervalOf(schedule, now) >= 60_000,
        status: { last: neverFired, next: schedule.nextAfter(now), lastUpdated: now },
        armed: undefined,
        running: 0,
      });
    }
    this.#states = states;
  }

  /** Names of the timer-triggered functions. */
  get functionNames(): string[] {
    return [...this.#states.values()].map((state) => state.fn.name);
  }

  /** The occurrence a timer function waits for, or undefined for an unknown function. */
  nextOccurrence(functionName: string): number | undefined {
    return this.#states.get(functionName.toLowerCase())?.status.next;
  }

  /** Fires what is due at startup (past due, else runOnStartup) and arms every schedule. */
  start(): void {
    if (this.#started) throw new Error("The timer triggers were already started");
    this.#started = true;
    const now = this.#clock.now();
    for (const state of this.#states.values()) {
      const stored = state.useMonitor ? this.#store.get(state.fn.name) : undefined;
      if (stored !== undefined) {
        // Recomputed from lastUpdated, so a schedule changed while the host was down takes effect.
        state.status = { ...stored, next: state.schedule.nextAfter(stored.lastUpdated) };
        if (now > state.status.next) {
          this.#fire(state, state.status.next, "pastDueOnStartup");
          continue;
        }
      } else {
        state.status = { last: neverFired, next: state.schedule.nextAfter(now), lastUpdated: now };
        if (state.useMonitor) this.#store.set(state.fn.name, state.status);
      }
      if (state.runOnStartup) this.#fire(state, now, "runOnStartup");
      this.#arm(state, state.status.next);
    }
  }

  /** Cancels every pending wait; invocations already running finish on their own. */
  stop(): void {
    this.#stopped = true;
    for (const state of this.#states.values()) {
      state.armed?.cancel();
      state.armed = undefined;
    }
  }

  /** Invokes a timer function now (the admin API's manual run), not past due, schedule untouched. */
  trigger(functionName: string): Promise<void> {
    const state = this.#states.get(functionName.toLowerCase());
    if (state === undefined)
      return Promise.reject(new Error(`'${functionName}' is not a timer-triggered function`));
    return this.#invoke(state, false, state.status, "manual");
  }

  #arm(state: TimerState, due: number): void {
    state.armed?.cancel();
    const delay = Math.max(0, Math.min(due - this.#clock.now(), maxSingleWaitMs));
    state.armed = this.#clock.setTimer(delay, () => {
      state.armed = undefined;
      if (this.#stopped) return;
      // A piece of a long wait, or a clock that woke a little early.
      if (this.#clock.now() < due) this.#arm(state, due);
      else this.#fire(state, due, "schedule");
    });
  }

  #fire(state: TimerState, due: number, reason: TimerFiringReason): void {
    const now = this.#clock.now();
    if (reason === "runOnStartup") {
      void this.#invoke(state, false, state.status, reason).catch(() => undefined);
      return;
    }
    const isPastDue =
      reason === "pastDueOnStartup" || now - due > this.#toleranceMs || now >= state.schedule.nextAfter(due);
    // Strictly after now: occurrences missed while late are skipped, not replayed.
    const next = state.schedule.nextAfter(now);
    this.#arm(state, next);
    if (state.running > 0) {
      state.status = { ...state.status, next };
      this.#log({
        level: "warning",
        category: "system",
        message: `Timer '${state.fn.name}': skipped the occurrence at ${new Date(due).toISOString()}, the previous invocation is still running`,
        functionName: state.fn.name,
      });
      return;
    }
    const before = state.status;
    state.status = { last: due, next, lastUpdated: now };
    void this.#invoke(state, isPastDue, before, reason)
      .catch(() => undefined)
      .finally(() => {
        // The host records the status once the invocation is over, so a crash mid-run means past due.
        if (state.useMonitor && !this.#stopped) this.#store.set(state.fn.name, state.status);
      });
  }

  async #invoke(
    state: TimerState,
    isPastDue: boolean,
    status: ScheduleStatus,
    reason: TimerFiringReason,
  ): Promise<void> {
    const name = state.fn.name;
    this.#log({
      level: "information",
      category: "system",
      message: `Timer '${name}' fired (${reason}${isPastDue ? ", past due" : ""}) at ${new Date(this.#clock.now()).toISOString()}`,
      functionName: name,
    });
    state.running++;
    try {
      await this.#track(
        this.#invoker.invoke(name, { [state.fn.triggerName]: timerPayload(isPastDue, status) }),
      );
    } catch (error) {
      this.#log({
        level: "error",
        category: "system",
        message: `Timer '${name}' failed: ${error instanceof Error ? error.message : String(error)}`,
        functionName: name,
      });
      throw error;
    } finally {
      state.running--;
    }
  }
}

/** The trigger value the host sends (PascalCase; the library camelCases it into the Timer object). */
export function timerPayload(isPastDue: boolean, status: ScheduleStatus): RpcTypedData {
  return {
    json: JSON.stringify({
      Schedule: { AdjustForDST: true },
      ScheduleStatus: {
        Last: new Date(status.last).toISOString(),
        Next: new Date(status.next).toISOString(),
        LastUpdated: new Date(status.lastUpdated).toISOString(),
      },
      IsPastDue: isPastDue,
    }),
  };
}

function resolveSchedule(schedule: unknown, settings: Readonly<Record<string, string | undefined>>): string {
  if (typeof schedule !== "string" || schedule.trim() === "")
    throw new ScheduleError("the trigger has no schedule");
  const setting = /^%([^%]+)%$/.exec(schedule.trim());
  if (setting === null) return schedule;
  const name = setting[1] ?? "";
  const value = settings[name];
  if (value === undefined || value.trim() === "") {
    throw new ScheduleError(`the schedule refers to the app setting '${name}', which is not set`);
  }
  return value;
}

function intervalOf(schedule: NcrontabSchedule, from: number): number {
  const first = schedule.nextAfter(from);
  return schedule.nextAfter(first) - first;
}
