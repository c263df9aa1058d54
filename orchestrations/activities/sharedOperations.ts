// Shared prerequisites, created once however many machines need them: a
// gateway per gateway id, a provider registration per subscription. Each has a singleton
// orchestration with a deterministic instance id; a machine *joins* it here — starting it when
// nothing is running — and then waits for the singleton's event, so a thousand waiting machines
// are not a thousand ARM pollers.
//
// Races are expected (a start on an existing id is refused, or overwrites a finished one): two machines may find no singleton at once; the second
// start is refused (409) and that machine joins the running one instead. A machine whose
// `Waiter` event reaches a singleton that has just ended would never be released, so after
// raising it the status is read once more and an ended singleton's outcome is answered at once.
// A singleton that ended *before* the machine looked at Azure (`observedAt`) is stale: it is
// started again, and its first step finds what Azure has now.
import type { DurableClient } from "durable-functions";

import { gatewayInstanceKey, providerInstanceId } from "../../shared/onboarding/instanceIds";
import type { ActivityInput, ActivityOutput, SharedOperationOutcome } from "../activityMap";
import { sharedOperationOutcomeSchema } from "../activityMap";
import { findInstanceStatus, hasEnded, type InstanceStatus, isConflict, isNotFound } from "../durableStatus";
import { eventNames, orchestratorNames } from "../orchestratorNames";

/** The part of the durable client the coordination activities use. */
export type CoordinationClient = Pick<DurableClient, "getStatus" | "startNew" | "raiseEvent">;

export interface GatewayCreationInput {
  readonly gatewayId: string;
  readonly location: string;
  readonly deadlineMinutes: number;
  /** Machines already waiting when the singleton starts. */
  readonly waiters: readonly string[];
}

export interface ProviderRegistrationInput {
  readonly subscriptionId: string;
  readonly namespace: string;
  readonly waiters: readonly string[];
}

type JoinOutput = ActivityOutput<"joinGatewayCreation">;

export function joinGatewayCreation(
  client: CoordinationClient,
  input: ActivityInput<"joinGatewayCreation">,
): Promise<JoinOutput> {
  const start: GatewayCreationInput = {
    gatewayId: input.gatewayId,
    location: input.location,
    deadlineMinutes: input.deadlineMinutes,
    waiters: [input.waiter],
  };
  return join(client, {
    instanceId: gatewayInstanceKey(input.gatewayId),
    orchestrator: orchestratorNames.gatewayCreation,
    start,
    waiter: input.waiter,
    observedAt: input.observedAt,
  });
}

export function joinProviderRegistration(
  client: CoordinationClient,
  input: ActivityInput<"joinProviderRegistration">,
): Promise<JoinOutput> {
  const start: ProviderRegistrationInput = {
    subscriptionId: input.subscriptionId,
    namespace: input.namespace,
    waiters: [input.waiter],
  };
  return join(client, {
    instanceId: providerInstanceId(input.subscriptionId, input.namespace),
    orchestrator: orchestratorNames.providerRegistration,
    start,
    waiter: input.waiter,
    observedAt: input.observedAt,
  });
}

export async function releaseWaiters(
  client: CoordinationClient,
  input: ActivityInput<"releaseWaiters">,
): Promise<ActivityOutput<"releaseWaiters">> {
  let released = 0;
  for (const waiter of new Set(input.waiters)) {
    try {
      await client.raiseEvent(waiter, input.eventName, input.outcome);
      released++;
    } catch (error) {
      // A machine whose onboarding was purged (or never started) has nobody left to release.
      if (!isNotFound(error)) throw error;
    }
  }
  return { released };
}

export async function readSharedOperation(
  client: CoordinationClient,
  input: ActivityInput<"readSharedOperation">,
): Promise<ActivityOutput<"readSharedOperation">> {
  const status = await findInstanceStatus(client, input.instanceId);
  if (status !== undefined && !hasEnded(status.runtimeStatus)) return { state: "running" };
  const runtimeStatus = status?.runtimeStatus ?? "Purged";
  const outcome = status && reportedOutcome(status);
  return { state: "ended", runtimeStatus, ...(outcome && { outcome }) };
}

interface JoinRequest {
  readonly instanceId: string;
  readonly orchestrator: string;
  readonly start: GatewayCreationInput | ProviderRegistrationInput;
  readonly waiter: string;
  readonly observedAt: string;
}

async function join(client: CoordinationClient, request: JoinRequest): Promise<JoinOutput> {
  const { instanceId } = request;
  // Three rounds cover "someone else started it between our read and our start"; more would be a bug.
  for (let round = 0; round < 3; round++) {
    const status = await findInstanceStatus(client, instanceId);
    if (status === undefined || hasEnded(status.runtimeStatus)) {
      const ended = status && endedAfter(status, request.observedAt);
      if (ended) return { state: "ended", instanceId, outcome: outcomeOf(status) };
      try {
        await client.startNew(request.orchestrator, { instanceId, input: request.start });
        return { state: "waiting", instanceId, started: true };
      } catch (error) {
        if (isConflict(error)) continue; // another machine started it first: join that one
        throw error;
      }
    }
    await client.raiseEvent(instanceId, eventNames.waiter, { instanceId: request.waiter });
    const after = await findInstanceStatus(client, instanceId);
    if (after && hasEnded(after.runtimeStatus)) {
      return { state: "ended", instanceId, outcome: outcomeOf(after) };
    }
    return { state: "waiting", instanceId, started: false };
  }
  throw new Error(`Could not start or join orchestration ${instanceId}: it kept changing under us`);
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
