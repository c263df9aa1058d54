// One clock for the emulator and the local host. Tests run on a VirtualClock: time moves only
// when told to (or when a sleeper skips ahead), so a 4.5-minute gateway creation or a 10-day
// durable timer takes no real time and every run is repeatable. `npm run dev` runs on a
// ScaledClock: real time, sped up by a factor.

export interface ClockTimer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch, in this clock's time. */
  now(): number;
  /** Calls `callback` once `delayMs` of this clock's time has passed. */
  setTimer(delayMs: number, callback: () => void): ClockTimer;
  /** Resolves after `ms` of this clock's time. On a virtual clock the sleeper skips ahead. */
  sleep(ms: number): Promise<void>;
}

interface PendingTimer {
  readonly dueAt: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/** Lets queued promise continuations and I/O callbacks run before the next timer fires. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: PendingTimer[] = [];

  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    this.current = typeof start === "number" ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  setTimer(delayMs: number, callback: () => void): ClockTimer {
    const timer: PendingTimer = {
      dueAt: this.current + Math.max(0, delayMs),
      seq: this.seq++,
      callback,
      cancelled: false,
    };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
    return {
      cancel: () => {
        timer.cancelled = true;
        this.timers = this.timers.filter((t) => t !== timer);
      },
    };
  }

  /** Time skipping: the sleeper is the only one waiting, so time jumps forward (firing due timers). */
  async sleep(ms: number): Promise<void> {
    await this.advance(ms);
  }

  /** Moves time forward by `ms`, firing due timers in order and letting their work settle. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + Math.max(0, ms));
  }

  async advanceTo(target: number): Promise<void> {
    for (;;) {
      const next = this.timers[0];
      if (!next || next.dueAt > target) break;
      this.current = Math.max(this.current, next.dueAt);
      // Every timer due at this instant fires before their work settles, so what falls due
      // together is handled together (as a queue hands over the messages waiting in it).
      const due: PendingTimer[] = [];
      while (this.timers[0] !== undefined && this.timers[0].dueAt === next.dueAt)
        due.push(this.timers.shift()!);
      for (const timer of due) if (!timer.cancelled) timer.callback();
      await settle();
    }
    this.current = Math.max(this.current, target);
    await settle();
  }

  /** When the next timer is due, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    return this.timers[0]?.dueAt;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Fires timers one after another until none is left (or `limitMs` of virtual time has passed). */
  async runAllTimers(limitMs = 365 * 24 * 3600 * 1000): Promise<void> {
    const stopAt = this.current + limitMs;
    for (let next = this.nextTimerAt(); next !== undefined && next <= stopAt; next = this.nextTimerAt()) {
      await this.advanceTo(next);
    }
  }
}

/** Real time multiplied by `scale` (1 = wall clock). */
export class ScaledClock implements Clock {
  private readonly realStart = Date.now();

  constructor(
    readonly scale = 1,
    private readonly start = Date.now(),
  ) {
    if (!(scale > 0)) throw new RangeError("The time scale must be a positive number");
  }

  now(): number {
    return this.start + (Date.now() - this.realStart) * this.scale;
  }

  setTimer(delayMs: number, callback: () => void): ClockTimer {
    const handle = setTimeout(callback, Math.max(0, delayMs) / this.scale);
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms) / this.scale));
  }
}
