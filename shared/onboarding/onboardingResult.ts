// What one onboarding run ends with: the orchestration's output, the final table's row, and what
// an outcome event carries. Plain data, built by the orchestrator from the plan and what it did.
import type { LocalAction } from "./localActions";
import type { OnboardingOutcome, OnboardingStop } from "./plan";

export type OnboardingResultOutcome = "onboarded" | "already-onboarded" | OnboardingOutcome;

export interface OnboardingResult {
  readonly machineId: string;
  readonly outcome: OnboardingResultOutcome;
  /** Why it stopped or failed (`OutOfScope`, `AgentTooOld`, `GatewayCreationFailed`…); absent when onboarded. */
  readonly code?: string;
  readonly reason: string;
  /** The steps this run completed, in words. */
  readonly done: readonly string[];
  readonly warnings: readonly string[];
  readonly localAction?: LocalAction;
  readonly machine?: {
    readonly name: string;
    readonly location: string;
    readonly status: string;
    readonly agentVersion?: string;
    readonly osType?: string;
  };
}

export function resultFromStop(
  stop: Pick<OnboardingStop, "machineId" | "outcome" | "code" | "reason" | "warnings" | "localAction">,
  machine: OnboardingResult["machine"],
): OnboardingResult {
  return {
    machineId: stop.machineId,
    outcome: stop.outcome,
    code: stop.code,
    reason: stop.reason,
    done: [],
    warnings: stop.warnings,
    ...(stop.localAction ? { localAction: stop.localAction } : {}),
    ...(machine ? { machine } : {}),
  };
}

export type OutcomeEventType =
  "ArcAutopilot.MachineOnboarded" | "ArcAutopilot.OnboardingFailed" | "ArcAutopilot.NeedsLocalAction";

/** The Event Grid event type an outcome is published as (issue 4 §7); none for a skip, a wait or no change. */
export function outcomeEventType(outcome: OnboardingResultOutcome): OutcomeEventType | undefined {
  switch (outcome) {
    case "onboarded":
      return "ArcAutopilot.MachineOnboarded";
    case "failed":
      return "ArcAutopilot.OnboardingFailed";
    case "needs-local-action":
      return "ArcAutopilot.NeedsLocalAction";
    default:
      return undefined;
  }
}
