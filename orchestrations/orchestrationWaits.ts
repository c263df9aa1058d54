// The waits orchestrators share, built on durable timers and external events only (deterministic:
// no clock but `currentUtcDateTime`, no I/O). Imported by *.orchestrator.ts files.
import type { OrchestrationContext, Task, TimerTask } from "durable-functions";
import { z } from "zod";

import { callActivity, type SharedOperationOutcome, sharedOperationOutcomeSchema } from "./activityMap";
import { eventNames } from "./orchestratorNames";

export function nowMs(context: OrchestrationContext): number {
  return context.df.currentUtcDateTime.getTime();
}

export function* sleepUntil(context: OrchestrationContext, fireAtMs: number): Generator<Task, void, unknown> {
  yield context.df.createTimer(new Date(fireAtMs));
}

const waiterEvent = z.object({ instanceId: z.string().min(1).max(100) });

/**
 * A singleton's wait: until `fireAtMs`, adding every machine that joins meanwhile to `waiters`.
 * Returns when the time has come.
 */
export function* sleepCollectingWaiters(
  context: OrchestrationContext,
  fireAtMs: number,
  waiters: Set<string>,
): Generator<Task, void, unknown> {
  for (;;) {
    const timer: TimerTask = context.df.createTimer(new Date(fireAtMs));
    const joined = context.df.waitForExternalEvent(eventNames.waiter);
    const winner: unknown = yield context.df.Task.any([timer, joined]);
    if (winner === timer) return;
    timer.cancel();
    const parsed = waiterEvent.safeParse(joined.result);
    if (parsed.success) waiters.add(parsed.data.instanceId);
  }
}

/**
 * A waiting machine's wait for its singleton's outcome event, with a deadline as backstop:
 * the outcome, or `undefined` when the deadline came first.
 */
export function* waitForRelease(
  context: OrchestrationContext,
  eventName: string,
  deadlineMs: number,
): Generator<Task, SharedOperationOutcome | undefined, unknown> {
  const timer = context.df.createTimer(new Date(deadlineMs));
  const released = context.df.waitForExternalEvent(eventName);
  const winner: unknown = yield context.df.Task.any([timer, released]);
  if (winner === timer) return undefined;
  timer.cancel();
  const parsed = sharedOperationOutcomeSchema.safeParse(released.result);
  return parsed.success
    ? parsed.data
    : { succeeded: false, message: "The release event carried no readable outcome" };
}

/** How long after a singleton ends late joiners are still released. */
const releaseGraceMs = 60_000;

/**
 * A singleton's end: release every waiter with the outcome, then keep releasing machines that
 * join during a short grace period (their `Waiter` event may have crossed the first release).
 * Returns how many were released.
 */
export function* releaseAllWaiters(
  context: OrchestrationContext,
  waiters: Set<string>,
  eventName: (typeof eventNames)["gatewayCreation" | "providerRegistration"],
  outcome: SharedOperationOutcome,
): Generator<Task, number, unknown> {
  let released = 0;
  for (;;) {
    if (waiters.size > 0) {
      const release = yield* callActivity(context, "releaseWaiters", {
        waiters: [...waiters],
        eventName,
        outcome,
      });
      if (release.ok) released += release.value.released;
      else context.warn(`Releasing ${waiters.size} waiting machine(s) failed: ${release.error.message}`);
    }
    waiters.clear();
    yield* sleepCollectingWaiters(context, nowMs(context) + releaseGraceMs, waiters);
    if (waiters.size === 0) return released;
  }
}
