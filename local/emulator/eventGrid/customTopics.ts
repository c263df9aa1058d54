// Event Grid custom topics, data plane only: `POST /eventgrid/topics/{name}/api/events` answers
// as a topic's endpoint (`https://{name}.{region}-1.eventgrid.azure.net/api/events`) does, for the
// app's own events sent with @azure/eventgrid's EventGridPublisherClient. A topic comes into being
// with its first accepted publish and keeps that publish's input schema (Event Grid or CloudEvents
// 1.0), as a real topic has one. Publishers authenticate with the topic's key (`aeg-sas-key`,
// derived from the seed) or with a bearer token, checked as the ARM front door checks one.
// Accepted events stay in memory per topic; nothing is delivered onward. These exchanges are not
// ARM's, so they never reach the traffic log the contract check reads.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import { z } from "zod";

import type { Clock } from "../../clock";
import { ArmHttpError } from "../armError";
import { bearerToken, principalFromToken } from "../principal";

export const topicsPrefix = "/eventgrid/topics";
/** The only api-version Event Grid's publish operation has. */
export const topicApiVersion = "2018-01-01";
/** Event Grid's limit for a whole batch (each event is limited to the same 1 MB). */
export const maxTopicBatchBytes = 1024 * 1024;
const topicNamePattern = /^[A-Za-z0-9-]{3,50}$/;
const eventsPathPattern = /^\/eventgrid\/topics\/([^/]+)\/api\/events\/?$/i;

export type TopicInputSchema = "EventGridSchema" | "CloudEventSchemaV1_0";

const isoTime = z.iso.datetime({ offset: true });
const required = (name: string) => z.string(`${name} is required and must be a string`);

const eventGridEventSchema = z.object({
  id: required("id").min(1, "id must not be empty"),
  topic: z.string().optional(),
  subject: required("subject").min(1, "subject must not be empty"),
  eventType: required("eventType").min(1, "eventType must not be empty"),
  eventTime: isoTime,
  data: z.unknown().refine((data) => data !== undefined, "data is required"),
  dataVersion: required("dataVersion"),
  metadataVersion: z.literal("1", "metadataVersion must be '1' when present").optional(),
});

// Extension attributes are kept, as CloudEvents allows them.
const cloudEventSchema = z
  .looseObject({
    specversion: z.literal("1.0", "specversion must be '1.0'"),
    id: required("id").min(1, "id must not be empty"),
    source: required("source").min(1, "source must not be empty"),
    type: required("type").min(1, "type must not be empty"),
    time: isoTime.optional(),
    subject: z.string().optional(),
    datacontenttype: z.string().optional(),
    dataschema: z.string().optional(),
    data: z.unknown().optional(),
    data_base64: z.base64("data_base64 must be base64").optional(),
  })
  .refine((event) => event.data === undefined || event.data_base64 === undefined, {
    message: "data and data_base64 are mutually exclusive",
  });

export type TopicEventGridEvent = z.output<typeof eventGridEventSchema>;
export type TopicCloudEvent = z.output<typeof cloudEventSchema>;

interface ReceivedTopicEventBase {
  /** The topic's name as its first publish spelled it. */
  readonly topic: string;
  /** When the emulator accepted the batch, on its clock (ISO 8601). */
  readonly receivedAt: string;
  readonly authenticatedBy: "aeg-sas-key" | "bearer";
  /** The token's object id, for a bearer publish. */
  readonly principalId?: string;
}

/** One accepted event, as the publisher sent it (Event Grid stamps nothing here). */
export type ReceivedTopicEvent =
  | (ReceivedTopicEventBase & { readonly schema: "EventGridSchema"; readonly event: TopicEventGridEvent })
  | (ReceivedTopicEventBase & { readonly schema: "CloudEventSchemaV1_0"; readonly event: TopicCloudEvent });

