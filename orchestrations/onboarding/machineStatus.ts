// A machine as the machine-status runbook shows it: its plan now (what is missing and why, from
// the onboarding planner over what Azure shows, reads only) and its last onboarding run (the
// machine's own instance: its runtime status, progress and, once ended, its result). Placement is
// planned with facts of its own, so looking at a machine never makes a run expect a gateway.
import type { DurableClient } from "durable-functions";

import type { ArmContext } from "../../shared/azure/armContext";
import type { Settings } from "../../shared/config";
import { type MachinePlanReport, planReport } from "../../shared/onboarding/fleet";
import { machineInstanceId } from "../../shared/onboarding/instanceIds";
import type { MachineSummary } from "../../shared/onboarding/onboardingPlan";
import { type OnboardingResult, onboardingResultSchema } from "../../shared/onboarding/onboardingResult";
import { isNotFound } from "../durableStatus";
import { SubscriptionFacts } from "../subscriptionFacts";
import { planMachine } from "./planOnboarding";

export interface LastOnboardingRun {
  readonly instanceId: string;
  readonly runtimeStatus: string;
  readonly createdTime: string;
  readonly lastUpdatedTime: string;
  /** What it was doing when last seen (`step`, `done`, `total`, `message`, `waitingFor`). */
  readonly progress?: unknown;
  /** How it ended, once it has. */
  readonly result?: OnboardingResult;
}

export interface MachineStatusView {
  readonly machineId: string;
  /** False when ARM answers 404 for the machine. */
  readonly exists: boolean;
  readonly machine?: MachineSummary;
  /** What a run would do now: `ready` with the missing steps, `done`, or why it would stop. */
  readonly plan: MachinePlanReport;
  /** Absent when the machine was never onboarded (or its run was purged). */
  readonly lastRun?: LastOnboardingRun;
}

export async function machineStatus(
  deps: { readonly arm: ArmContext; readonly settings: Settings },
  client: Pick<DurableClient, "getStatus">,
  machineId: string,
): Promise<MachineStatusView> {
  const [planned, lastRun] = await Promise.all([
    planMachine({ ...deps, facts: new SubscriptionFacts(deps.arm) }, { machineId }),
    lastOnboardingRun(client, machineId),
  ]);
  const exists = !(planned.plan.kind === "stop" && planned.plan.code === "MachineNotFound");
  return {
    machineId: planned.plan.machineId,
    exists,
    ...(planned.machine ? { machine: planned.machine } : {}),
    plan: planReport(planned.plan),
    ...(lastRun ? { lastRun } : {}),
  };
}

async function lastOnboardingRun(
  client: Pick<DurableClient, "getStatus">,
  machineId: string,
): Promise<LastOnboardingRun | undefined> {
  const instanceId = machineInstanceId(machineId);
  try {
    const status = await client.getStatus(instanceId, { showInput: false });
    const result = onboardingResultSchema.safeParse(status.output);
    return {
      instanceId,
      runtimeStatus: String(status.runtimeStatus),
      createdTime: new Date(status.createdTime).toISOString(),
      lastUpdatedTime: new Date(status.lastUpdatedTime).toISOString(),
      ...(status.customStatus !== undefined && status.customStatus !== null
        ? { progress: status.customStatus }
        : {}),
      ...(result.success ? { result: result.data } : {}),
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
