// Proof that an endpoint wants events, before a subscription goes live. Event Grid schema: a
// SubscriptionValidationEvent the endpoint must echo; CloudEvents 1.0: the HTTP OPTIONS
// abuse-protection handshake (docs/azure-facts.md §9). Azure's alternative of a manual GET on the
// validation URL is not emulated: the synchronous answer is the only way in.
import { ValidationError } from "../../../shared/errors";
import type { Clock } from "../../clock";
import type { SeededRandom } from "../random";
import { type EventGridEvent, formatEventTime } from "./resourceEvents";
import type { EventSubscriptionSettings } from "./subscriptionOptions";
import type { WebhookRequest, WebhookResult } from "./webhookClient";

export const validationEventType = "Microsoft.EventGrid.SubscriptionValidationEvent";
export const webhookRequestOrigin = "eventgrid.azure.net";
/** Requests per minute Event Grid asks for in the CloudEvents handshake. */
const requestedRate = "120";

export interface SubscriptionValidationEventData {
  readonly validationCode: string;
  readonly validationUrl: string;
}

export interface HandshakeContext {
  readonly clock: Clock;
  readonly random: SeededRandom;
  readonly send: (request: WebhookRequest) => Promise<WebhookResult>;
}

export class WebhookValidationError extends ValidationError {
  constructor(endpointUrl: string, detail: string) {
    super(`Webhook validation handshake failed for ${endpointUrl}: ${detail}`, "WebhookValidationFailed");
  }
}

/** Resolves when the endpoint agreed; rejects with a WebhookValidationError saying why not. */
export async function validateEndpoint(
  settings: EventSubscriptionSettings,
  context: HandshakeContext,
): Promise<void> {
  const problem =
    settings.schema === "CloudEventSchemaV1_0"
      ? await cloudEventsHandshake(settings, context)
      : await validationEventHandshake(settings, context);
  if (problem !== undefined) throw new WebhookValidationError(settings.endpointUrl, problem);
}

async function validationEventHandshake(
  settings: EventSubscriptionSettings,
  context: HandshakeContext,
): Promise<string | undefined> {
  const validationCode = context.random.uuid().toUpperCase();
  const token = context.random.uuid().replace(/-/g, "");
  const now = context.clock.now();
  const event: EventGridEvent<SubscriptionValidationEventData> = {
    id: context.random.uuid(),
    topic: settings.scope ?? "",
    subject: "",
    eventType: validationEventType,
    eventTime: formatEventTime(now),
    data: {
      validationCode,
      // `.invalid` never resolves: nothing can reach Azure by following it.
      validationUrl: `https://eventgrid.emulator.invalid:553/eventsubscriptions/${settings.name.toLowerCase()}/validate?id=${validationCode}&t=${encodeURIComponent(new Date(now).toISOString())}&apiVersion=2018-05-01-preview&token=${token}`,
    },
    dataVersion: "2",
    metadataVersion: "1",
  };
  const result = await context.send({
    url: settings.endpointUrl,
    method: "POST",
    headers: {
      ...settings.headers,
      "content-type": "application/json",
      "aeg-event-type": "SubscriptionValidation",
      "aeg-subscription-name": settings.name,
      "aeg-delivery-count": "0",
      "aeg-data-version": event.dataVersion,
      "aeg-metadata-version": event.metadataVersion,
    },
    body: JSON.stringify([event]),
    ...(settings.ca !== undefined && { ca: settings.ca }),
  });
  if (result.kind !== "response") return describeFailure(result);
  if (result.status !== 200) {
    return `the endpoint answered the validation event with HTTP ${result.status}; it must answer 200 with {"validationResponse": "<validationCode>"} (202 is not accepted)`;
  }
  const echoed = validationResponseOf(result.body);
  if (echoed === undefined) {
    return `the 200 answer has no validationResponse; expected {"validationResponse": "${validationCode}"}, got ${excerpt(result.body)}`;
  }
  if (echoed !== validationCode) {
    return `the validationResponse '${excerpt(echoed)}' does not match the validation code '${validationCode}'`;
  }
  return undefined;
}

async function cloudEventsHandshake(
  settings: EventSubscriptionSettings,
  context: HandshakeContext,
): Promise<string | undefined> {
  const result = await context.send({
    url: settings.endpointUrl,
    method: "OPTIONS",
    headers: {
      ...settings.headers,
      "webhook-request-origin": webhookRequestOrigin,
      "webhook-request-rate": requestedRate,
    },
    ...(settings.ca !== undefined && { ca: settings.ca }),
  });
  if (result.kind !== "response") return describeFailure(result);
  if (result.status !== 200) {
    return `the endpoint answered the CloudEvents OPTIONS handshake with HTTP ${result.status}; it must answer 200`;
  }
  const allowed = result.headers["webhook-allowed-origin"];
  const origin = Array.isArray(allowed) ? allowed[0] : allowed;
  if (origin === undefined) {
    return `the OPTIONS answer has no WebHook-Allowed-Origin header; it must be '${webhookRequestOrigin}' or '*'`;
  }
  if (origin.trim() !== "*" && origin.trim().toLowerCase() !== webhookRequestOrigin) {
    return `WebHook-Allowed-Origin is '${excerpt(origin)}'; it must be '${webhookRequestOrigin}' or '*'`;
  }
  return undefined;
}

/**
 * Lenient about the key's case: .NET JSON binders usually are, and rejecting an answer Azure may
 * well accept would send someone chasing a problem that does not exist.
 */
function validationResponseOf(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const entry = Object.entries(parsed).find(([key]) => key.toLowerCase() === "validationresponse");
  return typeof entry?.[1] === "string" ? entry[1] : undefined;
}

function describeFailure(result: Exclude<WebhookResult, { kind: "response" }>): string {
  switch (result.kind) {
    case "timeout":
      return "the endpoint did not answer within 30 seconds";
    case "error":
      return `the endpoint could not be reached: ${result.message}`;
    case "aborted":
      return `the handshake was abandoned: ${result.reason}`;
  }
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat || "(empty body)";
}
