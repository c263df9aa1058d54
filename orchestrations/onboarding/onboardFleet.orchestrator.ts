// The onboard runbook: one machine or a fleet, on demand (also how an operator re-runs a machine
// that ended `pending` or `needs-local-action` once it is fixed). Input: the machines (a list, or
// a scope listed through Resource Graph) and `dryRun`.
//
// 1. Resolve the machines: each once, in ARC_SCOPES (those outside are reported, never touched).
// 2. Dry run: plan them in batches, paced inside ARM's read budget (shared/onboarding/fleet.ts);
//    nothing is written. The result is each machine's plan.
// 3. Otherwise start each machine's own onboarding (`onboardMachine_v1`, its usual instance id) in
//    paced waves; a machine whose onboarding is already running is waited for, not restarted.
//    Then read how they stand every minute until all have ended or the wait (the connect wait,
//    the gateway deadline and 30 minutes) is over; the result is each machine's outcome, or its
//    runtime status when the runbook stopped waiting first.
// Progress (runbookProgress.ts) counts machines: planned, started, then finished.
import type { OrchestrationContext, Task } from "durable-functions";

import {
  fleetPace,
  type MachinePlanReport,
  type MachineRunReport,
  onboardFleetInputSchema,
  type OnboardFleetResult,
  runSummaryKey,
  tally,
} from "../../shared/onboarding/fleet";
import { hasEnded } from "../durableStatus";
import { nowMs, sleepUntil } from "../orchestrationWaits";
import { progressReporter, reportProgress } from "../runbookProgress";
import { step } from "../stepFailure";
import { planFleetBatch, readOnboardings, resolveFleet, startOnboardings } from "./fleetActivities";

const runbookKind = "onboard";

export interface OnboardFleetFailure {
  readonly failed: true;
  readonly code: string;
  readonly reason: string;
}

export function* onboardFleetOrchestrator(
  context: OrchestrationContext,
): Generator<Task, OnboardFleetResult | OnboardFleetFailure, unknown> {
  const input = onboardFleetInputSchema.parse(context.df.getInput());
  const status = progressReporter(context, runbookKind);

  // 1. resolve
  status(0, 0, "Listing the machines");
  const resolved = yield* step(context, resolveFleet, { targets: input.targets });
  if (!resolved.ok)
    return end(context, { failed: true, code: resolved.failure.code, reason: resolved.failure.reason });
  const { machineIds, outOfScope, waitMinutes } = resolved.value;
  const total = machineIds.length;

  // 2. dry run
  if (input.dryRun) {
    const plans: MachinePlanReport[] = outOfScope.map(outOfScopePlan);
    let plannedGateways: { gatewayId: string; location: string }[] = [];
    for (let from = 0; from < total; from += fleetPace.planBatch) {
      const batchStart = nowMs(context);
      status(
        from,
        total,
        `Planning machines ${from + 1}-${Math.min(total, from + fleetPace.planBatch)} of ${total}`,
      );
      const batch = machineIds.slice(from, from + fleetPace.planBatch);
      const planned = yield* step(context, planFleetBatch, { machineIds: batch, plannedGateways });
      if (!planned.ok)
        return end(context, { failed: true, code: planned.failure.code, reason: planned.failure.reason });
      plans.push(...planned.value.plans);
      plannedGateways = planned.value.plannedGateways;
      if (from + fleetPace.planBatch < total)
        yield* sleepUntil(context, batchStart + fleetPace.planBatchEveryMs);
    }
    return end(context, { dryRun: true, machines: plans, summary: tally(plans, (p) => p.outcome) });
  }

  // 3. start, paced, then wait for every run
  const runs: MachineRunReport[] = [];
  for (let from = 0; from < total; from += fleetPace.startWave) {
    const waveStart = nowMs(context);
    status(
      from,
      total,
      `Starting onboarding of machines ${from + 1}-${Math.min(total, from + fleetPace.startWave)} of ${total}`,
    );
    const wave = machineIds.slice(from, from + fleetPace.startWave);
    const started = yield* step(context, startOnboardings, {
      machineIds: wave,
      trigger: input.trigger ?? "runbook",
    });
    if (!started.ok)
      return end(context, { failed: true, code: started.failure.code, reason: started.failure.reason });
    for (const s of started.value.started) runs.push({ ...s, runtimeStatus: "Running" });
    if (from + fleetPace.startWave < total)
      yield* sleepUntil(context, waveStart + fleetPace.startWaveEveryMs);
  }
  const deadline = nowMs(context) + waitMinutes * 60_000;
  for (;;) {
    const open = runs.filter((r) => r.result === undefined && !endedStatus(r.runtimeStatus));
    if (open.length === 0) break;
    const ended = total - open.length;
    status(
      ended,
      total,
      `${ended} of ${total} machine(s) finished onboarding`,
      `${open.length} onboarding run(s)`,
    );
    if (nowMs(context) >= deadline) break;
    yield* sleepUntil(context, Math.min(deadline, nowMs(context) + fleetPace.readStatusEveryMs));
    const read = yield* step(context, readOnboardings, { instanceIds: open.map((r) => r.instanceId) });
    if (!read.ok) continue; // the durable store answered oddly: read again at the next look
    const byId = new Map(read.value.instances.map((i) => [i.instanceId, i]));
    for (const [index, run] of runs.entries()) {
      const seen = byId.get(run.instanceId);
      if (!seen) continue;
      runs[index] = {
        ...run,
        runtimeStatus: seen.runtimeStatus,
        ...(seen.result ? { result: seen.result } : {}),
      };
    }
  }
  const machines = runs;
  const summary = tally(machines, runSummaryKey);
  if (outOfScope.length > 0) summary["out-of-scope"] = outOfScope.length;
  return end(context, { dryRun: false, machines, summary });
}

/** Ended, or gone from the store (readOnboardings answers `Purged`). */
function endedStatus(runtimeStatus: string): boolean {
  return hasEnded(runtimeStatus) || runtimeStatus === "Purged";
}

function outOfScopePlan(machineId: string): MachinePlanReport {
  return {
    machineId,
    outcome: "skipped",
    code: "OutOfScope",
    message: "skipped: the machine is outside every configured scope (ARC_SCOPES)",
    steps: [],
    warnings: [],
  };
}

function end<T extends OnboardFleetResult | OnboardFleetFailure>(
  context: OrchestrationContext,
  result: T,
): T {
  const message =
    "failed" in result
      ? `${result.code}: ${result.reason}`
      : Object.entries(result.summary)
          .map(([k, n]) => `${n} ${k}`)
          .join(", ") || "No machines";
  const machines = "failed" in result ? 0 : result.machines.length;
  reportProgress(context, {
    runbook: runbookKind,
    stepsDone: machines,
    stepsTotal: machines,
    currentStep: "failed" in result ? "Failed" : "Done",
    message,
  });
  return result;
}
