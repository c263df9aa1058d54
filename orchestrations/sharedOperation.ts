// A shared operation: work done once however many orchestrations need it (a gateway's creation,
// a provider's registration, a gateway's retirement; later a token's rotation). One singleton
// orchestration does the work under a deterministic instance id; the others *join* it —
// starting it when nothing is running — and wait for its release event, so a thousand waiting
// machines are not a thousand ARM pollers. A `SharedOperation` describes one: the instance id,
// the orchestrator, the event it releases its waiters with, and its input. Adding one takes a
// descriptor builder and, for its waiters, a join activity over `joinSharedOperation`.
//
// The instance id is the *key of the thing worked on*, not of the work: every operation on one
// gateway (creating it, retiring it) runs under that gateway's one id, so two can never run at
// once — a start on a running id is refused. A join that finds another orchestrator running (or
// just ended) under its key never starts its own work over it: it answers a failed outcome, and
// the machine re-plans later from what Azure then shows.
//
// Races are expected (a start on an existing id is refused, or overwrites a finished one): two
// machines may find no singleton at once; the second start is refused (409) and that machine
// joins the running one instead. A machine whose `Waiter` event reaches a singleton that has just
// ended would never be released, so after raising it the status is read once more and an ended
// singleton's outcome is answered at once. A singleton that ended *before* the machine looked at
// Azure (`observedAt`) is stale: it is started again, and its first step finds what Azure has now.
import { z } from "zod";

import { runtimeClock } from "../shared/runtimeClock";
import { instanceIdField, isoTimeField, textField } from "../shared/validation/fields";
import { defineActivity } from "./activity";
import type { Capability } from "./capability";
import {
  type CoordinationClient,
  findInstanceStatus,
  hasEnded,
  type InstanceStatus,
  isConflict,
  isNotFound,
} from "./durableStatus";

export interface SharedOperation<Input extends object = object> {
  /** The key of the thing worked on, shared by every operation on it (see above). */
  readonly instanceId: string;
  /** The orchestrator that does the work. */
  readonly orchestrator: string;
  /** The external event it releases its waiters with (`SharedOperationOutcome`). */
  readonly eventName: string;
  /** Its input when a join starts it; the joining waiter is added as `waiters: [waiter]`. */
  readonly input: Input;
}

/** To a singleton: one or more orchestrations wait for it (`waiterEventSchema`). */
export const waiterEventName = "Waiter";

/** The singleton reads at most this many ids from one event. */
const maxWaitersPerEvent = 100;

/**
 * A `Waiter` event: one orchestration (`instanceId`), or the orchestrations whose joins met in one
 * process (`instanceIds`, see raiseWaiter); parsed to the ids it names.
 */
export const waiterEventSchema = z.union([
  z.object({ instanceId: instanceIdField }).transform((event) => [event.instanceId]),
  z
    .object({ instanceIds: z.array(instanceIdField).min(1).max(maxWaitersPerEvent) })
    .transform((event) => event.instanceIds),
]);

/** How a shared operation ended; what its singleton returns (among its own fields) and releases. */
export const sharedOperationOutcomeSchema = z.strictObject({ succeeded: z.boolean(), message: textField });
export type SharedOperationOutcome = z.output<typeof sharedOperationOutcomeSchema>;

export const eventNameField = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9]*$/);

/** What joining answers: wait for the release event, or the outcome at once. */
export const sharedOperationJoinSchema = z.discriminatedUnion("state", [
  z.strictObject({ state: z.literal("waiting"), instanceId: instanceIdField, started: z.boolean() }),
  z.strictObject({
    state: z.literal("ended"),
    instanceId: instanceIdField,
    outcome: sharedOperationOutcomeSchema,
  }),
]);
export type SharedOperationJoin = z.output<typeof sharedOperationJoinSchema>;

/** What every join activity's input carries besides the operation's own fields. */
export const joinerFields = { waiter: instanceIdField, observedAt: isoTimeField } as const;

