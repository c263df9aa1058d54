// One run of each kind per cluster at a time: starting a run unless it runs (the starters and the
// rotation sweep), and whether a cluster lies in ARC_SCOPES (the event path and the sweep).
import type { DurableClient } from "durable-functions";

import type { Settings } from "../../shared/config";
import { parseConnectedClusterId } from "../../shared/resourceId";
import { scopeVerdict } from "../../shared/runbooks/targetScope";
import { findInstanceStatus, hasEnded, isConflict } from "../durableStatus";

export type StarterClient = Pick<DurableClient, "getStatus" | "startNew">;

export type StartAction = "started" | "alreadyRunning";

/** Whether the instance runs; a durable store that cannot be read is thrown, never taken as "no run". */
async function isRunning(client: StarterClient, instanceId: string): Promise<boolean> {
  const status = await findInstanceStatus(client, instanceId);
  return status !== undefined && !hasEnded(status.runtimeStatus);
}

/** Starts the instance unless it runs: one status read, then the start. */
export async function startOnce(
  client: StarterClient,
  name: string,
  instanceId: string,
  input: unknown,
): Promise<StartAction> {
  if (await isRunning(client, instanceId)) return "alreadyRunning";
  return startUnlessStarted(client, name, instanceId, input);
}

/** Starts the instance; a 409 means another caller just started it. */
export async function startUnlessStarted(
  client: StarterClient,
  name: string,
  instanceId: string,
  input: unknown,
): Promise<StartAction> {
  try {
    await client.startNew(name, { instanceId, input });
    return "started";
  } catch (error) {
    if (isConflict(error)) return "alreadyRunning";
    throw error;
  }
}

/** Whether the cluster lies in ARC_SCOPES (its resource group within one), and if not, why. */
export function clusterScopeVerdict(clusterId: string, settings: Settings) {
  const ref = parseConnectedClusterId(clusterId);
  return scopeVerdict(
    "scope",
    `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}`,
    settings,
  );
}
