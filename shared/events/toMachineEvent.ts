// Turns what Event Grid delivers into a MachineEvent. Both delivery schemas are accepted — Event
// Grid (`eventType`, `eventTime`, `metadataVersion`) and CloudEvents 1.0 (`specversion`, `type`,
// `time`) — and the envelope is checked by the Event Grid SDK's own deserializer and matched with
// its `isSystemEvent` type guards. `data` is then read from the event as delivered and validated
// with zod: the SDK's mapper types `data` as a dictionary and turns text or arrays into
// character-indexed objects (checked against @azure/eventgrid 5.12), which would hide a
// malformed payload. Nothing here throws; every failure becomes `malformed` with a reason.
import {
  type CloudEvent,
  EventGridDeserializer,
  type EventGridEvent,
  isSystemEvent,
  type KnownSystemEventTypes,
} from "@azure/eventgrid";

import { ensureErrorType } from "../errors";
import { shorten } from "../text";
import type { IgnoredEvent, MachineEvent, MalformedEvent } from "./machineEvent";
import { machineResourceOf } from "./machineResourceOf";
import {
  callerOf,
  eventDataObject,
  resourceEventDataSchema,
  resourceNotificationDataSchema,
} from "./resourceEventData";
import { resourceEventTypes, subscribedOperations } from "./subscribedEvents";

const deserializer = new EventGridDeserializer();

/** Event Grid's largest batch (`maxEventsPerBatch` 1–5000, docs/azure-facts.md §9). */
export const maxEventsPerDelivery = 5000;

const maxEventIdLength = 1024;
/** How much of a value from the event a reason quotes. */
const shownLength = 200;

const machineWrite = subscribedOperations.machineWrite.toLowerCase();
const machineDelete = subscribedOperations.machineDelete.toLowerCase();
const machineType = "microsoft.hybridcompute/machines";

/** A webhook body (JSON text, an array of events, or one event) → one MachineEvent per event. */
export async function toMachineEvents(body: unknown): Promise<MachineEvent[]> {
  let decoded = body;
  if (typeof body === "string") {
    try {
      decoded = JSON.parse(body) as unknown;
    } catch (error) {
      return [malformed(`The body is not JSON: ${message(error)}`)];
    }
  }
  if (!Array.isArray(decoded)) return [await toMachineEvent(decoded)];
  if (decoded.length > maxEventsPerDelivery) {
    return [
      malformed(
        `The body holds ${decoded.length} events, more than Event Grid's ${maxEventsPerDelivery} per delivery`,
      ),
    ];
  }
  return Promise.all(decoded.map((event) => toMachineEvent(event)));
}

/** One event, in the Event Grid or CloudEvents schema (an Event Grid trigger's input) → a MachineEvent. */
export async function toMachineEvent(raw: unknown): Promise<MachineEvent> {
  try {
    return await classify(raw);
  } catch (error) {
    return malformed(`The event could not be read: ${message(error)}`, idOf(raw));
  }
}

