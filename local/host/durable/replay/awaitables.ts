// The tasks the C# out-of-proc shim creates when it replays an OrchestratorState
// (Azure/azure-functions-durable-extension OutOfProcOrchestrationShim.ProcessAsyncActionsV2): each
// action becomes an awaitable whose leaves take sequence ids as DTFx would — at invocation for the
// first id, at event-processing time for follow-ups (retry timers and attempts, DTFx's
// RetryInterceptor; long-timer pieces, as durable-functions src/task/LongTimerTask.ts expects).
// `done` mirrors when the C# task completes, which decides when the shim invokes the next top-level
// action.
import type { RetryPolicy } from "../actions/retryPolicy";
import { nextRetryDelay } from "../actions/retryPolicy";
import type { CompletionEvent } from "../history/historyEvent";
import { HistoryEventType } from "../history/historyEventType";

export interface Awaitable {
  readonly done: boolean;
}

/** What the awaitables need from the replay walk. */
export interface SequenceScheduler {
  /** CurrentUtcDateTime: the OrchestratorStarted time of the event being processed. */
  readonly now: number;
  readonly maximumShortTimerMs: number;
  readonly longTimerIntervalMs: number;
  /** Allocates the next id for a timer and opens it; `onFired` runs when its TimerFired is replayed. */
  createTimer(fireAt: number, onFired: (() => void) | undefined): number;
}

/** Schedules one attempt of an activity or sub-orchestration; returns its sequence id. */
export type AttemptScheduler = (onSettled: (event: CompletionEvent) => void) => number;

/** ContinueAsNew, and anything else that completes as soon as it is invoked. */
export class Settled implements Awaitable {
  readonly done = true;
}

/** Never completes: used after the walk has failed, so nothing else is invoked. */
export class Stalled implements Awaitable {
  readonly done = false;
}

/** CallActivity / CallSubOrchestrator: one id, done on its completion. */
export class SingleTask implements Awaitable {
  done = false;

  constructor(schedule: AttemptScheduler) {
    schedule(() => {
      this.done = true;
    });
  }
}

/**
 * DTFx RetryInterceptor: attempt; on failure, unless it was the last attempt, a timer at
 * now + delay and then the next attempt; after the last failed attempt a zero-delay timer
 * ("Dummy timer for back-compat") before the failure surfaces. A zero delay (retry timeout
 * reached) stops without a timer, as DTFx does; a non-retriable failure stops at once.
 */
export class RetryingTask implements Awaitable {
  done = false;
  private retryCount = 0;
  private readonly firstAttemptAt: number;

  constructor(
    private readonly scheduler: SequenceScheduler,
    private readonly policy: RetryPolicy,
    private readonly scheduleAttempt: AttemptScheduler,
  ) {
    this.firstAttemptAt = scheduler.now;
    if (policy.maxNumberOfAttempts < 1) {
      // The C# loop body never runs: the task completes without scheduling anything.
      this.done = true;
      return;
    }
    this.attempt();
  }

  private attempt(): void {
    this.scheduleAttempt((event) => this.onAttemptSettled(event));
  }

  private onAttemptSettled(event: CompletionEvent): void {
    const failed =
      event.EventType === HistoryEventType.TaskFailed ||
      event.EventType === HistoryEventType.SubOrchestrationInstanceFailed;
    if (!failed) {
      this.done = true;
      return;
    }
    if (event.FailureDetails?.IsNonRetriable === true) {
      this.done = true;
      return;
    }
    const now = this.scheduler.now;
    if (this.retryCount + 1 >= this.policy.maxNumberOfAttempts) {
      this.scheduler.createTimer(now, () => {
        this.done = true;
      });
      return;
    }
    const delay = nextRetryDelay(this.policy, this.retryCount, this.firstAttemptAt, now);
    if (delay <= 0) {
      this.done = true;
      return;
    }
    this.scheduler.createTimer(now + delay, () => {
      this.retryCount += 1;
      this.attempt();
    });
  }
}

/**
 * CreateTimer. Longer than the maximum short timer: pieces of the long-timer interval, each
 * scheduled when the previous one fired (at that episode's time), until the remainder fits, then
 * the final fire time — one id per piece (durable-functions src/task/LongTimerTask.ts).
 *
 * `isCanceled` changes nothing here. A canceled timer is still created and still fires, and the
 * library keeps its task open (cancel() only flags the action) and keeps allocating ids for the
 * pieces of a long one. Completing it at once, as a literal C# replay of a canceled token would,
 * lets the next action take its id before the pieces that fired before the cancel — ids the
 * library never gave out — and turns a Task.any that an event won after a piece fired into a
 * false nondeterminism failure. Following the library keeps every id where it expects it.
 */
export class DurableTimer implements Awaitable {
  done = false;
  /** Decided once, when the timer is created, like the library's createTimer (LongTimerTask or not). */
  private readonly long: boolean;

  constructor(
    private readonly scheduler: SequenceScheduler,
    private readonly finalFireAt: number,
  ) {
    this.long = finalFireAt - scheduler.now > scheduler.maximumShortTimerMs;
    this.schedulePiece();
  }

  private schedulePiece(): void {
    const now = this.scheduler.now;
    const pieceAt =
      this.finalFireAt - now > this.scheduler.maximumShortTimerMs
        ? now + this.scheduler.longTimerIntervalMs
        : this.finalFireAt;
    this.scheduler.createTimer(pieceAt, () => this.onPieceFired());
  }

  private onPieceFired(): void {
    // LongTimerTask.trySetValue: another piece while the final time is still ahead of the time
    // of the episode that processed the TimerFired.
    if (this.long && this.finalFireAt > this.scheduler.now) this.schedulePiece();
    else this.done = true;
  }
}

/** WaitForExternalEvent: no sequence id; completed by an EventRaised of the same name. */
export class ExternalEventWait implements Awaitable {
  done = false;

  constructor(readonly eventName: string) {}

  receive(): void {
    this.done = true;
  }
}

/** Task.WhenAll in C#: completes once every child has completed, failed ones included. */
export class AllOf implements Awaitable {
  constructor(private readonly children: readonly Awaitable[]) {}

  get done(): boolean {
    return this.children.every((child) => child.done);
  }
}

/** Task.WhenAny: completes with the first child. */
export class AnyOf implements Awaitable {
  constructor(private readonly children: readonly Awaitable[]) {}

  get done(): boolean {
    return this.children.some((child) => child.done);
  }
}
