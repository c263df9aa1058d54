// Every wait of one orchestration for one external event name, kept so no event is lost.
//
// durable-functions (3.x, as in Azure) hands an `EventRaised` to the most recently yielded wait of
// that name that is still open — even one whose `Task.any` was already won by a timer and that
// nobody will read again. A wait abandoned that way swallows the next event of its name, for
// instance one that arrives while the orchestrator awaits an activity. Re-yielding the same wait in
// a new `Task.any` is no cure: the library then tracks it twice, and the second copy swallows an
// event after the first one completes it.
//
// So an inbox yields each wait exactly once and keeps every wait it opened until it has read it.
// An event that lands on an older wait (while the orchestrator was busy elsewhere) completes that
// task in place, and the next `take` or `until` collects it. Events that arrive while no wait is
// open are buffered by the library and handed to the next wait opened, so those are kept too.
// Deterministic: waits are opened and read in the same order on every replay.
//
// An orchestration that many send to (a singleton its waiters join) opens its waits in *pools*:
// one `Task.any` of a timer and several waits. It wakes for the first event, and `collectUntil`
// then yields the same timer on its own (a task already scheduled is not scheduled again), so the
// later events complete the pool's other waits in place without waking it. Waking once per event
// cost a timer per event in history (and its firing, another episode): a thousand joiners made
// the singleton's history, and each of its replays, several times longer.
import type { OrchestrationContext, Task, TimerTask } from "durable-functions";

export interface InboxWait<T> {
  /** What arrived: every event delivered and not yet taken, oldest wait first. */
  readonly events: T[];
  /** The time came before any event did. */
  readonly timedOut: boolean;
}

export class EventInbox<T> {
  private readonly open: Task[] = [];

  /**
   * @param parse turns an event's payload into `T`, or `undefined` for a payload it does not
   *   understand (such an event is read, so it cannot block a later one, and then dropped).
   * @param poolSize how many waits each wait opens at once: 1 for an orchestration that expects one
   *   event, more for one many send to (an event beyond the open waits is buffered by the library
   *   and handed to the next wait opened, so the pool bounds how many are read per wake, not
   *   how many are kept).
   */
  constructor(
    private readonly context: OrchestrationContext,
    readonly eventName: string,
    private readonly parse: (payload: unknown) => T | undefined,
    private readonly poolSize = 1,
  ) {}

  /** The events delivered so far and not yet taken, without waiting. */
  take(): T[] {
    const events: T[] = [];
    for (let i = 0; i < this.open.length;) {
      const wait = this.open[i]!;
      if (!wait.isCompleted) {
        i++;
        continue;
      }
      this.open.splice(i, 1);
      const event = this.parse(wait.result);
      if (event !== undefined) events.push(event);
    }
    return events;
  }

  /**
   * Waits until an event arrives or `fireAtMs` comes, whichever is first. Events already delivered
   * are answered at once, with no timer.
   */
  *until(fireAtMs: number): Generator<Task, InboxWait<T>, unknown> {
    const ready = this.take();
    if (ready.length > 0) return { events: ready, timedOut: false };
    const { timer, winner } = yield* this.openPool(fireAtMs);
    if (winner !== timer) timer.cancel();
    return { events: this.take(), timedOut: winner === timer };
  }

  /**
   * Sleeps until `fireAtMs` and answers every event delivered by then, waking early only for the
   * first one (see the pools above).
   */
  *collectUntil(fireAtMs: number): Generator<Task, T[], unknown> {
    const { timer, winner } = yield* this.openPool(fireAtMs);
    if (winner !== timer) yield timer;
    return this.take();
  }

  private *openPool(fireAtMs: number): Generator<Task, { timer: TimerTask; winner: unknown }, unknown> {
    const timer = this.context.df.createTimer(new Date(fireAtMs));
    const waits = Array.from({ length: this.poolSize }, () =>
      this.context.df.waitForExternalEvent(this.eventName),
    );
    this.open.push(...waits);
    const winner: unknown = yield this.context.df.Task.any([timer, ...waits]);
    return { timer, winner };
  }
}
