// What an event subscription is made of: its webhook, filters, retry policy and the fault knobs
// the emulator adds. Options are validated up front, so a bad admin request fails with a clear
// message instead of a subscription that silently never delivers.
import { z } from "zod";

import { ValidationError } from "../../../shared/errors";
import type { EventGridEvent } from "./resourceEvents";

export type DeliverySchema = "EventGridSchema" | "CloudEventSchemaV1_0";

const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Headers Event Grid sets itself; a static delivery header may not replace them. */
const reservedHeader =
  /^(aeg-.*|content-type|content-length|host|webhook-request-origin|connection|transfer-encoding)$/i;

/** Lets later URL checks stay quiet when the first one already reported an unparsable URL. */
function urlOf(value: string): URL | undefined {
  return URL.canParse(value) ? new URL(value) : undefined;
}

const operationNameFilterSchema = z.strictObject({
  /** Advanced-filter operators on `data.operationName`; both compare case-insensitively, as Azure's do. */
  operatorType: z.enum(["StringIn", "StringBeginsWith"]),
  values: z.array(z.string().min(1)).min(1).max(25),
});

export const eventSubscriptionOptionsSchema = z
  .strictObject({
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9-]{3,64}$/,
        "must be 3–64 characters of letters, digits and hyphens (Event Grid's rule)",
      ),
    endpointUrl: z
      .string()
      .refine((value) => URL.canParse(value), "must be an absolute URL")
      .refine((value) => /^https?:$/.test(urlOf(value)?.protocol ?? "http:"), "must use http or https")
      .refine(
        (value) => loopbackHosts.has(urlOf(value)?.hostname ?? "localhost"),
        "must point at this machine (127.0.0.1, localhost or [::1]): the emulator never calls out",
      ),
    /** PEM certificate(s) to trust for an https endpoint with a self-signed certificate. */
    ca: z
      .string()
      .includes("-----BEGIN CERTIFICATE-----", { message: "must be a PEM certificate" })
      .optional(),
    schema: z.enum(["EventGridSchema", "CloudEventSchemaV1_0"]).default("EventGridSchema"),
    /** `/subscriptions/{id}`: only that Azure subscription's events; all when absent. */
    scope: z
      .string()
      .regex(/^\/subscriptions\/[^/]+$/i, "must be /subscriptions/{subscriptionId}")
      .optional(),
    includedEventTypes: z.array(z.string().min(1)).min(1).optional(),
    operationNameFilters: z.array(operationNameFilterSchema).min(1).max(25).optional(),
    subjectBeginsWith: z.string().min(1).optional(),
    subjectEndsWith: z.string().min(1).optional(),
    maxDeliveryAttempts: z.number().int().min(1).max(30).default(30),
    eventTimeToLiveInMinutes: z.number().int().min(1).max(1440).default(1440),
    maxEventsPerBatch: z.number().int().min(1).max(5000).default(1),
    /** Fault: the chance (0–1) that an event is delivered a second time, with the same id. */
    duplicateRate: z.number().min(0).max(1).default(0),
    /** Fault: reorder events that are waiting together (seeded). */
    shuffle: z.boolean().default(false),
    /** With `shuffle`, hold events this long on the clock first, so more of them get mixed. */
    shuffleHoldMs: z
      .number()
      .int()
      .min(0)
      .max(60 * 60_000)
      .default(0),
    /** Static delivery headers (Event Grid's delivery attribute mappings). */
    headers: z
      .record(
        z
          .string()
          .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "is not a valid header name")
          .refine((name) => !reservedHeader.test(name), "is set by Event Grid itself"),
        z.string().regex(/^[^\r\n]*$/, "must be one line"),
      )
      .optional(),
  })
  .refine((options) => !options.ca || options.endpointUrl.startsWith("https:"), {
    message: "a CA certificate only applies to an https endpoint",
    path: ["ca"],
  });

export type EventSubscriptionOptions = z.input<typeof eventSubscriptionOptionsSchema>;
export type EventSubscriptionSettings = z.output<typeof eventSubscriptionOptionsSchema>;
export type OperationNameFilter = z.output<typeof operationNameFilterSchema>;

export class InvalidEventSubscriptionError extends ValidationError {
  constructor(detail: string) {
    super(`The event subscription is invalid: ${detail}`, "InvalidEventSubscription");
  }
}

export function parseSubscriptionOptions(options: unknown): EventSubscriptionSettings {
  const result = eventSubscriptionOptionsSchema.safeParse(options);
  if (result.success) return result.data;
  const detail = result.error.issues
    .slice(0, 8)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(options)"}: ${issue.message}`)
    .join("; ");
  throw new InvalidEventSubscriptionError(detail);
}

/** Event Grid's filter semantics: every configured filter must match; string tests ignore case. */
export function matchesSubscription(
  settings: EventSubscriptionSettings,
  event: EventGridEvent<{ operationName?: string }>,
): boolean {
  const lower = (value: string) => value.toLowerCase();
  if (settings.scope && lower(event.topic) !== lower(settings.scope)) return false;
  if (
    settings.includedEventTypes &&
    !settings.includedEventTypes.some((type) => lower(type) === lower(event.eventType))
  ) {
    return false;
  }
  if (settings.subjectBeginsWith && !lower(event.subject).startsWith(lower(settings.subjectBeginsWith)))
    return false;
  if (settings.subjectEndsWith && !lower(event.subject).endsWith(lower(settings.subjectEndsWith)))
    return false;
  const operationName = event.data.operationName;
  return (settings.operationNameFilters ?? []).every((filter) => matchesOperationName(filter, operationName));
}

function matchesOperationName(filter: OperationNameFilter, operationName: string | undefined): boolean {
  if (operationName === undefined) return false;
  const actual = operationName.toLowerCase();
  const values = filter.values.map((value) => value.toLowerCase());
  return filter.operatorType === "StringIn"
    ? values.includes(actual)
    : values.some((prefix) => actual.startsWith(prefix));
}
