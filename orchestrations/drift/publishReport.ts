// The drift sweep's outcome as an Event Grid event on the optional outcome topic
// (ARC_OUTCOME_TOPIC_ENDPOINT, the one onboarding outcomes go to): `ArcAutopilot.DriftSweepCompleted`,
// subject `/drift/sweeps/{sweepId}`, data the report's summary — counts per kind, outcome and
// repair result, compliance per scope, duration and cost; the machines themselves stay in the
// report (`GET /api/drift/report`), which keeps the event small. The event id is derived from the
// sweep, so a retried publish repeats it and consumers dedupe.
import { createHash } from "node:crypto";

import { EventGridPublisherClient } from "@azure/eventgrid";
import { z } from "zod";

import { driftReportSchema } from "../../shared/drift/report";
import { type AzureDeps, defineActivity } from "../activity";

export const driftSweepEventType = "ArcAutopilot.DriftSweepCompleted";

const summarySchema = driftReportSchema.omit({ findings: true });

const clients = new Map<string, EventGridPublisherClient<"EventGrid">>();

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
  const endpoint = deps.settings.ARC_OUTCOME_TOPIC_ENDPOINT;
  if (endpoint === undefined) return { published: false };
  let client = clients.get(endpoint);
  if (!client) {
    const { tlsOptions, userAgentOptions } = deps.arm.clientOptions;
    client = new EventGridPublisherClient(endpoint, "EventGrid", deps.arm.credential, {
      userAgentOptions,
      ...(tlsOptions ? { tlsOptions } : {}),
    });
    clients.set(endpoint, client);
  }
  const hex = createHash("sha256").update(`${input.summary.sweepId}|${driftSweepEventType}`).digest("hex");
  await client.send([
    {
      id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`,
      eventType: driftSweepEventType,
      subject: `/drift/sweeps/${input.summary.sweepId}`,
      dataVersion: "1.0",
      eventTime: new Date(deps.arm.now()),
      data: input.summary,
    },
  ]);
  return { published: true };
}