async function classify(raw: unknown): Promise<MachineEvent> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return malformed(`An event must be a JSON object, not ${describeValue(raw)}`);
  }
  const event = raw as Record<string, unknown>;
  const eventId = idOf(event);
  let envelope: EventGridEvent<unknown> | CloudEvent<unknown> | undefined;
  try {
    // The SDK checks required envelope fields, metadataVersion "1" or specversion "1.0".
    const events =
      "specversion" in event
        ? await deserializer.deserializeCloudEvents({ ...event })
        : "eventType" in event
          ? await deserializer.deserializeEventGridEvents({ ...event })
          : undefined;
    envelope = events?.[0];
  } catch (error) {
    return malformed(`Not a valid Event Grid or CloudEvents 1.0 event: ${message(error)}`, eventId);
  }
  if (envelope === undefined) {
    return malformed(
      "Neither an Event Grid event (eventType) nor a CloudEvents 1.0 event (specversion)",
      eventId,
    );
  }
  if (eventId === undefined) return malformed("The event has no id");
  if (eventId.length > maxEventIdLength)
    return malformed(`The event id is longer than ${maxEventIdLength} characters`);
  const eventType = "eventType" in envelope ? envelope.eventType : envelope.type;
  const eventTime = timeOf("specversion" in event ? event.time : event.eventTime);
  const data = eventDataObject(event.data);

  if (
    isEventOfType(resourceEventTypes.write, envelope) ||
    isEventOfType(resourceEventTypes.delete, envelope)
  ) {
    const parsed = resourceEventDataSchema.safeParse(data);
    if (!parsed.success) return malformed(`${eventType} data is invalid: ${issues(parsed.error)}`, eventId);
    const { resourceUri, operationName, correlationId, claims } = parsed.data;
    const isWrite = eventType === resourceEventTypes.write;
    const operation = operationName.toLowerCase();
    const expected = isWrite ? machineWrite : machineDelete;
    let resource;
    try {
      resource = machineResourceOf(resourceUri);
    } catch (error) {
      return malformed(`data.resourceUri is not a resource id: ${message(error)}`, eventId);
    }
    const base = {
      eventId,
      eventType,
      source: "resourceEvent" as const,
      ...(eventTime === undefined ? {} : { eventTime }),
      ...(correlationId === undefined ? {} : { correlationId }),
    };
    if (resource.kind === "machine" && operation === expected) {
      if (!isWrite) return { kind: "machineDeleted", machineId: resource.machineId, ...base };
      const caller = callerOf(claims);
      return {
        kind: "machineWritten",
        machineId: resource.machineId,
        ...base,
        ...(caller ? { caller } : {}),
      };
    }
    if (operation === expected) {
      return malformed(
        `data.operationName is ${shorten(operationName, shownLength)} but data.resourceUri is not an Arc machine: ${shorten(resourceUri, shownLength)}`,
        eventId,
      );
    }
    if (resource.kind === "underMachine") {
      return ignored(
        `${shorten(operationName, shownLength)} on ${shorten(resource.resourceType, shownLength)} under a machine (arc-autopilot's own settings, run commands and endpoints among them) does not start onboarding`,
        eventId,
        eventType,
        resource.machineId,
      );
    }
    return ignored(
      `${shorten(operationName, shownLength)} is not a write or delete of an Arc machine`,
      eventId,
      eventType,
    );
  }

  if (
    isEventOfType("Microsoft.ResourceNotifications.Resources.CreatedOrUpdated", envelope) ||
    isEventOfType("Microsoft.ResourceNotifications.Resources.Deleted", envelope)
  ) {
    const parsed = resourceNotificationDataSchema.safeParse(data);
    if (!parsed.success) return malformed(`${eventType} data is invalid: ${issues(parsed.error)}`, eventId);
    const { resourceInfo, operationalInfo } = parsed.data;
    let resource;
    try {
      resource = machineResourceOf(resourceInfo.id);
    } catch (error) {
      return malformed(`data.resourceInfo.id is not a resource id: ${message(error)}`, eventId);
    }
    const declaredType = resourceInfo.type?.toLowerCase();
    if (resource.kind === "machine" && declaredType !== undefined && declaredType !== machineType) {
      return malformed(
        `data.resourceInfo.type ${shorten(resourceInfo.type ?? "", shownLength)} contradicts its machine id ${shorten(resourceInfo.id, shownLength)}`,
        eventId,
      );
    }
    if (resource.kind !== "machine") {
      return ignored(
        `${shorten(resource.resourceType, shownLength)} is not an Arc machine`,
        eventId,
        eventType,
        resource.kind === "underMachine" ? resource.machineId : undefined,
      );
    }
    const time = eventTime ?? timeOf(operationalInfo?.resourceEventTime);
    const base = {
      machineId: resource.machineId,
      eventId,
      eventType,
      source: "resourceNotification" as const,
      ...(time === undefined ? {} : { eventTime: time }),
    };
    return eventType === "Microsoft.ResourceNotifications.Resources.Deleted"
      ? { kind: "machineDeleted", ...base }
      : { kind: "machineWritten", ...base };
  }

  if (isEventOfType("Microsoft.EventGrid.SubscriptionValidationEvent", envelope)) {
    return ignored(
      "The subscription validation handshake is answered by the trigger, not here",
      eventId,
      eventType,
    );
  }
  return ignored(
    `Event type ${shorten(eventType, shownLength)} is not one arc-autopilot acts on`,
    eventId,
    eventType,
  );
}

/** The SDK's guard, for either schema (its overloads take one schema at a time). */
function isEventOfType(
  eventType: KnownSystemEventTypes,
  envelope: EventGridEvent<unknown> | CloudEvent<unknown>,
): boolean {
  return "eventType" in envelope ? isSystemEvent(eventType, envelope) : isSystemEvent(eventType, envelope);
}

function idOf(raw: unknown): string | undefined {
  if (raw === null || typeof raw !== "object") return undefined;
  const id = (raw as Record<string, unknown>).id;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** The time as sent (Event Grid writes 7 fractional digits a Date would lose), when it is a time at all. */
function timeOf(value: unknown): string | undefined {
  return typeof value === "string" && value.length <= 64 && !Number.isNaN(Date.parse(value))
    ? value
    : undefined;
}

function malformed(reason: string, eventId?: string): MalformedEvent {
  return {
    kind: "malformed",
    reason,
    ...(eventId === undefined || eventId.length > maxEventIdLength ? {} : { eventId }),
  };
}

function ignored(reason: string, eventId: string, eventType: string, machineId?: string): IgnoredEvent {
  return { kind: "ignored", reason, eventId, eventType, ...(machineId === undefined ? {} : { machineId }) };
}

function issues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join(".") || "data"}: ${issue.message}`)
    .join("; ");
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? "a string" : `a ${typeof value}`;
}

function message(error: unknown): string {
  return shorten(ensureErrorType(error).message, shownLength);
}
