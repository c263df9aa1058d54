// What a drift sweep answers: its report (the operator's compliance view) and its memory (what
// the next sweep needs to verify incrementally). Both are the sweep orchestration's output; the
// report alone is what `GET /api/drift/report` shows. Plain data and pure helpers.
import { z } from "zod";

import { localActionSchema } from "../onboarding/localActions";
import { isInScope } from "../onboarding/scope";
import { resourceIdField, shortTextField, textField } from "../validation/fields";
import { type DriftKind, driftKinds, isCompliant, uncountedKinds } from "./driftKinds";

export const sweepOutcomes = [
  "compliant",
  "would-repair",
  "repair-started",
  "onboarding-running",
  "would-relink",
  "relinked",
  "reported",
  "excluded",
] as const;
export type SweepOutcome = (typeof sweepOutcomes)[number];

const count = z.number().int().nonnegative();

export const machineFindingSchema = z.strictObject({
  machineId: resourceIdField,
  kind: z.enum(driftKinds),
  /** The planner's stop or follow-up code behind it. */
  code: shortTextField.optional(),
  outcome: z.enum(sweepOutcomes),
  reason: textField,
  /** What to run on the machine, when only that helps. */
  localAction: localActionSchema.optional(),
  /** Needs local action, as the previous sweep already reported: reported again, never retried. */
  unchanged: z.boolean().optional(),
  /** The onboarding instance a repair started or found running. */
  instanceId: shortTextField.optional(),
  /** How that onboarding ended (`onboarded`, `pending`…), or its runtime status when the sweep stopped waiting first. */
  repairResult: shortTextField.optional(),
});
export type MachineFinding = z.output<typeof machineFindingSchema>;

export const scopeComplianceSchema = z.strictObject({
  scope: textField,
  /** Machines counted (excluded ones are not). */
  machines: count,
  /** In their desired state, direct by an operator's choice included. */
  inDesiredState: count,
  /** inDesiredState / machines, in percent with one decimal; 100 for a scope with none. */
  percent: z.number().min(0).max(100),
});

export const driftReportSchema = z.strictObject({
  sweepId: shortTextField,
  dryRun: z.boolean(),
  startedAt: shortTextField,
  finishedAt: shortTextField,
  durationSeconds: z.number().nonnegative(),
  /** Machines in ARC_SCOPES, from Resource Graph. */
  machines: count,
  /** Read in full this sweep, by why (`new`, `changed`, `rotation`…). */
  readInFull: z.record(z.string(), count),
  /** Taken as still verified from the previous sweep. */
  carried: count,
  kinds: z.record(z.string(), count),
  outcomes: z.record(z.string(), count),
  /** How the repairs this sweep started or found running ended, by outcome. */
  repairs: z.record(z.string(), count).default({}),
  compliance: z.array(scopeComplianceSchema),
  /** Every machine read this sweep and not in its desired state (excluded and direct-by-choice ones are only counted). */
  findings: z.array(machineFindingSchema),
  requests: z.strictObject({ armReads: count, armWrites: count, resourceGraphQueries: count }),
  readBudget: z.strictObject({ sharePercent: count, readsPerSecond: count }),
  /** Set when the sweep could not finish: what stopped it. */
  failure: z.strictObject({ code: shortTextField, reason: textField }).optional(),
});
export type DriftReport = z.output<typeof driftReportSchema>;

export const machineMemorySchema = z.strictObject({
  machineId: resourceIdField,
  fingerprint: shortTextField,
  readAt: z.number().int().nonnegative(),
  kind: z.enum(driftKinds),
  code: shortTextField.optional(),
  gatewayLink: resourceIdField.optional(),
});

export const sweepMemorySchema = z.strictObject({
  startedAt: z.number().int().nonnegative(),
  machines: z.array(machineMemorySchema),
});
export type SweepMemory = z.output<typeof sweepMemorySchema>;

export const driftSweepOutputSchema = z.strictObject({
  report: driftReportSchema,
  memory: sweepMemorySchema,
});
export type DriftSweepOutput = z.output<typeof driftSweepOutputSchema>;

export const driftSweepInputSchema = z.strictObject({
  dryRun: z.boolean(),
  /** `timer` or `runbook`. */
  trigger: z.enum(["timer", "runbook"]),
});
export type DriftSweepInput = z.output<typeof driftSweepInputSchema>;

/** The ARC_SCOPES entry a machine falls in (the first that holds it). */
export function scopeOf(machineId: string, scopes: readonly string[]): string | undefined {
  return scopes.find((scope) => isInScope(machineId, [scope]));
}

/** Compliance per scope: the share of each scope's counted machines in their desired state. */
export function compliance(
  machines: readonly { readonly machineId: string; readonly kind: DriftKind; readonly code?: string }[],
  scopes: readonly string[],
): z.output<typeof scopeComplianceSchema>[] {
  return scopes.map((scope) => {
    const counted = machines.filter((m) => !uncountedKinds.has(m.kind) && isInScope(m.machineId, [scope]));
    const good = counted.filter((m) => isCompliant(m.kind, m.code)).length;
    return {
      scope,
      machines: counted.length,
      inDesiredState: good,
      percent: counted.length === 0 ? 100 : Math.round((good / counted.length) * 1000) / 10,
    };
  });
}

/** `ms` since the epoch as an ISO time (pure: the same number gives the same text on every replay). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
