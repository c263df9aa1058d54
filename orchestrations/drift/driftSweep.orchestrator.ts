// The drift sweep: finds what events missed, repairs it (or, as a dry run, only reports it), and
// reports compliance. Input: `dryRun` and who started it.
//
// 1. Settings and the gateway inventory (Resource Graph), which retiring gateways have no
//    retirement running (the durable store: their machines are repaired like a deleted gateway's,
//    a running retirement's are left to it), the previous sweep's memory (the durable store), then the machine inventory a Resource Graph page (1,000 rows) at a time,
//    waiting out the page quota on a durable timer when it runs low (docs/azure-facts.md §13).
// 2. Incremental verification (shared/drift/verification.ts): the machines to read in full —
//    new, changed, gateway gone, not in their desired state last time, and a rotation share of
//    the rest — in batches of 25 whose reads the activity spaces to the read budget; a durable
//    timer between batches keeps the next batch's first read a full spacing after the last.
//    Each is planned with the onboarding planner and classified (shared/drift/driftKinds.ts).
// 3. Repair (not in a dry run): each repairable machine's onboarding started with trigger
//    `drift` (orchestrations/onboardingStarter.ts), in paced waves of 25; a machine whose
//    onboarding runs is left to it. A machine of a retiring gateway with no retirement running
//    is started with that gateway named, checked again at the start, so its plan moves it.
// 4. The report (shared/drift/report.ts) and the memory for the next sweep are the output; the
//    custom status follows runbookProgress.ts; `drift-latest` then points at this sweep.
import type { OrchestrationContext, Task } from "durable-functions";

import { type DriftKind, isCompliant } from "../../shared/drift/driftKinds";
import {
  compliance,
  type DriftReport,
  driftSweepInputSchema,
  type DriftSweepOutput,
  isoTime,
  type MachineFinding,
  type SweepOutcome,
} from "../../shared/drift/report";
import { type MachineMemory, planVerification } from "../../shared/drift/verification";
import { fleetPace, tally } from "../../shared/onboarding/fleet";
import { normalizeResourceId, sameResourceId } from "../../shared/resourceId";
import { attachGateway } from "../gateways/gatewayActivities";
import { readOnboardings, startOnboardings } from "../onboarding/fleetActivities";
import { nowMs, sleepUntil } from "../orchestrationWaits";
import { progressReporter, reportProgress } from "../runbookProgress";
import { step } from "../stepFailure";
import { publishDriftReport } from "./publishReport";
import {
  beginDriftSweep,
  readDriftInventoryPage,
  readIdleRetirements,
  readOnboardingRecords,
  readPreviousSweep,
  recordLatestSweep,
  verifyBatch,
  verifyDriftBatch,
} from "./sweepActivities";

const runbookKind = "drift-sweep";
/** Below this many Resource Graph queries left in the window, the next page waits for the reset. */
const quotaReserve = 2;

