// What one onboarding run ends with: the orchestration's output, the final table's row, and what
// an outcome event carries. Plain data, built by the orchestrator from the plan and what it did;
// the schema is the type, and checks the result an outcome event is published with.
import { z } from "zod";

import { resourceIdField, shortTextField, textField } from "../validation/fields";
import { localActionSchema } from "./localActions";
import { machineSummarySchema, onboardingOutcomes, type OnboardingStop } from "./onboardingPlan";

export const onboardingResultSchema = z.strictObject({
  machineId: resourceIdField,
  outcome: z.enum(["onboarded", "already-onboarded", ...onboardingOutcomes]),
  /** Why it stopped or failed (`OutOfScope`, `AgentTooOld`, `GatewayCreationFailed`…); absent when onboarded. */
  code: shortTextField.optional(),
  reason: textField,
  /** The steps this run completed, in words. */
  done: z.array(textField).readonly(),
  warnings: z.array(textField).readonly(),
  localAction: localActionSchema.optional(),
  machine: machineSummarySchema.optional(),
});

export type OnboardingResult = z.output<typeof onboardingResultSchema>;
export type OnboardingResultOutcome = OnboardingResult["outcome"];

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

export const outcomeEventTypes = [
  "ArcAutopilot.MachineOnboarded",
  "ArcAutopilot.OnboardingFailed",
  "ArcAutopilot.NeedsLocalAction",
] as const;
export type OutcomeEventType = (typeof outcomeEventTypes)[number];

/** The Event Grid event type an outcome is published as; none for a skip, a wait or no change. */
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
