// What one dead-letter blob holds. Event Grid writes the events it could not deliver as blobs
// named `…/{EVENT-SUBSCRIPTION-NAME}/{yyyy}/{m}/{d}/{h}/{guid}.json`, each a JSON array of one or
// more events in the subscription's delivery schema, with the delivery's story added to each:
// `deadLetterReason`, `deliveryAttempts`, `lastDeliveryOutcome`, `lastHttpStatusCode`,
// `publishTime`, `lastDeliveryAttemptTime` (all lower case in the CloudEvents schema)
// (docs/azure-facts.md §22). Reading is defensive: a blob that is too large, not UTF-8 JSON or not
// an array is unreadable, with the reason; nothing here throws.
import { maxEventsPerDelivery } from "../events/toMachineEvent";
import { shorten } from "../text";

/** Event Grid's largest event is 1 MB (docs/azure-facts.md §22); a blob with a few fits well under this. */
export const maxDeadLetterBlobBytes = 4 * 1024 * 1024;

/** The fields Event Grid adds to a dead-lettered event, in both spellings. */
const deadLetterFields = new Set(
  [
    "deadLetterReason",
    "deliveryAttempts",
    "lastDeliveryOutcome",
    "lastHttpStatusCode",
    "publishTime",
    "lastDeliveryAttemptTime",
  ].flatMap((name) => [name, name.toLowerCase()]),
);

export interface DeadLetteredEvent {
  /** The event as it was first delivered: the dead-letter fields taken off. */
  readonly event: unknown;
  readonly id?: string;
  /** `eventType` (Event Grid schema) or `type` (CloudEvents). */
  readonly type?: string;
  readonly subject?: string;
  /** Why Event Grid gave up, as it wrote it (`MaxDeliveryAttemptsExceeded`, …). */
  readonly deadLetterReason?: string;
  readonly deliveryAttempts?: number;
}

export type DeadLetterBlobContent =
  | { readonly readable: true; readonly events: readonly DeadLetteredEvent[] }
  | { readonly readable: false; readonly reason: string };

const shownLength = 200;

/** The events of one dead-letter blob's bytes, or why they cannot be read. */
export function readDeadLetterBlob(bytes: Uint8Array): DeadLetterBlobContent {
  if (bytes.byteLength > maxDeadLetterBlobBytes) {
    return unreadable(`it holds ${bytes.byteLength} bytes, more than the ${maxDeadLetterBlobBytes} read`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return unreadable("it is not UTF-8 text");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error) {
    return unreadable(`it is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  // Event Grid writes an array; a lone object is taken as one event rather than refused.
  const items = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
  if (items.length === 0) return unreadable("it holds an empty array: no event to replay");
  if (items.length > maxEventsPerDelivery) {
    return unreadable(
      `it holds ${items.length} events, more than Event Grid's ${maxEventsPerDelivery} per batch`,
    );
  }
  return { readable: true, events: items.map(asDeadLetteredEvent) };
}

function asDeadLetteredEvent(item: unknown): DeadLetteredEvent {
  if (item === null || typeof item !== "object" || Array.isArray(item)) return { event: item };
  const record = item as Record<string, unknown>;
  const event = Object.fromEntries(Object.entries(record).filter(([key]) => !deadLetterFields.has(key)));
  const text = (...keys: string[]) => {
    for (const key of keys) {
      const value = record[key];
      if (typeof value === "string") return shorten(value, shownLength);
    }
    return undefined;
  };
  const attempts = record.deliveryAttempts ?? record.deliveryattempts;
  const id = text("id");
  const type = text("eventType", "type");
  const subject = text("subject");
  const deadLetterReason = text("deadLetterReason", "deadletterreason");
  return {
    event,
    ...(id !== undefined ? { id } : {}),
    ...(type !== undefined ? { type } : {}),
    ...(subject !== undefined ? { subject } : {}),
    ...(deadLetterReason !== undefined ? { deadLetterReason } : {}),
    ...(typeof attempts === "number" && Number.isFinite(attempts) ? { deliveryAttempts: attempts } : {}),
  };
}

function unreadable(reason: string): DeadLetterBlobContent {
  return { readable: false, reason: `The blob cannot be replayed: ${reason}` };
}
