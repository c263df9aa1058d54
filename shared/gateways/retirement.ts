// What a gateway's retirement reports: per machine, what happened to it (or, in a dry run, what
// would), and for the gateway, whether it was deleted and why not. Plain data that crosses into
// durable history and the runbook's status route; the schemas are the types. Pure: no I/O.
import { z } from "zod";

import { localActionSchema } from "../onboarding/localActions";
import { resourceNameIn } from "../text";
import { resourceIdField, textField } from "../validation/fields";
import type { DetachPlan } from "./detachPlan";
import type { MovePlan } from "./movePlan";

/** One machine that was attached to the retiring gateway. */
export const retiredMachineSchema = z.strictObject({
  machineId: resourceIdField,
  outcome: z.enum([
    "detached",
    "moved",
    "not-attached",
    "skipped",
    "needs-local-action",
    "failed",
    "would-detach",
    "would-move",
  ]),
  code: z.string().max(128).optional(),
  reason: textField,
  done: z.array(textField).readonly(),
  localAction: localActionSchema.optional(),
});
export type RetiredMachine = z.output<typeof retiredMachineSchema>;

/** Off the gateway (or never on it any more): nothing keeps the gateway alive. */
export function isOffGateway(machine: RetiredMachine): boolean {
  return (
    machine.outcome === "detached" ||
    machine.outcome === "moved" ||
    machine.outcome === "not-attached" ||
    machine.outcome === "skipped"
  );
}

/** Would be off in a dry run: every planned move or detach can go ahead. */
export function wouldBeOffGateway(machine: RetiredMachine): boolean {
  return isOffGateway(machine) || machine.outcome === "would-detach" || machine.outcome === "would-move";
}

export const retirementOutcomes = [
  /** Every machine off it, re-read with none left, deleted. */
  "retired",
  /** Some machine could not be moved: no DELETE sent; the gateway stays, tagged retiring. */
  "blocked",
  /** dryRun: what would happen, nothing written. */
  "dry-run",
  /** The gateway did not exist (or was deleted by someone else first). */
  "gone",
  /** Not started: the `moveTo` gateway cannot take machines, or the gateway is not in a state to retire. */
  "refused",
  /** The deletion itself failed or did not finish in time; every machine had been moved off. */
  "failed",
] as const;

export const gatewayRetirementResultSchema = z.strictObject({
  /** Both read by anyone who joined the gateway's key (sharedOperation.ts). */
  succeeded: z.boolean(),
  message: textField,
  gatewayId: resourceIdField,
  outcome: z.enum(retirementOutcomes),
  dryRun: z.boolean(),
  moveTo: resourceIdField.optional(),
  /** The retiring tag's time; absent when the gateway was never marked (dry run, refused). */
  retiringSince: textField.optional(),
  /** True when the retiring tag is on the gateway at the end (kept after a blocked run). */
  retiringTagKept: z.boolean(),
  deleted: z.boolean(),
  /** How many times the machines in scope were read for links to the gateway. */
  scans: z.number().int().nonnegative(),
  machines: z.array(retiredMachineSchema).readonly(),
});
export type GatewayRetirementResult = z.output<typeof gatewayRetirementResultSchema>;

/** What a plan that stops before any step (move or detach) says: a run's or a dry run's result fields. */
export function stopFields(plan: Extract<MovePlan | DetachPlan, { kind: "stop" }>) {
  return {
    outcome: plan.outcome,
    code: plan.code,
    reason: plan.reason,
    ...(plan.localAction ? { localAction: plan.localAction } : {}),
  };
}

function fromStop(machineId: string, plan: Extract<MovePlan | DetachPlan, { kind: "stop" }>): RetiredMachine {
  return { machineId, done: [], ...stopFields(plan) };
}

/** A detach plan, unexecuted (dry run): what would happen to the machine. */
export function fromDetachPlan(machineId: string, plan: DetachPlan): RetiredMachine {
  if (plan.kind === "stop") return fromStop(machineId, plan);
  return {
    machineId,
    outcome: "would-detach",
    reason: plan.steps.some((s) => s.kind === "recordDirectChoice")
      ? "Would tag it direct (so it stays direct), set connection.type direct by Run Command, then clear its link"
      : "Would set connection.type direct by Run Command, then clear its link",
    done: [],
  };
}

/** A move plan, unexecuted (dry run): what would happen to the machine. */
export function fromMovePlan(machineId: string, plan: MovePlan, toName: string): RetiredMachine {
  if (plan.kind === "stop") return fromStop(machineId, plan);
  const agent = plan.steps.some((step) => step.kind === "switchAgentToGateway");
  return {
    machineId,
    outcome: "would-move",
    reason: `Would link it to ${toName}${agent ? ", then set connection.type gateway by Run Command (agent below the auto-switch version)" : "; its agent follows the link by itself"}`,
    done: [],
  };
}

/** The one-line summary of a blocked retirement, naming each machine that stays. */
export function blockedMessage(gatewayName: string, stuck: readonly RetiredMachine[]): string {
  const names = stuck.map((m) => `${resourceNameIn(m.machineId)} (${m.code ?? m.outcome})`).join(", ");
  return (
    `Gateway ${gatewayName} was not deleted: ${stuck.length} machine(s) could not be moved off it: ${names}. ` +
    `It keeps its retiring tag, so no new machine is placed on it; fix each machine as its entry says, then retire it again.`
  );
}