/** Joins the operation's singleton, starting it when nothing runs under its key. */
export async function joinSharedOperation(
  client: CoordinationClient,
  operation: SharedOperation,
  joiner: { readonly waiter: string; readonly observedAt: string },
): Promise<SharedOperationJoin> {
  const { instanceId } = operation;
  // Three rounds cover "someone else started it between our read and our start"; more would be a bug.
  for (let round = 0; round < 3; round++) {
    const status = await findInstanceStatus(client, instanceId);
    if (status && !sameWork(status, operation)) {
      const busy = otherWork(status, operation, joiner.observedAt);
      if (busy) return { state: "ended", instanceId, outcome: busy };
    } else if (status && !hasEnded(status.runtimeStatus)) {
      await raiseWaiter(client, instanceId, joiner.waiter);
      const after = await findInstanceStatus(client, instanceId);
      if (after && hasEnded(after.runtimeStatus))
        return { state: "ended", instanceId, outcome: outcomeOf(after) };
      return { state: "waiting", instanceId, started: false };
    } else if (status && endedAfter(status, joiner.observedAt)) {
      return { state: "ended", instanceId, outcome: outcomeOf(status) };
    }
    try {
      await client.startNew(operation.orchestrator, {
        instanceId,
        input: { ...operation.input, waiters: [joiner.waiter] },
      });
      return { state: "waiting", instanceId, started: true };
    } catch (error) {
      if (isConflict(error)) continue; // another machine started it first: join that one
      throw error;
    }
  }
  throw new Error(`Could not start or join orchestration ${instanceId}: it kept changing under us`);
}

/**
 * Joins of one singleton that meet in this process share one `Waiter` event (group commit). Every
 * event is one more replay of the singleton's whole history, so a burst of a thousand machines
 * joining is a thousand replays of a growing history when each raises its own, and a fraction of
 * that when they share. A process raises to one singleton at most once a second: a lone joiner
 * raises at once, and the joiners that come within the second after a raise queue and share the
 * next one (measured with 1,000 machines joining in one minute: the gateway's singleton ran 668
 * episodes with histories of up to 2,031 events without the pause, 158 of up to 480 with it).
 * Each joiner learns whether its raise went through, as if it had raised alone.
 */
interface WaiterBatch {
  readonly waiters: string[];
  readonly settled: Promise<void>;
}

/** The shortest time between two raises of one process to one singleton. */
const waiterRaiseEveryMs = 1_000;

const pendingWaiters = new Map<string, WaiterBatch>();
const raisingWaiters = new Map<string, Promise<void>>();
const lastRaisedAt = new Map<string, number>();

async function raiseWaiter(client: CoordinationClient, instanceId: string, waiter: string): Promise<void> {
  const queued = pendingWaiters.get(instanceId);
  if (queued && queued.waiters.length < maxWaitersPerEvent) {
    queued.waiters.push(waiter);
    return queued.settled;
  }
  const waiters = [waiter];
  const previous = raisingWaiters.get(instanceId) ?? Promise.resolve();
  const settled = previous.then(async () => {
    // At most one pause, even if the clock was set back since (a test host's new virtual clock).
    const sinceLast = runtimeClock.now() - (lastRaisedAt.get(instanceId) ?? -Infinity);
    const pauseMs = sinceLast < 0 ? waiterRaiseEveryMs : waiterRaiseEveryMs - sinceLast;
    if (pauseMs > 0) await runtimeClock.sleep(pauseMs);
    if (pendingWaiters.get(instanceId)?.waiters === waiters) pendingWaiters.delete(instanceId);
    forgetRaisesBefore(runtimeClock.now() - waiterRaiseEveryMs);
    lastRaisedAt.set(instanceId, runtimeClock.now());
    await client.raiseEvent(
      instanceId,
      waiterEventName,
      waiters.length === 1 ? { instanceId: waiter } : { instanceIds: waiters },
    );
  });
  pendingWaiters.set(instanceId, { waiters, settled });
  const tail: Promise<void> = settled
    .catch(() => undefined)
    .then(() => {
      if (raisingWaiters.get(instanceId) === tail) raisingWaiters.delete(instanceId);
    });
  raisingWaiters.set(instanceId, tail);
  return settled;
}

function forgetRaisesBefore(ms: number): void {
  for (const [instanceId, at] of lastRaisedAt) if (at < ms) lastRaisedAt.delete(instanceId);
}

/** Runs (or ran) the operation's own orchestrator; an unknown name (an older host) counts as ours. */
function sameWork(status: InstanceStatus, operation: SharedOperation): boolean {
  return status.name === "" || status.name === "undefined" || status.name === operation.orchestrator;
}

