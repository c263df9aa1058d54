// The local host's parts share one clock, but they see it through two thin views:
//
// - the Functions side's view remembers which pending timers are timer-trigger schedules. Those
//   recur forever, so "run until idle" must not count them as work left to do;
// - the Durable engine's view is steppable when the shared clock is a VirtualClock, but its jumps
//   first let the rest of the host settle. The engine's own idle driver only knows its own work:
//   without this, it could jump two virtual hours while an Event Grid delivery is still on the
//   wire, and the emulator would time that delivery out (its 30 s response timeout runs on the
//   same clock) and deliver it again.
import { type Clock, type ClockTimer, VirtualClock } from "../clock";

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
