// Onboarding many machines on demand (the onboard runbook): which machines, what a dry run
// answers for each, what a real run reports for each, and how fast the fleet is worked through.
// Plain data and pure helpers; the sequencing is orchestrations/onboarding/onboardFleet.orchestrator.ts.
//
// Pace, inside ARM's read budget (docs/azure-facts.md §11: reads refill at 25 per second per
// subscription and principal, from a bucket of 250): planning one machine reads at most four
// resources (the machine, its settings, the SSH endpoint and configuration; the provider state and
// the gateway picture are shared), so a batch of 25 plans costs at most 100 reads and one batch
// every 5 seconds stays under the refill. A started onboarding plans (the same reads) and then
// reads back what it writes, about ten reads per machine over its run: a wave of 25 every
// 10 seconds stays under the refill too, and the first waves live off the bucket.
import { z } from "zod";

import { resourceIdField, shortTextField, textField } from "../validation/fields";
import { describePlan } from "./describePlan";
import { localActionSchema } from "./localActions";
import type { OnboardingPlan } from "./onboardingPlan";
import { onboardingResultSchema } from "./onboardingResult";
import { onboardingStepKinds } from "./steps";

export const fleetPace = {
  /** Machines planned by one activity (a dry run). */
  planBatch: 25,
  /** From the start of one planning batch to the next. */
  planBatchEveryMs: 5_000,
  /** Onboardings started by one activity. */
  startWave: 25,
  /** From one wave of starts to the next. */
  startWaveEveryMs: 10_000,
  /** How often the runbook reads how its machines' onboardings stand. */
  readStatusEveryMs: 60_000,
  /** Plans or starts of one activity in flight at once. */
  concurrency: 8,
} as const;

/** The most machines one runbook works on (a scope holding more is refused, not cut short). */
export const maxFleetMachines = 5_000;

/** A subscription id (a GUID). */
export const subscriptionIdField = z
  .string()
  .regex(
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    "a subscription GUID",
  );

/** A resource group name as ARM allows it (1–90 letters, digits, `_ - . ( )`, not ending with `.`). */
export const resourceGroupField = z
  .string()
  .regex(
    /^[-\w.()]{0,89}[-\w()]$/,
    "a resource group name (1-90 letters, digits, _ - . ( ), not ending with .)",
  );

/** Tag name → value: machines carrying every one (values compare case-insensitively). */
export const tagFilterField = z
  .record(
    z
      .string()
      .min(1)
      .max(512)
      // eslint-disable-next-line no-control-regex
      .regex(/^[^<>%&\\?/\u0000-\u001f]+$/, "a tag name (no < > % & \\ ? / or control characters)"),
    z
      .string()
      .max(256)
      // eslint-disable-next-line no-control-regex
      .regex(/^[^\u0000-\u001f]*$/, "a tag value without control characters"),
  )
  .refine((tags) => Object.keys(tags).length <= 10, "at most 10 tags");

/** Every machine of a subscription, or of one resource group in it, optionally only those with tags. */
export const fleetScopeSchema = z.strictObject({
  subscriptionId: subscriptionIdField,
  resourceGroup: resourceGroupField.optional(),
  tags: tagFilterField.optional(),
});

export type FleetScope = z.output<typeof fleetScopeSchema>;

/** The machines a runbook works on: a list of ids, or a scope to list them from (Resource Graph). */
export const fleetTargetsSchema = z.union([
  z.strictObject({ machineIds: z.array(resourceIdField).min(1).max(1000) }),
  z.strictObject({ scope: fleetScopeSchema }),
]);

export type FleetTargets = z.output<typeof fleetTargetsSchema>;

export const onboardFleetInputSchema = z.strictObject({
  targets: fleetTargetsSchema,
  /** Plan only: nothing is written, each machine's plan is the result. */
  dryRun: z.boolean(),
  /** Who or what asked, for the onboarding runs' input (`runbook`). */
  trigger: z.string().max(64).optional(),
});

