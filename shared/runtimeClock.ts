// The time the app's own code runs on: how long an ARM retry sleeps, and what "now" is when a
// cache entry's age or a Retry-After date is worked out. In Azure this is the wall clock, always.
// A host that runs the app in its own process on another clock (a test host on virtual time)
// installs that clock here before the app loads, so the app's waits and the emulator it talks
// to keep one time. The seam is process-wide and neutral: production code reads it and never
// knows who installed what; nothing in shared/ sets it.
//
// Kept on globalThis under a registered symbol, so two copies of this module (the app compiled
// to dist/ and a host importing the sources) still share one clock.

export interface RuntimeClock {
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Resolves after `ms` of this clock's time. */
  readonly sleep: (ms: number) => Promise<void>;
}

/** The wall clock: what the app always runs on in Azure. */
export const wallClock: RuntimeClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

const slot = Symbol.for("arc-autopilot.runtimeClock");

interface ClockHolder {
  [slot]?: RuntimeClock;
}

function installed(): RuntimeClock {
  return (globalThis as ClockHolder)[slot] ?? wallClock;
}

/**
 * The clock in force, read at every call (so an ARM context built before a host installed its
 * clock, or under an earlier host, follows the current one). Its methods can be passed around
 * unbound.
 */
export const runtimeClock: RuntimeClock = {
  now: () => installed().now(),
  sleep: (ms) => installed().sleep(ms),
};

/**
 * Makes `clock` the app's clock for this process until the returned function is called (which
 * puts back whatever was installed before). For hosts that run the app in-process, never for
 * production code.
 */
export function installRuntimeClock(clock: RuntimeClock): () => void {
  const holder = globalThis as ClockHolder;
  const previous = holder[slot];
  holder[slot] = clock;
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    if (previous === undefined) delete holder[slot];
    else holder[slot] = previous;
  };
}
