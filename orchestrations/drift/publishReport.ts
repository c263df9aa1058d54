// The drift sweep's outcome as an Event Grid event on the optional outcome topic
// (ARC_OUTCOME_TOPIC_ENDPOINT, the one onboarding outcomes go to): `ArcAutopilot.DriftSweepCompleted`,
// subject `/drift/sweeps/{sweepId}`, data the report's summary — counts per kind, outcome and
// repair result, compliance per scope, duration and cost; the machines themselves stay in the
// report (`GET /api/drift/report`), which keeps the event small. The event id is derived from the
// sweep, so a retried publish repeats it and consumers dedupe.
import { z } from "zod";

import { publishToOutcomeTopic } from "../../shared/azure/outcomeTopic";
import { driftReportSchema } from "../../shared/drift/report";
import { type AzureDeps, defineActivity } from "../activity";

export const driftSweepEventType = "ArcAutopilot.DriftSweepCompleted";

const summarySchema = driftReportSchema.omit({ findings: true });

/** Publishes the sweep's summary to ARC_OUTCOME_TOPIC_ENDPOINT; does nothing when none is configured. */
export const publishDriftReport = defineActivity({
  name: "publishDriftReport_v1",
  needs: "azure",
  input: z.strictObject({ summary: summarySchema }),
  output: z.strictObject({ published: z.boolean() }),
  handler: publish,
});

async function publish(
  deps: AzureDeps,
  input: { readonly summary: z.output<typeof summarySchema> },
): Promise<{ published: boolean }> {
  return publishToOutcomeTopic(deps.arm, deps.settings.ARC_OUTCOME_TOPIC_ENDPOINT, {
    eventType: driftSweepEventType,
    subject: `/drift/sweeps/${input.summary.sweepId}`,
    dedupeKey: input.summary.sweepId,
    data: input.summary,
  });
}