/**
 * Another operation holds (or just held) the key: a failed outcome for the joiner, so nothing is
 * started over it; undefined when it ended before the joiner looked at Azure (nothing to fear).
 */
function otherWork(
  status: InstanceStatus,
  operation: SharedOperation,
  observedAt: string,
): SharedOperationOutcome | undefined {
  if (!hasEnded(status.runtimeStatus)) {
    return {
      succeeded: false,
      message: `${status.name} is running under ${operation.instanceId}; ${operation.orchestrator} waits until it has ended`,
    };
  }
  if (endedAfter(status, observedAt)) {
    return {
      succeeded: false,
      message: `${status.name} ended under ${operation.instanceId} after the machine was observed; onboarding it again plans from what Azure shows now`,
    };
  }
  return undefined;
}

function endedAfter(status: InstanceStatus, observedAt: string): boolean {
  return Number.isFinite(status.lastUpdatedAt) && status.lastUpdatedAt >= Date.parse(observedAt);
}

/** The singleton's own outcome, or what its end says when it did not return one. */
function outcomeOf(status: InstanceStatus): SharedOperationOutcome {
  return (
    reportedOutcome(status) ?? {
      succeeded: false,
      message: `Its orchestration ended ${status.runtimeStatus} without an outcome`,
    }
  );
}

/** The outcome a singleton returned, when it completed with one. */
function reportedOutcome(status: InstanceStatus): SharedOperationOutcome | undefined {
  if (status.runtimeStatus !== "Completed") return undefined;
  // The singleton's output is the outcome plus its own fields (gateway id, waiters…).
  const parsed = sharedOperationOutcomeSchema.loose().safeParse(status.output);
  return parsed.success ? { succeeded: parsed.data.succeeded, message: parsed.data.message } : undefined;
}

// ---------- the activities every shared operation uses ----------

/**
 * How a joined singleton stands, without joining it again: a waiting machine's check that its
 * release was not lost to the singleton's end (an event raised to an orchestration as it
 * completes is never read). `outcome` is absent when it ended without one (terminated, failed).
 */
export const readSharedOperation = defineActivity({
  name: "readSharedOperation_v1",
  needs: "durableClient",
  input: z.strictObject({ instanceId: instanceIdField }),
  output: z.discriminatedUnion("state", [
    z.strictObject({ state: z.literal("running") }),
    z.strictObject({
      state: z.literal("ended"),
      runtimeStatus: z.string().min(1).max(64),
      outcome: sharedOperationOutcomeSchema.optional(),
    }),
  ]),
  async handler({ client }, { instanceId }) {
    const status = await findInstanceStatus(client, instanceId);
    if (status !== undefined && !hasEnded(status.runtimeStatus)) return { state: "running" as const };
    const runtimeStatus = status?.runtimeStatus ?? "Purged";
    const outcome = status && reportedOutcome(status);
    return { state: "ended" as const, runtimeStatus, ...(outcome && { outcome }) };
  },
});

/** Release events on the wire at once. */
const releaseConcurrency = 8;

/** Raises the singleton's outcome to every orchestration waiting on it. */
export const releaseWaiters = defineActivity({
  name: "releaseWaiters_v1",
  needs: "durableClient",
  input: z.strictObject({
    waiters: z.array(instanceIdField).max(100_000),
    eventName: eventNameField,
    outcome: sharedOperationOutcomeSchema,
  }),
  output: z.strictObject({ released: z.number().int().nonnegative() }),
  async handler({ client }, input) {
    // A few raises at a time: one after another, a thousand waiters would hold the singleton's
    // release (and every machine behind it) for a thousand round trips.
    const waiters = [...new Set(input.waiters)];
    let released = 0;
    let next = 0;
    const raiseNext = async (): Promise<void> => {
      while (next < waiters.length) {
        const waiter = waiters[next++]!;
        try {
          await client.raiseEvent(waiter, input.eventName, input.outcome);
          released++;
        } catch (error) {
          // An orchestration that was purged (or never started) has nobody left to release.
          if (!isNotFound(error)) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(releaseConcurrency, waiters.length) }, raiseNext));
    return { released };
  },
});

export const sharedOperations: Capability = {
  name: "shared operations",
  orchestrators: [],
  activities: [readSharedOperation, releaseWaiters],
};
