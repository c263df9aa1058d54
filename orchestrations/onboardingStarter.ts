// Starting and stopping a machine's onboarding from a trigger (Event Grid now; runbooks and the
// drift sweep later), through the durable client. One instance per machine, id from the
// normalised resource id, so a duplicate event finds the instance:
// - running or pending → nothing is started ("running" means not in
//   Completed/Failed/Terminated/Canceled — an instance that merely exists may be long finished);
// - a run that was created after the event happened has already seen what the event reports, so
//   a late duplicate starts nothing (Event Grid delivers at least once, docs/azure-facts.md §9);
// - otherwise a new run starts (a finished run's id is reused: its history is replaced).
import type { DurableClient } from "durable-functions";

import { detachInstanceId, machineInstanceId } from "../shared/onboarding/instanceIds";
import { findInstanceStatus, hasEnded, isConflict, isNotFound } from "./durableStatus";
import { orchestratorNames } from "./orchestratorNames";

export type StarterClient = Pick<DurableClient, "getStatus" | "startNew" | "terminate">;

export type StartDecision =
  | { readonly action: "started"; readonly instanceId: string }
  | { readonly action: "alreadyRunning"; readonly instanceId: string; readonly runtimeStatus: string }
  | { readonly action: "alreadyCovered"; readonly instanceId: string; readonly runStartedAt: string };

export interface OnboardingRequest {
  readonly machineId: string;
  /** `event`, `runbook`, `drift`. */
  readonly trigger: string;
  /** When what prompted this happened (an event's eventTime); a run created later already covers it. */
  readonly happenedAt?: string;
  /** A gateway tagged retiring whose retirement the caller found not running: the run moves the machine off it. */
  readonly retirementNotRunning?: string;
}

export async function startOnboarding(
  client: Pick<StarterClient, "getStatus" | "startNew">,
  request: OnboardingRequest,
): Promise<StartDecision> {
  const instanceId = machineInstanceId(request.machineId);
  const status = await findInstanceStatus(client, instanceId);
  if (status && !hasEnded(status.runtimeStatus)) {
    return { action: "alreadyRunning", instanceId, runtimeStatus: status.runtimeStatus };
  }
  const happenedAt = request.happenedAt === undefined ? Number.NaN : Date.parse(request.happenedAt);
  if (status && Number.isFinite(happenedAt) && status.createdAt >= happenedAt) {
    return { action: "alreadyCovered", instanceId, runStartedAt: new Date(status.createdAt).toISOString() };
  }
  try {
    await client.startNew(orchestratorNames.onboardMachine, {
      instanceId,
      input: {
        machineId: request.machineId,
        trigger: request.trigger,
        ...(request.retirementNotRunning !== undefined
          ? { retirementNotRunning: request.retirementNotRunning }
          : {}),
      },
    });
    return { action: "started", instanceId };
  } catch (error) {
    // Another delivery of the same event started it between our read and our start.
    if (isConflict(error)) {
      return { action: "alreadyRunning", instanceId, runtimeStatus: "Pending" };
    }
    throw error;
  }
}

/**
 * The machine's detach or move (`detachInstanceId`) when one is running: that run decides the
 * machine's gateway, so an event must not start an onboarding beside it — its own writes (the
 * direct tag's PATCH among them) come back as machine write events.
 */
export async function runningDetach(
  client: Pick<StarterClient, "getStatus">,
  machineId: string,
): Promise<{ readonly instanceId: string; readonly runtimeStatus: string } | undefined> {
  const instanceId = detachInstanceId(machineId);
  const status = await findInstanceStatus(client, instanceId);
  return status && !hasEnded(status.runtimeStatus)
    ? { instanceId, runtimeStatus: status.runtimeStatus }
    : undefined;
}

export type StopDecision =
  | { readonly action: "terminated"; readonly instanceId: string }
  | { readonly action: "notRunning"; readonly instanceId: string }
  | { readonly action: "newerRunKept"; readonly instanceId: string; readonly runStartedAt: string };

/**
 * Terminates a running onboarding, with the reason in its history and status — unless the run
 * began after the deletion happened (`happenedAt`, the event's time): the machine was created
 * again since, and a late delivery (a retry, a dead letter replayed days later) of the old
 * deletion must not stop the new machine's onboarding.
 */
export async function stopOnboarding(
  client: StarterClient,
  machineId: string,
  reason: string,
  happenedAt?: string,
): Promise<StopDecision> {
  const instanceId = machineInstanceId(machineId);
  const status = await findInstanceStatus(client, instanceId);
  if (!status || !!hasEnded(status.runtimeStatus)) return { action: "notRunning", instanceId };
  const deletedAt = happenedAt === undefined ? Number.NaN : Date.parse(happenedAt);
  if (Number.isFinite(deletedAt) && status.createdAt > deletedAt) {
    return { action: "newerRunKept", instanceId, runStartedAt: new Date(status.createdAt).toISOString() };
  }
  try {
    await client.terminate(instanceId, reason);
  } catch (error) {
    // It ended between our read and the terminate: there is nothing left to stop.
    if (isNotFound(error)) return { action: "notRunning", instanceId };
    throw error;
  }
  return { action: "terminated", instanceId };
}
