// The Event Grid extension's webhook, `/runtime/webhooks/EventGrid?functionName=<name>`, as the
// Functions host serves it (HttpRequestProcessor + EventGridExtensionConfigProvider in
// Microsoft.Azure.WebJobs.Extensions.EventGrid): the `aeg-event-type` header decides —
// SubscriptionValidation echoes the code, Notification invokes the function once per event
// (all at once) and answers 202, or 500 if any invocation failed so Event Grid retries the
// delivery; Unsubscribe is acknowledged. CloudEvents subscribers are validated with an OPTIONS
// request instead; their deliveries carry `aeg-event-type: Notification` too.
import type { IncomingHttpHeaders } from "node:http";

import type { FunctionInvoker } from "../types";
import { parseBoundedJson } from "./boundedJson";
import type { HostLog } from "./hostLog";
import { emptyAnswer, type HttpAnswer, jsonAnswer, textAnswer } from "./httpAnswer";

export interface EventGridWebhookRequest {
  readonly method: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Origins the extension echoes in `WebHook-Allowed-Origin`; anything else gets the public cloud's. */
const eventGridOrigins = new Set([
  "eventgrid.azure.net",
  "eventgrid.azure.us",
  "eventgrid.azure.eaglex.ic.gov",
  "eventgrid.azure.microsoft.scloud",
  "eventgrid.azure.cn",
]);
const publicCloudOrigin = "eventgrid.azure.net";

export async function handleEventGridWebhook(
  request: EventGridWebhookRequest,
  invoker: FunctionInvoker,
  log: HostLog,
): Promise<HttpAnswer> {
  const functionName = request.query.get("functionName") ?? "";
  const fn = functionName === "" ? undefined : invoker.find(functionName);
  if (fn === undefined || fn.trigger.type.toLowerCase() !== "eventgridtrigger") {
    return textAnswer(404, `cannot find function: '${functionName}'`);
  }

  if (request.method === "OPTIONS") {
    const requested = headerValue(request.headers, "webhook-request-origin");
    const allowed =
      requested !== undefined && eventGridOrigins.has(requested) ? requested : publicCloudOrigin;
    return emptyAnswer(200, { "webhook-allowed-origin": allowed });
  }

  const eventType = headerValue(request.headers, "aeg-event-type")?.toLowerCase();
  if (eventType === "unsubscribe") return emptyAnswer(202);
  if (eventType !== "subscriptionvalidation" && eventType !== "notification") {
    return textAnswer(
      400,
      "Missing or unknown aeg-event-type header (SubscriptionValidation, Notification, Unsubscribe).",
    );
  }
  const json = parseBoundedJson(request.body);
  if (!json.ok) return textAnswer(400, json.reason);
  if (eventType === "subscriptionvalidation") {
    const code = validationCode(json.value);
    if (code === undefined) {
      return textAnswer(400, "The SubscriptionValidation request carries no data.validationCode.");
    }
    log({
      level: "information",
      category: "system",
      message: `perform handshake with eventGrid for function: ${fn.name}`,
    });
    return jsonAnswer(200, { validationResponse: code });
  }
  const parsed = json.value;
  if (parsed === null || typeof parsed !== "object") {
    return textAnswer(400, "The request content should be parseable into a JSON object or array.");
  }
  const events: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
  const outcomes = await Promise.allSettled(
    events.map((event) => invoker.invoke(fn.name, { [fn.triggerName]: { json: JSON.stringify(event) } })),
  );
  const failure = outcomes.find((outcome) => outcome.status === "rejected");
  if (failure !== undefined) {
    const message = failure.reason instanceof Error ? failure.reason.message : String(failure.reason);
    log({
      level: "error",
      category: "system",
      message: `Event Grid delivery to ${fn.name} failed: ${message}`,
    });
    return textAnswer(500, message);
  }
  return emptyAnswer(202);
}

function validationCode(payload: unknown): string | undefined {
  const first = Array.isArray(payload) ? (payload[0] as unknown) : payload;
  if (first === null || typeof first !== "object") return undefined;
  let data = (first as { data?: unknown }).data;
  // CloudEvents-shaped validation events carry `data` as JSON text.
  if (typeof data === "string") {
    const inner = parseBoundedJson(Buffer.from(data));
    data = inner.ok ? inner.value : undefined;
  }
  const code = (data as { validationCode?: unknown } | null | undefined)?.validationCode;
  return typeof code === "string" ? code : undefined;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
