// Onboarding outcomes as Event Grid events on an optional custom topic:
// `ArcAutopilot.MachineOnboarded`, `…OnboardingFailed`, `…NeedsLocalAction`, subject the machine
// id, data the run's result (no secrets: results never carry any). Sent with @azure/eventgrid's
// publisher and the app's own identity (the topic grants it "EventGrid Data Sender"). The event
// id is derived from the run, so a retried publish repeats the same id and consumers dedupe.
import { createHash } from "node:crypto";

import { EventGridPublisherClient } from "@azure/eventgrid";
import { z } from "zod";

import { onboardingResultSchema, outcomeEventTypes } from "../../shared/onboarding/onboardingResult";
import { type AzureDeps, defineActivity } from "../activity";

const clients = new Map<string, EventGridPublisherClient<"EventGrid">>();

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
  await client.send([
    {
      id: eventIdOf(input.runId, input.eventType),
      eventType: input.eventType,
      subject: input.result.machineId,
      dataVersion: "1.0",
      eventTime: new Date(deps.arm.now()),
      data: input.result,
    },
  ]);
  return { published: true };
}

/** A GUID-shaped id from the run and the event type. */
function eventIdOf(runId: string, eventType: string): string {
  const hex = createHash("sha256").update(`${runId}|${eventType}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