export function* driftSweepOrchestrator(
  context: OrchestrationContext,
): Generator<Task, DriftSweepOutput, unknown> {
  const input = driftSweepInputSchema.parse(context.df.getInput());
  const startedAt = nowMs(context);
  const requests = { armReads: 0, armWrites: 0, resourceGraphQueries: 0 };
  const status = progressReporter(context, runbookKind);

  // 1. settings, gateways, the previous sweep, the machine inventory
  status(0, 0, "Reading the gateway inventory");
  const begun = yield* step(context, beginDriftSweep, {});
  if (!begun.ok) return failed(context, input.dryRun, startedAt, requests, begun.failure);
  const settings = begun.value;
  add(requests, settings.requests);
  // Retiring gateways whose retirement is not running (unknown: left to a retirement, as before).
  const retiring = settings.gateways.filter((g) => g.state === "retiring").map((g) => g.id);
  const retirementsNotRunning: string[] = [];
  for (let from = 0; from < retiring.length; from += 1000) {
    const idle = yield* step(context, readIdleRetirements, { gatewayIds: retiring.slice(from, from + 1000) });
    if (idle.ok) retirementsNotRunning.push(...idle.value.notRunning);
  }
  const previous = yield* step(context, readPreviousSweep, {});
  const memory = previous.ok ? previous.value.memory : undefined;

  const inventory: { machineId: string; fingerprint: string }[] = [];
  let skipToken: string | undefined;
  let quota = settings.quota;
  do {
    if (quota && quota.remaining < quotaReserve)
      yield* sleepUntil(context, nowMs(context) + Math.max(1_000, quota.resetsAfterMs ?? 5_000));
    status(0, 0, `Listing the machines (${inventory.length} so far)`);
    const page = yield* step(context, readDriftInventoryPage, skipToken !== undefined ? { skipToken } : {});
    if (!page.ok) return failed(context, input.dryRun, startedAt, requests, page.failure);
    requests.resourceGraphQueries++;
    inventory.push(...page.value.machines);
    skipToken = page.value.skipToken;
    quota = page.value.quota;
  } while (skipToken !== undefined);

  // 2. verify: read in full what changed and a rotation share of the rest
  const gateways = new Map(settings.gateways.map((g) => [normalizeResourceId(g.id), g.state] as const));
  const plan = planVerification({
    inventory,
    ...(memory ? { previous: memory } : {}),
    gateways,
    now: startedAt,
    fullReadMs: settings.fullReadHours * 3_600_000,
  });
  const remembered = new Map((memory?.machines ?? []).map((m) => [normalizeResourceId(m.machineId), m]));
  const fingerprints = new Map(inventory.map((m) => [normalizeResourceId(m.machineId), m.fingerprint]));
  const spacingMs = Math.ceil(1000 / settings.readsPerSecond);
  const verified: (MachineFinding & {
    repairable: boolean;
    gatewayLink?: string;
    checkRecord?: boolean;
    relinkTo?: string;
  })[] = [];
  const total = plan.read.length;
  for (let from = 0; from < total; from += verifyBatch) {
    const batchStart = nowMs(context);
    status(
      from,
      total,
      `Reading machines ${from + 1}-${Math.min(total, from + verifyBatch)} of ${total} in full`,
    );
    const batch = plan.read.slice(from, from + verifyBatch).map(({ machineId }) => {
      const before = remembered.get(normalizeResourceId(machineId));
      return {
        machineId,
        ...(before
          ? { previous: { kind: before.kind, ...(before.code !== undefined ? { code: before.code } : {}) } }
          : {}),
      };
    });
    const read = yield* step(context, verifyDriftBatch, {
      machines: batch,
      readsPerSecond: settings.readsPerSecond,
      ...(retirementsNotRunning.length > 0 ? { retirementsNotRunning } : {}),
    });
    if (!read.ok) return failed(context, input.dryRun, startedAt, requests, read.failure);
    add(requests, read.value.requests);
    for (const machine of read.value.machines) {
      verified.push({
        machineId: machine.machineId,
        kind: machine.kind,
        ...(machine.code !== undefined ? { code: machine.code } : {}),
        outcome: "reported",
        reason: machine.reason,
        ...(machine.localAction ? { localAction: machine.localAction } : {}),
        ...(machine.unchanged ? { unchanged: true } : {}),
        repairable: machine.repairable,
        ...(machine.gatewayLink !== undefined ? { gatewayLink: machine.gatewayLink } : {}),
        ...(machine.checkRecord ? { checkRecord: true } : {}),
        ...(machine.relinkTo !== undefined ? { relinkTo: machine.relinkTo } : {}),
      });
    }
    // The next batch's first read comes a full spacing after this batch's last, and never sooner
    // than the budget allows for this batch's reads.
    if (from + verifyBatch < total) {
      const budgetEnd = batchStart + read.value.requests.armReads * spacingMs;
      yield* sleepUntil(context, Math.max(budgetEnd, nowMs(context) + spacingMs));
    }
  }

  // Not attached, without an endpoint to show it was onboarded: the onboarding record decides —
  // none: never onboarded; its last run ended pending (not connected then): pending now connected.
  const toCheck = verified.filter((m) => m.checkRecord).map((m) => m.machineId);
  for (let from = 0; from < toCheck.length; from += 1000) {
    const chunk = toCheck.slice(from, from + 1000);
    const records = yield* step(context, readOnboardingRecords, { machineIds: chunk });
    if (!records.ok) continue; // unknown: they stay not-attached
    const recorded = new Map(records.value.recorded.map((r) => [normalizeResourceId(r.machineId), r]));
    const checked = new Set(chunk.map(normalizeResourceId));
    for (const machine of verified) {
      const key = normalizeResourceId(machine.machineId);
      if (!machine.checkRecord || !checked.has(key)) continue;
      const record = recorded.get(key);
      if (!record) machine.kind = "never-onboarded";
      else if (record.outcome === "pending") machine.kind = "pending-now-connected";
    }
  }

  // 3. repair
  const repairable = verified.filter((m) => m.repairable);
  const relinks = verified.filter((m) => m.relinkTo !== undefined);
  if (input.dryRun) {
    for (const m of verified)
      m.outcome = outcomeOf(m, m.repairable ? "would-repair" : m.relinkTo ? "would-relink" : undefined);
  } else {
    for (const m of verified) m.outcome = outcomeOf(m, undefined);
    // Stranded and unreachable: the cloud link to a live gateway now, the agent by its owner.
    for (const [index, m] of relinks.entries()) {
      status(
        index,
        relinks.length,
        `Linking stranded machines to live gateways (${index + 1} of ${relinks.length})`,
      );
      const linked = yield* step(context, attachGateway, {
        machineId: m.machineId,
        gatewayId: m.relinkTo!,
      });
      if (linked.ok) {
        m.outcome = "relinked";
        m.gatewayLink = linked.value.gatewayResourceId;
      } else m.reason = `${m.reason}; linking it to a live gateway failed: ${linked.failure.reason}`;
      // Writes: 200 then 10/s per subscription (docs/azure-facts.md §11); a pause every 25 keeps well inside.
      if ((index + 1) % fleetPace.startWave === 0 && index + 1 < relinks.length)
        yield* sleepUntil(context, nowMs(context) + fleetPace.startWaveEveryMs);
    }
    for (let from = 0; from < repairable.length; from += fleetPace.startWave) {
      const waveStart = nowMs(context);
      status(
        from,
        repairable.length,
        `Starting repairs ${from + 1}-${Math.min(repairable.length, from + fleetPace.startWave)} of ${repairable.length}`,
      );
      const wave = repairable.slice(from, from + fleetPace.startWave);
      const retiringLinks = wave.flatMap((m) =>
        m.gatewayLink !== undefined && retirementsNotRunning.some((id) => sameResourceId(id, m.gatewayLink!))
          ? [{ machineId: m.machineId, gatewayId: m.gatewayLink }]
          : [],
      );
      const started = yield* step(context, startOnboardings, {
        machineIds: wave.map((m) => m.machineId),
        trigger: "drift",
        ...(retiringLinks.length > 0 ? { retiringLinks } : {}),
      });
      if (!started.ok) return failed(context, input.dryRun, startedAt, requests, started.failure);
      for (const [index, s] of started.value.started.entries()) {
        const machine = wave[index]!;
        machine.outcome = s.start === "started" ? "repair-started" : "onboarding-running";
        machine.instanceId = s.instanceId;
      }
      if (from + fleetPace.startWave < repairable.length)
        yield* sleepUntil(context, waveStart + fleetPace.startWaveEveryMs);
    }
    // Wait for the repairs: how each ended is the report's.
    const deadline = nowMs(context) + settings.repairWaitMinutes * 60_000;
    for (;;) {
      const open = repairable.filter((m) => m.instanceId !== undefined && m.repairResult === undefined);
      if (open.length === 0 || nowMs(context) >= deadline) break;
      status(
        repairable.length - open.length,
        repairable.length,
        `${repairable.length - open.length} of ${repairable.length} repair(s) finished`,
        `${open.length} onboarding run(s)`,
      );
      yield* sleepUntil(context, Math.min(deadline, nowMs(context) + fleetPace.readStatusEveryMs));
      for (let from = 0; from < open.length; from += 1000) {
        const chunk = open.slice(from, from + 1000);
        const read = yield* step(context, readOnboardings, { instanceIds: chunk.map((m) => m.instanceId!) });
        if (!read.ok) continue; // the durable store answered oddly: read again at the next look
        const byId = new Map(read.value.instances.map((i) => [i.instanceId, i]));
        for (const machine of chunk) {
          const seen = byId.get(machine.instanceId!);
          if (seen?.ended) machine.repairResult = seen.result?.outcome ?? seen.runtimeStatus;
        }
      }
    }
    for (const m of repairable) {
      if (m.instanceId !== undefined && m.repairResult === undefined) m.repairResult = "Running";
    }
  }

  // 4. report and memory
  const readAt = startedAt;
  const readMemory: MachineMemory[] = verified.map((m) => ({
    machineId: m.machineId,
    fingerprint: fingerprints.get(normalizeResourceId(m.machineId)) ?? "",
    readAt,
    kind: m.kind,
    ...(m.code !== undefined ? { code: m.code } : {}),
    ...(m.gatewayLink !== undefined ? { gatewayLink: m.gatewayLink } : {}),
  }));
  const all = [...readMemory, ...plan.carried];
  const findings: MachineFinding[] = verified
    .filter((m) => !isCompliant(m.kind, m.code) && m.kind !== "excluded")
    .map(({ repairable: _r, gatewayLink: _g, checkRecord: _c, relinkTo: _l, ...finding }) => finding);
  const outcomes = tally(verified, (m) => m.outcome);
  if (plan.carried.length > 0) outcomes.compliant = (outcomes.compliant ?? 0) + plan.carried.length;
  const finishedAt = nowMs(context);
  const report: DriftReport = {
    sweepId: context.df.instanceId,
    dryRun: input.dryRun,
    startedAt: isoTime(startedAt),
    finishedAt: isoTime(finishedAt),
    durationSeconds: Math.round((finishedAt - startedAt) / 1000),
    machines: inventory.length,
    readInFull: tally(plan.read, (r) => r.reason),
    carried: plan.carried.length,
    kinds: tally(all, (m) => m.kind),
    outcomes,
    repairs: tally(
      verified.filter((m) => m.repairResult !== undefined),
      (m) => m.repairResult!,
    ),
    compliance: compliance(all, settings.scopes),
    findings,
    requests,
    readBudget: { sharePercent: settings.sharePercent, readsPerSecond: settings.readsPerSecond },
  };
  yield* step(context, recordLatestSweep, { sweepId: context.df.instanceId });
  // Optional (ARC_OUTCOME_TOPIC_ENDPOINT); a failed publish does not fail the sweep.
  const { findings: _findings, ...summaryOnly } = report;
  yield* step(context, publishDriftReport, { summary: summaryOnly });
  reportProgress(context, {
    runbook: runbookKind,
    stepsDone: total,
    stepsTotal: total,
    currentStep: "Done",
    message: summary(report),
  });
  return { report, memory: { startedAt, machines: all } };
}

