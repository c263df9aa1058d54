// Durable timers on the injected clock, so tests run on virtual time: one clock timer per TimerCreated
// that has not fired. The durable record is the TimerCreated event in the history; these clock
// timers are volatile and are re-armed from the histories after a restart.
import type { Clock, ClockTimer } from "../../../clock";

export interface TimerKey {
  readonly instanceId: string;
  readonly executionId: string;
  readonly timerId: number;
}

export class DurableTimers {
  private readonly armed = new Map<string, { key: TimerKey; timer: ClockTimer }>();

  constructor(private readonly clock: Clock) {}

  /** Arms a timer unless one with this key is armed already; `onFire` runs once at `fireAt`. */
  arm(key: TimerKey, fireAt: number, onFire: () => void): void {
    const id = timerKeyText(key);
    if (this.armed.has(id)) return;
    const timer = this.clock.setTimer(Math.max(0, fireAt - this.clock.now()), () => {
      this.armed.delete(id);
      onFire();
    });
    this.armed.set(id, { key, timer });
  }

  /** Disarms an execution's timers (it continued as new), or all of an instance's (finished, purged). */
  cancel(instanceId: string, executionId?: string): void {
    for (const [id, entry] of this.armed) {
      if (
        entry.key.instanceId === instanceId &&
        (executionId === undefined || entry.key.executionId === executionId)
      ) {
        entry.timer.cancel();
        this.armed.delete(id);
      }
    }
  }

  cancelAll(): void {
    for (const entry of this.armed.values()) entry.timer.cancel();
    this.armed.clear();
  }

  get size(): number {
    return this.armed.size;
  }
}

function timerKeyText(key: TimerKey): string {
  return `${key.instanceId}\u0000${key.executionId}\u0000${key.timerId}`;
}
