// "Run until idle" (issue 3, Clock): run everything runnable; when nothing is, and durable timers
// are pending, jump a VirtualClock to the next timer on it (which may belong to the emulator
// sharing the clock) — repeat until no work and no durable timers remain. On a real clock the
// driver waits for the next durable timer instead of jumping. Limits on virtual time and
// iterations turn a runaway (an eternal orchestration) into an error instead of a hang.
import type { Clock } from "../../../clock";

export interface IdleOptions {
  /** Virtual time the driver may skip before giving up; default 400 days. */
  readonly maxVirtualMs?: number;
  /** Clock jumps before giving up (each lands on the next timer of anyone sharing the clock); default 1 000 000. */
  readonly maxIterations?: number;
}

export interface IdleTarget {
  whenIdle(): Promise<void>;
  /** True when work is queued or running now (checked again right before a clock jump). */
  isBusy?(): boolean;
  hasDurableTimers(): boolean;
  /** Resolves the next time a durable timer fires (real clocks only). */
  nextTimerFired(): Promise<void>;
}

interface SteppableClock extends Clock {
  nextTimerAt(): number | undefined;
  /** `mayJump` is asked once the rest of the host has settled; false skips this jump. */
  advanceTo(target: number, mayJump?: () => boolean): Promise<void>;
}

export function isSteppable(clock: Clock): clock is SteppableClock {
  const candidate = clock as Partial<SteppableClock>;
  return typeof candidate.nextTimerAt === "function" && typeof candidate.advanceTo === "function";
}

/** Drives until `until()` holds (returns true) or nothing is left to run (returns false). */
export async function driveUntil(
  clock: Clock,
  target: IdleTarget,
  until: () => boolean,
  options: IdleOptions = {},
): Promise<boolean> {
  const maxVirtualMs = options.maxVirtualMs ?? 400 * 86_400_000;
  const maxIterations = options.maxIterations ?? 1_000_000;
  const startedAt = clock.now();
  for (let iteration = 0; ; iteration++) {
    await target.whenIdle();
    if (until()) return true;
    if (!target.hasDurableTimers()) return false;
    if (iteration >= maxIterations) {
      throw new Error(`The durable engine was still busy after ${maxIterations} timer steps`);
    }
    if (isSteppable(clock)) {
      const next = clock.nextTimerAt();
      if (next === undefined) return false;
      if (next - startedAt > maxVirtualMs) {
        throw new Error(
          `The durable engine still had timers after ${Math.round(maxVirtualMs / 86_400_000)} days of virtual time`,
        );
      }
      // Settling the rest of the host may hand the engine new work (an activity's answer): then
      // that work runs first, at the time it arrived, and the jump is asked for again.
      await clock.advanceTo(next, () => !(target.isBusy?.() ?? false));
    } else {
      await target.nextTimerFired();
    }
  }
}