function outcomeOf(
  { kind, code }: { readonly kind: DriftKind; readonly code?: string },
  repair: SweepOutcome | undefined,
): SweepOutcome {
  if (isCompliant(kind, code)) return "compliant";
  if (kind === "excluded") return "excluded";
  return repair ?? "reported";
}

function add(
  into: { armReads: number; armWrites: number; resourceGraphQueries: number },
  more: { readonly armReads: number; readonly armWrites: number; readonly resourceGraphQueries: number },
): void {
  into.armReads += more.armReads;
  into.armWrites += more.armWrites;
  into.resourceGraphQueries += more.resourceGraphQueries;
}

function summary(report: DriftReport): string {
  const kinds = Object.entries(report.kinds)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(", ");
  return `${report.machines} machine(s): ${kinds || "none"}`;
}

function failed(
  context: OrchestrationContext,
  dryRun: boolean,
  startedAt: number,
  requests: DriftReport["requests"],
  why: { readonly code: string; readonly reason: string },
): DriftSweepOutput {
  const finishedAt = nowMs(context);
  reportProgress(context, {
    runbook: runbookKind,
    stepsDone: 0,
    stepsTotal: 0,
    currentStep: "Failed",
    message: `${why.code}: ${why.reason}`,
  });
  return {
    report: {
      sweepId: context.df.instanceId,
      dryRun,
      startedAt: isoTime(startedAt),
      finishedAt: isoTime(finishedAt),
      durationSeconds: Math.round((finishedAt - startedAt) / 1000),
      machines: 0,
      readInFull: {},
      carried: 0,
      kinds: {},
      outcomes: {},
      repairs: {},
      compliance: [],
      findings: [],
      requests,
      readBudget: { sharePercent: 0, readsPerSecond: 0 },
      failure: { code: why.code, reason: why.reason },
    },
    memory: { startedAt, machines: [] },
  };
}
