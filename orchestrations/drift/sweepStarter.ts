// Starting drift sweeps through the durable client: the timer's, one per period of
// ARC_DRIFT_SCHEDULE (its instance id is the period's start, so a duplicate or past-due firing
// finds the period's sweep, running or finished, and starts nothing), and an operator's, each
// under an id of its own.
import type { DurableClient } from "durable-functions";

import type { DriftSweepInput } from "../../shared/drift/report";
import { periodStart, sweepInstanceId } from "../../shared/drift/schedule";
import { findInstanceStatus, isConflict } from "../durableStatus";
import { orchestratorNames } from "../orchestratorNames";

export type SweepStart =
  | { readonly action: "started"; readonly instanceId: string }
  | { readonly action: "exists"; readonly instanceId: string; readonly runtimeStatus: string };

/** The sweep of the period `nowMs` falls in; none is started when that period's sweep exists in any state. */
export async function startPeriodSweep(
  client: Pick<DurableClient, "getStatus" | "startNew">,
  schedule: string,
  nowMs: number,
): Promise<SweepStart> {
  const start = periodStart(schedule, nowMs) ?? nowMs;
  return startSweep(client, sweepInstanceId(start), { dryRun: false, trigger: "timer" });
}

/** Starts the sweep `instanceId` unless an instance by that id exists. */
export async function startSweep(
  client: Pick<DurableClient, "getStatus" | "startNew">,
  instanceId: string,
  input: DriftSweepInput,
): Promise<SweepStart> {
  const existing = await findInstanceStatus(client, instanceId);
  if (existing) return { action: "exists", instanceId, runtimeStatus: existing.runtimeStatus };
  try {
    await client.startNew(orchestratorNames.driftSweep, { instanceId, input });
    return { action: "started", instanceId };
  } catch (error) {
    // Another firing started it between our read and our start.
    if (isConflict(error)) return { action: "exists", instanceId, runtimeStatus: "Pending" };
    throw error;
  }
}
