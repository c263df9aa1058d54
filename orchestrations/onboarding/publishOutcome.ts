// Onboarding outcomes as Event Grid events on an optional custom topic:
// `ArcAutopilot.MachineOnboarded`, `…OnboardingFailed`, `…NeedsLocalAction`, subject the machine
// id, data the run's result (no secrets: results never carry any). Sent with @azure/eventgrid's
// publisher and the app's own identity (the topic grants it "EventGrid Data Sender"). The event
// id is derived from the run, so a retried publish repeats the same id and consumers dedupe.
import { z } from "zod";

import { publishToOutcomeTopic } from "../../shared/azure/outcomeTopic";
import { onboardingResultSchema, outcomeEventTypes } from "../../shared/onboarding/onboardingResult";
import { type AzureDeps, defineActivity } from "../activity";

const publishInput = z.strictObject({
  eventType: z.enum(outcomeEventTypes),
  /** Unique per run and outcome, so a retried publish repeats the same event id (consumers dedupe on it). */
  runId: z.string().min(1).max(256),
  result: onboardingResultSchema,
});

/** Publishes an onboarding outcome to ARC_OUTCOME_TOPIC_ENDPOINT; does nothing when none is configured. */
export const publishOutcome = defineActivity({
  name: "publishOutcome_v1",
  needs: "azure",
  input: publishInput,
  output: z.strictObject({ published: z.boolean() }),
  handler: publish,
});

async function publish(
  deps: AzureDeps,
  input: z.output<typeof publishInput>,
): Promise<{ published: boolean }> {
  return publishToOutcomeTopic(deps.arm, deps.settings.ARC_OUTCOME_TOPIC_ENDPOINT, {
    eventType: input.eventType,
    subject: input.result.machineId,
    dedupeKey: input.runId,
    data: input.result,
  });
}
