// The waits orchestrators share, built on durable timers and external events only (deterministic:
// no clock but `currentUtcDateTime`, no I/O). Imported by *.orchestrator.ts files.
import type { OrchestrationContext, Task } from "durable-functions";

import { callActivity } from "./activity";
import { EventInbox } from "./eventInbox";
import {
  releaseWaiters,
  type SharedOperationOutcome,
  sharedOperationOutcomeSchema,
  waiterEventName,
  waiterEventSchema,
} from "./sharedOperation";

export function nowMs(context: OrchestrationContext): number {
  return context.df.currentUtcDateTime.getTime();
}

export function* sleepUntil(context: OrchestrationContext, fireAtMs: number): Generator<Task, void, unknown> {
  yield context.df.createTimer(new Date(fireAtMs));
}

/** How long after a singleton's last release late joiners are still released. */
const releaseGraceMs = 60_000;

/**
 * Waits a singleton opens at once for `Waiter` events (EventInbox pools): events that arrive
 * while it sleeps are read at its next wake, up to this many per wake; the rest are buffered and
 * read at the wakes after.
 */
const waiterPoolSize = 50;

/**
 * The machines waiting on a singleton: those it started with, and every `Waiter` event that came
 * since, read through one inbox so none is lost while the singleton is busy with an activity.
 */
export class SingletonWaiters {
  private readonly inbox: EventInbox<readonly string[]>;
  private readonly pending: Set<string>;

  constructor(
    private readonly context: OrchestrationContext,
    initial: Iterable<string>,
  ) {
    this.pending = new Set(initial);
    this.inbox = new EventInbox(
      context,
      waiterEventName,
      (payload) => {
        const parsed = waiterEventSchema.safeParse(payload);
        return parsed.success ? parsed.data : undefined;
      },
      waiterPoolSize,
    );
  }

  /** How many machines wait now, counting those whose events arrived while the singleton was busy. */
  get size(): number {
    this.collect();
    return this.pending.size;
  }

  /**
   * Sleeps until `fireAtMs`, collecting the machines that join meanwhile: nothing is released
   * before the work ends, so a joiner need not wake the singleton.
   */
  *sleepUntil(fireAtMs: number): Generator<Task, void, unknown> {
    for (const instanceId of (yield* this.inbox.collectUntil(fireAtMs)).flat()) this.pending.add(instanceId);
  }

  /**
   * The singleton's end: releases every waiter with the outcome, then keeps releasing machines
   * that join until no one has joined for a short grace period (a `Waiter` event may cross a
   * release). A machine that joins meanwhile is released as soon as its event is read, not at the
   * grace's end. Returns how many were released.
   */
  *releaseAll(eventName: string, outcome: SharedOperationOutcome): Generator<Task, number, unknown> {
    const { context } = this;
    let released = 0;
    let graceEndsMs = nowMs(context) + releaseGraceMs;
    for (;;) {
      this.collect();
      if (this.pending.size > 0) {
        const waiters = [...this.pending];
        this.pending.clear();
        const release = yield* callActivity(context, releaseWaiters, { waiters, eventName, outcome });
        if (release.ok) released += release.value.released;
        else context.warn(`Releasing ${waiters.length} waiting machine(s) failed: ${release.error.message}`);
        graceEndsMs = nowMs(context) + releaseGraceMs;
      }
      const { events, timedOut } = yield* this.inbox.until(graceEndsMs);
      for (const instanceId of events.flat()) this.pending.add(instanceId);
      if (timedOut && this.pending.size === 0) return released;
    }
  }

  private collect(): void {
    for (const instanceId of this.inbox.take().flat()) this.pending.add(instanceId);
  }
}

/** A machine's inbox for one singleton's release event. */
export function releaseInbox(
  context: OrchestrationContext,
  eventName: string,
): EventInbox<SharedOperationOutcome> {
  return new EventInbox(context, eventName, (payload) => {
    const parsed = sharedOperationOutcomeSchema.safeParse(payload);
    return parsed.success
      ? parsed.data
      : { succeeded: false, message: "The release event carried no readable outcome" };
  });
}
