// The optional outcome topic (ARC_OUTCOME_TOPIC_ENDPOINT): what arc-autopilot did, as Event Grid
// events in the EventGrid schema, sent with @azure/eventgrid's publisher and the app's own
// identity (the topic grants it "EventGrid Data Sender"), over the ARM context's TLS trust and user
// agent. One client per endpoint. An event's id is derived from what it reports (`dedupeKey` and
// its type), so a retried publish repeats the same id and consumers dedupe on it.
import { createHash } from "node:crypto";

import { EventGridPublisherClient } from "@azure/eventgrid";

import type { ArmContext } from "./armContext";

export interface OutcomeEvent {
  readonly eventType: string;
  readonly subject: string;
  /** Unique per thing reported (a run, a sweep): the event id derives from it and the type. */
  readonly dedupeKey: string;
  readonly data: unknown;
}

const clients = new Map<string, EventGridPublisherClient<"EventGrid">>();

/** Sends `event` to `endpoint`; does nothing (published: false) when no topic is configured. */
export async function publishToOutcomeTopic(
  arm: ArmContext,
  endpoint: string | undefined,
  event: OutcomeEvent,
): Promise<{ published: boolean }> {
  if (endpoint === undefined) return { published: false };
  let client = clients.get(endpoint);
  if (!client) {
    const { tlsOptions, userAgentOptions } = arm.clientOptions;
    client = new EventGridPublisherClient(endpoint, "EventGrid", arm.credential, {
      userAgentOptions,
      ...(tlsOptions ? { tlsOptions } : {}),
    });
    clients.set(endpoint, client);
  }
  await client.send([
    {
      id: eventIdOf(event.dedupeKey, event.eventType),
      eventType: event.eventType,
      subject: event.subject,
      dataVersion: "1.0",
      eventTime: new Date(arm.now()),
      data: event.data,
    },
  ]);
  return { published: true };
}

/** A GUID-shaped id from what is reported and the event type. */
function eventIdOf(key: string, eventType: string): string {
  const hex = createHash("sha256").update(`${key}|${eventType}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