/** Event Grid's error envelope, `{"error":{"code","message"}}`; ArmHttpError has the same shape. */
export const topicErrors = {
  badRequest: (message: string) => new ArmHttpError(400, "BadRequest", message),
  unauthorized: (message: string) => new ArmHttpError(401, "Unauthorized", message),
  notFound: (message: string) => new ArmHttpError(404, "NotFound", message),
  methodNotAllowed: (method: string) =>
    new ArmHttpError(405, "MethodNotAllowed", `The topic endpoint does not support http method '${method}'.`),
  payloadTooLarge: () =>
    new ArmHttpError(
      413,
      "PayloadTooLarge",
      `The request content exceeds Event Grid's limit of ${maxTopicBatchBytes} bytes for a batch of events.`,
    ),
  internal: () => new ArmHttpError(500, "InternalServerError", "Encountered internal server error."),
};

export function isTopicName(name: string): boolean {
  return topicNamePattern.test(name);
}

function checkTopicName(name: string): void {
  if (!isTopicName(name)) {
    throw new Error(`'${name}' is not a topic name: 3 to 50 letters, digits and '-'.`);
  }
}

interface Topic {
  readonly name: string;
  readonly schema: TopicInputSchema;
  readonly events: ReceivedTopicEvent[];
}

export interface CustomTopicsOptions {
  readonly clock: Clock;
  /** Keys are derived from it, so they repeat with the emulator's seed. */
  readonly seed: number;
  /** How many events each topic keeps (the oldest go first). */
  readonly limit?: number;
  readonly onInternalError?: (error: unknown) => void;
}

export class CustomTopics {
  /** By lower-cased name: topic names, like host names, are case-insensitive. */
  private readonly topics = new Map<string, Topic>();
  private readonly limit: number;

  constructor(private readonly options: CustomTopicsOptions) {
    this.limit = options.limit ?? 10_000;
  }

  /** The topic's access key: 32 bytes in base64, as Event Grid's keys are. */
  key(name: string): string {
    checkTopicName(name);
    return createHmac("sha256", `arc-autopilot emulator topic key, seed ${this.options.seed}`)
      .update(name.toLowerCase())
      .digest("base64");
  }

  endpoint(baseUrl: string, name: string): string {
    checkTopicName(name);
    return `${baseUrl}${topicsPrefix}/${name}/api/events`;
  }

  /** The topic's accepted events, oldest first; none for a topic nobody has published to. */
  events(name: string): readonly ReceivedTopicEvent[] {
    return [...(this.topics.get(name.toLowerCase())?.events ?? [])];
  }

  /** Answers a request under `/eventgrid`, or returns false for the ARM front door to take it. */
  handle(request: IncomingMessage, response: ServerResponse, raw: Buffer | "tooLarge"): boolean {
    const url = new URL(request.url ?? "/", "https://emulator.invalid");
    if (!/^\/eventgrid(\/|$)/i.test(url.pathname)) return false;
    let failure: ArmHttpError | undefined;
    try {
      this.accept(request, url, raw);
    } catch (error) {
      if (error instanceof ArmHttpError) {
        failure = error;
      } else {
        this.options.onInternalError?.(error);
        failure = topicErrors.internal();
      }
    }
    // Event Grid answers a successful publish with 200 and no content.
    const text = failure ? JSON.stringify(failure.toBody()) : "";
    response.writeHead(failure?.status ?? 200, {
      ...(failure ? { "content-type": "application/json; charset=utf-8" } : {}),
      "content-length": String(Buffer.byteLength(text)),
    });
    response.end(text);
    return true;
  }

  private accept(request: IncomingMessage, url: URL, raw: Buffer | "tooLarge"): void {
    const match = eventsPathPattern.exec(url.pathname);
    if (!match) {
      throw topicErrors.notFound(
        `No Event Grid endpoint at '${url.pathname}'; a topic's is ${topicsPrefix}/{topicName}/api/events.`,
      );
    }
    const name = decodeSegment(match[1] ?? "");
    if (!isTopicName(name)) {
      throw topicErrors.notFound(
        `There is no topic '${name}': topic names are 3 to 50 letters, digits and '-'.`,
      );
    }
    const method = (request.method ?? "GET").toUpperCase();
    if (method !== "POST") throw topicErrors.methodNotAllowed(method);
    const publisher = this.authenticate(request, name);

    const apiVersion = url.searchParams.get("api-version");
    if (!apiVersion) throw topicErrors.badRequest("The api-version query parameter is required.");
    if (apiVersion !== topicApiVersion) {
      throw topicErrors.badRequest(
        `The api-version '${apiVersion}' is not supported. The supported api-version is '${topicApiVersion}'.`,
      );
    }
    if (raw === "tooLarge" || raw.length > maxTopicBatchBytes) throw topicErrors.payloadTooLarge();

    const { schema, single } = inputSchemaOf(headerValue(request, "content-type"));
    const topic = this.topics.get(name.toLowerCase());
    if (topic && topic.schema !== schema) {
      throw topicErrors.badRequest(
        `Topic '${topic.name}' accepts ${topic.schema} events (its input schema is fixed by its first publish); this request sent ${schema}.`,
      );
    }
    const events = parseEvents(schema, single, raw);

    const target = topic ?? { name, schema, events: [] };
    if (!topic) this.topics.set(name.toLowerCase(), target);
    const receivedAt = new Date(this.options.clock.now()).toISOString();
    for (const event of events) {
      target.events.push({ topic: target.name, receivedAt, ...publisher, ...event });
    }
    if (target.events.length > this.limit) target.events.splice(0, target.events.length - this.limit);
  }

