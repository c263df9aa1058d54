// The local host's parts share one clock, but they see it through two thin views:
//
// - the Functions side's view remembers which pending timers are timer-trigger schedules. Those
//   recur forever, so "run until idle" must not count them as work left to do;
// - the Durable engine's view is steppable when the shared clock is a VirtualClock, but its jumps
//   first let the rest of the host settle. The engine's own idle driver only knows its own work:
//   without this, it could jump two virtual hours while an Event Grid delivery is still on the
//   wire, and the emulator would time that delivery out (its 30 s response timeout runs on the
//   same clock) and deliver it again.
//
// The app gets a third view, through the neutral seam of shared/runtimeClock.ts: its ARM
// retries sleep on the host's clock and read its time (appClockOver). On a VirtualClock a sleep
// inside an activity is a timer on the shared clock, and the activity is marked asleep
// (watchSleeps) so the engine counts it as waiting for the clock, not as work in progress: the
// driver then jumps to the next timer — the sleeper's, or an earlier one of anyone else — exactly
// as it does for a durable timer. Without that, a burst of 429s on virtual time would retry
// against throttle buckets that never refill, because time only moves when the host is quiet.
//
// An activity may also wait for another one's sleep: the app shares in-flight look-ups between
// activities (one subscription's facts, read once), so several activities await one promise
// whose owner is asleep. Those are not asleep themselves, yet cannot move either. What tells
// them apart from an activity waiting for an answer is the network: so the host also counts the
// process's HTTP client requests on the wire (node:http's diagnostics channels, which the Azure
// SDK's and durable-functions' clients go through), and with some activity asleep and no request
// on the wire, the awake ones can only be waiting for the clock too.
import { AsyncLocalStorage } from "node:async_hooks";
import { channel, subscribe } from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";

import type { RuntimeClock } from "../../shared/runtimeClock";
import { type Clock, type ClockTimer, VirtualClock } from "../clock";

/** What the engine knows of one activity's waits on the app's clock. */
export interface SleepWatch {
  /** Sleeps of this activity pending now. */
  sleeping: number;
  /** Called whenever `sleeping` changes. */
  changed(): void;
}

const sleepWatches = new AsyncLocalStorage<SleepWatch>();

interface Wire {
  /** HTTP client requests of this process sent and not yet answered (or failed). */
  readonly onTheWire: Set<ClientRequest>;
  readonly listeners: Set<() => void>;
}

// diagnostics_channel subscriptions belong to the process, while this module may be loaded more
// than once in it (jest gives each test file its own module registry and its own globalThis):
// one subscription per process, kept on the channel object itself (a Node built-in, the same
// in every copy), or every request would gain one 'close' listener per copy.
const wireKey = Symbol.for("arc-autopilot/local-host/http-wire");
const startChannel = channel("http.client.request.start") as unknown as Record<symbol, Wire | undefined>;
const wire: Wire = startChannel[wireKey] ?? watchTheWire();
const onTheWire = wire.onTheWire;
const wireListeners = wire.listeners;

function watchTheWire(): Wire {
  const state: Wire = { onTheWire: new Set(), listeners: new Set() };
  const answered = (request: ClientRequest) => {
    if (!state.onTheWire.delete(request)) return;
    if (state.onTheWire.size === 0) for (const listener of [...state.listeners]) listener();
  };
  subscribe("http.client.request.start", (message) => {
    const { request } = message as { request: ClientRequest };
    state.onTheWire.add(request);
    // Whatever else happens (an abort, a socket destroyed without an error), a request ends with 'close'.
    request.once("close", () => answered(request));
  });
  subscribe("http.client.response.finish", (message) =>
    answered((message as { request: ClientRequest }).request),
  );
  subscribe("http.client.request.error", (message) =>
    answered((message as { request: ClientRequest }).request),
  );
  startChannel[wireKey] = state;
  return state;
}

/** HTTP client requests of this process sent and not yet answered (or failed). */
export function httpRequestsOnTheWire(): number {
  return onTheWire.size;
}

/** Calls `listener` whenever the last request on the wire is answered; returns the unsubscribe. */
export function onWireQuiet(listener: () => void): () => void {
  wireListeners.add(listener);
  return () => wireListeners.delete(listener);
}

/** Runs `work` (an activity) so that its sleeps on the app's clock are counted on `watch`. */
export function watchSleeps<T>(watch: SleepWatch, work: () => T): T {
  return sleepWatches.run(watch, work);
}

/**
 * The app's clock over the host's. On a VirtualClock, a sleep inside watched work (an activity)
 * is a timer on the shared clock that the host's drivers jump to when nothing else can move; a
 * sleep outside any watched work (an HTTP function's, a test's) has no driver that knows of it,
 * so it skips ahead on its own as VirtualClock.sleep does. Other clocks sleep as they do.
 */
export function appClockOver(clock: Clock): RuntimeClock {
  if (!(clock instanceof VirtualClock)) {
    return { now: () => clock.now(), sleep: (ms) => clock.sleep(ms) };
  }
  return {
    now: () => clock.now(),
    sleep: (ms) => {
      const watch = sleepWatches.getStore();
      if (!watch) return clock.sleep(ms);
      watch.sleeping += 1;
      watch.changed();
      return new Promise<void>((resolve) => {
        clock.setTimer(ms, () => {
          watch.sleeping -= 1;
          watch.changed();
          resolve();
        });
      });
    },
  };
}

/** The clock the Functions host gets: every timer it arms is a timer-trigger schedule. */
export class ScheduleTrackingClock implements Clock {
  readonly #base: Clock;
  readonly #armed = new Set<object>();

  constructor(base: Clock) {
    this.#base = base;
  }

  /** Schedules armed and not yet fired or cancelled. */
  get pendingSchedules(): number {
    return this.#armed.size;
  }

  now(): number {
    return this.#base.now();
  }

  setTimer(delayMs: number, callback: () => void): ClockTimer {
    const token = {};
    this.#armed.add(token);
    const timer = this.#base.setTimer(delayMs, () => {
      this.#armed.delete(token);
      callback();
    });
    return {
      cancel: () => {
        this.#armed.delete(token);
        timer.cancel();
      },
    };
  }

  sleep(ms: number): Promise<void> {
    return this.#base.sleep(ms);
  }
}

/**
 * The Durable engine's view of a VirtualClock. `beforeJump` settles the rest of the host and says
 * whether anything happened meanwhile; if so the jump is skipped, and the engine's driver goes
 * round again (runs the new work, then asks for the jump anew).
 */
export class SettlingVirtualClock implements Clock {
  constructor(
    private readonly base: VirtualClock,
    private readonly beforeJump: () => Promise<boolean>,
  ) {}

  now(): number {
    return this.base.now();
  }

  setTimer(delayMs: number, callback: () => void): ClockTimer {
    return this.base.setTimer(delayMs, callback);
  }

  sleep(ms: number): Promise<void> {
    return this.base.sleep(ms);
  }

  nextTimerAt(): number | undefined {
    return this.base.nextTimerAt();
  }

  async advanceTo(target: number, mayJump: () => boolean = () => true): Promise<void> {
    if ((await this.beforeJump()) && mayJump()) await this.base.advanceTo(target);
  }
}

/** The view for the engine: settling on a VirtualClock, the shared clock itself otherwise (real time never jumps). */
export function durableClockOver(base: Clock, beforeJump: () => Promise<boolean>): Clock {
  return base instanceof VirtualClock ? new SettlingVirtualClock(base, beforeJump) : base;
}
