// How a runbook orchestrator tells its operator where it is. Every runbook run sets its custom
// status in one shape, through `reportProgress`, and GET /api/operations/{id} shows it as is:
//
//   { runbook: "retire-gateway", stepsDone: 2, stepsTotal: 5,
//     currentStep: "Moving machines off the gateway",
//     waitingFor: "3 of 12 machines to finish their detach", message?: "…" }
//
// - `runbook`: the kind, as in its instance id (`runbook-<kind>-…`, shared/onboarding/instanceIds.ts);
// - `stepsDone` / `stepsTotal`: whole steps of the plan (the total may grow when a re-read finds
//   more work, never shrink below `stepsDone`);
// - `currentStep`: what it is doing now, in words; `waitingFor`: what it waits on, when it waits;
// - `message`: anything else worth a line (a warning). The result itself is the orchestrator's output.
// Texts are shortened; never put keys, tokens or request bodies in them (the status is shown to
// every caller with the read role).
import type { OrchestrationContext } from "durable-functions";
import { z } from "zod";

import { shorten } from "../shared/text";

export const runbookProgressSchema = z
  .object({
    runbook: z.string().meta({ description: "The runbook's kind, e.g. retire-gateway." }),
    stepsDone: z.number().int().min(0),
    stepsTotal: z.number().int().min(0),
    currentStep: z.string().optional().meta({ description: "What the runbook is doing now." }),
    waitingFor: z.string().optional().meta({ description: "What it waits on, when it waits." }),
    message: z.string().optional(),
  })
  .meta({ id: "RunbookProgress" });

export type RunbookProgress = z.infer<typeof runbookProgressSchema>;

/** Sets the orchestrator's custom status to `progress` (texts shortened). Deterministic: no I/O. */
export function reportProgress(context: OrchestrationContext, progress: RunbookProgress): void {
  context.df.setCustomStatus(progressStatus(progress));
}

/** `reportProgress` for one runbook kind, as `(stepsDone, stepsTotal, currentStep, waitingFor?)`. */
export function progressReporter(
  context: OrchestrationContext,
  runbook: string,
): (stepsDone: number, stepsTotal: number, currentStep: string, waitingFor?: string) => void {
  return (stepsDone, stepsTotal, currentStep, waitingFor) =>
    reportProgress(context, {
      runbook,
      stepsDone,
      stepsTotal,
      currentStep,
      ...(waitingFor ? { waitingFor } : {}),
    });
}

/** The custom status value `reportProgress` sets, for orchestrators that build theirs first. */
export function progressStatus(progress: RunbookProgress): RunbookProgress {
  return {
    runbook: progress.runbook,
    stepsDone: progress.stepsDone,
    stepsTotal: Math.max(progress.stepsTotal, progress.stepsDone),
    ...(progress.currentStep !== undefined ? { currentStep: shorten(progress.currentStep, 200) } : {}),
    ...(progress.waitingFor !== undefined ? { waitingFor: shorten(progress.waitingFor, 200) } : {}),
    ...(progress.message !== undefined ? { message: shorten(progress.message, 400) } : {}),
  };
}
