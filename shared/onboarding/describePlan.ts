// Plans in words and numbers, for an orchestration's custom status (`step`, `done`, `total`,
// `message`, `waitingFor`: what an operator polling the status URL reads) and for the final table of outcomes.
import type { OnboardingOutcome, OnboardingPlan } from "./onboardingPlan";
import { describeStep, type OnboardingStep, type OnboardingStepKind } from "./steps";

export interface PlanDescription {
  /** `ready`: steps to run; `done`: nothing is missing; otherwise why onboarding stopped. */
  readonly outcome: "ready" | "done" | OnboardingOutcome;
  readonly total: number;
  readonly message: string;
  readonly steps: readonly { readonly kind: OnboardingStepKind; readonly message: string }[];
  readonly warnings: readonly string[];
}

/** The custom status an onboarding orchestration shows while it works through a plan. */
export interface OnboardingStatus {
  readonly step: OnboardingStepKind | "plan" | "done" | OnboardingOutcome;
  readonly done: number;
  readonly total: number;
  readonly message: string;
  readonly waitingFor?: string;
}

export function describePlan(plan: OnboardingPlan): PlanDescription {
  if (plan.kind === "stop") {
    return {
      outcome: plan.outcome,
      total: 0,
      message: `${plan.outcome}: ${plan.reason}`,
      steps: [],
      warnings: plan.warnings,
    };
  }
  const steps = plan.steps.map((step) => ({ kind: step.kind, message: describeStep(step) }));
  return {
    outcome: steps.length === 0 ? "done" : "ready",
    total: steps.length,
    message:
      (steps.length === 0
        ? plan.directByChoice !== undefined
          ? "Nothing to do: the machine is reachable over SSH"
          : "Nothing to do: the machine is attached to a gateway and reachable over SSH"
        : `${steps.length} step${steps.length === 1 ? "" : "s"}: ${steps.map((s) => s.kind).join(", ")}`) +
      (plan.directByChoice !== undefined ? `. ${plan.directByChoice}` : ""),
    steps,
    warnings: plan.warnings,
  };
}

/**
 * Status after `done` steps of the plan; `waitingFor` names what a wait step waits on. Once every
 * step is done, or for a stopped plan, the step is the final outcome.
 */
export function onboardingStatus(plan: OnboardingPlan, done: number): OnboardingStatus {
  if (plan.kind === "stop") {
    return {
      step: plan.outcome,
      done: 0,
      total: 0,
      message: plan.reason,
      ...(plan.waitFor ? { waitingFor: "machine to be Connected" } : {}),
    };
  }
  const total = plan.steps.length;
  const completed = Math.max(0, Math.min(done, total));
  const current = plan.steps[completed];
  if (current === undefined) {
    return { step: "done", done: total, total, message: total === 0 ? "Nothing to do" : "All steps done" };
  }
  const waitingFor = waitingForOf(current);
  return {
    step: current.kind,
    done: completed,
    total,
    message: describeStep(current),
    ...(waitingFor ? { waitingFor } : {}),
  };
}

function waitingForOf(step: OnboardingStep): string | undefined {
  switch (step.kind) {
    case "waitForGateway":
      return `gateway ${step.gatewayId}`;
    case "waitForProvider":
      return `${step.namespace} registration in subscription ${step.subscriptionId}`;
    case "switchAgentToGateway":
    case "openSshPort":
      return `run command ${step.runCommandName}`;
    default:
      return undefined;
  }
}