export type OnboardFleetInput = z.output<typeof onboardFleetInputSchema>;

/** `/subscriptions/{s}[/resourceGroups/{rg}]`: where a scope's machines are, for the scope check. */
export function scopeResourceId(scope: Pick<FleetScope, "subscriptionId" | "resourceGroup">): string {
  return scope.resourceGroup === undefined
    ? `/subscriptions/${scope.subscriptionId}`
    : `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}`;
}

// ---------- what a dry run answers ----------

/** One machine's plan in a dry run: what it lacks, the steps a real run would take, or why it would stop. */
export const machinePlanReportSchema = z.strictObject({
  machineId: resourceIdField,
  /** `ready`: steps to run; `done`: nothing missing; otherwise the outcome a run would stop with. */
  outcome: z.enum(["ready", "done", "skipped", "pending", "needs-local-action", "failed"]),
  /** Why it would stop (`NotConnected`, `OutOfScope`…), or the follow-up's code; absent when ready or done. */
  code: shortTextField.optional(),
  message: textField,
  steps: z.array(z.strictObject({ kind: z.enum(onboardingStepKinds), message: textField })).readonly(),
  warnings: z.array(textField).readonly(),
  localAction: localActionSchema.optional(),
});

export type MachinePlanReport = z.output<typeof machinePlanReportSchema>;

// ---------- what a real run reports ----------

/** One machine in a real run: how its onboarding was started and how it ended. */
export const machineRunReportSchema = z.strictObject({
  machineId: resourceIdField,
  /** The machine's onboarding instance (`GET /api/operations/{instanceId}` reads it). */
  instanceId: z.string().min(1).max(100),
  /** `started`: this runbook started it; `alreadyRunning`: a run was going, this runbook waited for it. */
  start: z.enum(["started", "alreadyRunning"]),
  /** `Completed`, `Failed`, `Terminated`…; `Running` when the runbook stopped waiting first. */
  runtimeStatus: shortTextField,
  result: onboardingResultSchema.optional(),
});

export type MachineRunReport = z.output<typeof machineRunReportSchema>;

export const onboardFleetResultSchema = z.discriminatedUnion("dryRun", [
  z.strictObject({
    dryRun: z.literal(true),
    machines: z.array(machinePlanReportSchema).readonly(),
    /** How many machines each outcome has. */
    summary: z.record(z.string(), z.number().int().nonnegative()),
  }),
  z.strictObject({
    dryRun: z.literal(false),
    machines: z.array(machineRunReportSchema).readonly(),
    summary: z.record(z.string(), z.number().int().nonnegative()),
  }),
]);

export type OnboardFleetResult = z.output<typeof onboardFleetResultSchema>;

/** How many reports have each key: `{ onboarded: 198, pending: 2 }`. */
export function tally<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** A machine's run in one word for the summary: its outcome, or its runtime status when it has none. */
export function runSummaryKey(report: MachineRunReport): string {
  return report.result?.outcome ?? report.runtimeStatus.toLowerCase();
}

/** A plan as a dry run reports it (describePlan.ts words, plus the stop's code and local action). */
export function planReport(plan: OnboardingPlan): MachinePlanReport {
  const described = describePlan(plan);
  const code = plan.kind === "stop" ? plan.code : plan.followUp?.code;
  const localAction = plan.kind === "stop" ? plan.localAction : plan.followUp?.localAction;
  return {
    machineId: plan.machineId,
    outcome: described.outcome,
    ...(code !== undefined ? { code } : {}),
    message:
      plan.kind === "steps" && plan.followUp
        ? `${described.message}; then ${plan.followUp.reason}`
        : described.message,
    steps: described.steps.map((s) => ({ kind: s.kind, message: s.message })),
    warnings: [...described.warnings],
    ...(localAction ? { localAction } : {}),
  };
}
