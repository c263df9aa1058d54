// What an incoming event means to arc-autopilot: a machine was written (start or resume its
// onboarding), a machine was deleted (stop it), or nothing to act on. Parsing never throws: a
// malformed event is reported with a reason and acknowledged, so Event Grid does not retry
// garbage for 24 hours (docs/azure-facts.md §9, delivery).

export type MachineEventSource = "resourceEvent" | "resourceNotification";

export interface MachineWritten {
  readonly kind: "machineWritten";
  /** Canonical machine id, from `data.resourceUri` (or ARN's `resourceInfo.id`), never from `subject` alone. */
  readonly machineId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly eventTime?: string;
  /** Subscription-topic events (`Microsoft.Resources.*`) or Azure Resource Notifications. */
  readonly source: MachineEventSource;
  /** ARM's correlation id of the write, for logs. */
  readonly correlationId?: string;
  /** Who wrote it (token claims `appid`/`oid`), for logs; claims are personal data, so nothing more. */
  readonly caller?: { readonly appId?: string; readonly objectId?: string };
}

export interface MachineDeleted {
  readonly kind: "machineDeleted";
  readonly machineId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly eventTime?: string;
  readonly source: MachineEventSource;
  readonly correlationId?: string;
}

export interface IgnoredEvent {
  readonly kind: "ignored";
  readonly reason: string;
  readonly eventId?: string;
  readonly eventType?: string;
  /** The machine a write under it concerned, when there is one (for debug logs). */
  readonly machineId?: string;
}

export interface MalformedEvent {
  readonly kind: "malformed";
  readonly reason: string;
  readonly eventId?: string;
}

export type MachineEvent = MachineWritten | MachineDeleted | IgnoredEvent | MalformedEvent;