  private authenticate(
    request: IncomingMessage,
    name: string,
  ): Pick<ReceivedTopicEventBase, "authenticatedBy" | "principalId"> {
    const key = headerValue(request, "aeg-sas-key");
    if (key !== undefined) {
      if (!sameKey(key, this.key(name))) {
        throw topicErrors.unauthorized(
          `The request authorization key is not authorized for topic '${name}': the key is invalid.`,
        );
      }
      return { authenticatedBy: "aeg-sas-key" };
    }
    if (headerValue(request, "aeg-sas-token") !== undefined) {
      throw topicErrors.unauthorized(
        "The emulator does not check aeg-sas-token signatures; send the topic's key in 'aeg-sas-key' or a bearer token.",
      );
    }
    const token = bearerToken(headerValue(request, "authorization"));
    if (!token) {
      throw topicErrors.unauthorized(
        "The request must carry the topic's key in 'aeg-sas-key' or an 'Authorization: Bearer' token.",
      );
    }
    return { authenticatedBy: "bearer", principalId: principalFromToken(token).objectId };
  }
}

function inputSchemaOf(contentType: string | undefined): { schema: TopicInputSchema; single: boolean } {
  const mediaType = (contentType ?? "application/json").split(";")[0]?.trim().toLowerCase();
  switch (mediaType) {
    case "application/json":
      return { schema: "EventGridSchema", single: false };
    case "application/cloudevents-batch+json":
      return { schema: "CloudEventSchemaV1_0", single: false };
    case "application/cloudevents+json":
      return { schema: "CloudEventSchemaV1_0", single: true };
    default:
      throw topicErrors.badRequest(
        `The content type '${contentType ?? ""}' is not supported: send application/json (Event Grid schema) or application/cloudevents-batch+json (CloudEvents 1.0).`,
      );
  }
}

type ParsedEvent =
  | { readonly schema: "EventGridSchema"; readonly event: TopicEventGridEvent }
  | { readonly schema: "CloudEventSchemaV1_0"; readonly event: TopicCloudEvent };

function parseEvents(schema: TopicInputSchema, single: boolean, raw: Buffer): ParsedEvent[] {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8")) as unknown;
  } catch (error) {
    const detail = raw.length === 0 ? "the body is empty" : error instanceof Error ? error.message : "";
    throw topicErrors.badRequest(`The request body is not valid JSON: ${detail}.`);
  }
  if (single) body = [body];
  if (!Array.isArray(body)) throw topicErrors.badRequest("The request body must be a JSON array of events.");
  if (body.length === 0) throw topicErrors.badRequest("The request body must contain at least one event.");
  if (schema === "EventGridSchema") {
    return validate(z.array(eventGridEventSchema), body).map((event) => ({ schema, event }));
  }
  return validate(z.array(cloudEventSchema), body).map((event) => ({ schema, event }));
}

function validate<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 5).map((issue) => {
    const [index, ...rest] = issue.path;
    return `events[${String(index)}]${rest.map((part) => `.${String(part)}`).join("")}: ${issue.message}`;
  });
  throw topicErrors.badRequest(`The events are not valid: ${issues.join("; ")}.`);
}

function sameKey(presented: string, key: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
