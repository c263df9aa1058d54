// History events in the wire shape the durable-functions library reads (Azure/durabletask
// src/DurableTask.Core/History; Azure/azure-functions-durable-js src/history):
// PascalCase DTFx field names, `EventId` -1 for everything but scheduling events, ISO timestamps,
// and payloads (`Input`, `Result`) as JSON text or null — never "" or undefined, which the
// library would fail to JSON.parse.
import { HistoryEventType } from "./historyEventType";

export interface OrchestrationInstanceRef {
  readonly InstanceId: string;
  readonly ExecutionId: string;
}

/** DTFx `ParentInstance` on a sub-orchestration's ExecutionStarted (the JS library ignores it). */
export interface ParentInstanceRef {
  readonly Name: string;
  readonly Version: string;
  readonly TaskScheduleId: number;
  readonly OrchestrationInstance: OrchestrationInstanceRef;
}

/** DTFx `FailureDetails`, which durable-functions turns into a `TaskFailedError`. */
export interface FailureDetailsPayload {
  readonly ErrorType: string;
  readonly ErrorMessage: string;
  readonly StackTrace?: string | null;
  readonly IsNonRetriable?: boolean;
  readonly Properties?: Record<string, unknown> | null;
  readonly InnerFailure?: FailureDetailsPayload | null;
}

interface EventBase {
  readonly EventId: number;
  readonly IsPlayed: boolean;
  readonly Timestamp: string;
}

export interface ExecutionStartedEvent extends EventBase {
  readonly EventType: HistoryEventType.ExecutionStarted;
  readonly Name: string;
  readonly Input: string | null;
  readonly Version: string;
  readonly OrchestrationInstance: OrchestrationInstanceRef;
  readonly ParentInstance?: ParentInstanceRef;
}

export interface ExecutionCompletedEvent extends EventBase {
  readonly EventType: HistoryEventType.ExecutionCompleted;
  readonly OrchestrationStatus: "Completed" | "Failed" | "Terminated";
  /** JSON text: the output, the failure message or the termination reason. */
  readonly Result: string | null;
  /** For failures: what a parent's SubOrchestrationInstanceFailed carries as Details. */
  readonly Details?: string | null;
  readonly FailureDetails?: FailureDetailsPayload;
}

export interface ExecutionTerminatedEvent extends EventBase {
  readonly EventType: HistoryEventType.ExecutionTerminated;
  readonly Input: string | null;
}

export interface TaskScheduledEvent extends EventBase {
  readonly EventType: HistoryEventType.TaskScheduled;
  readonly Name: string;
  readonly Version: string;
  readonly Input: string | null;
}

export interface TaskCompletedEvent extends EventBase {
  readonly EventType: HistoryEventType.TaskCompleted;
  readonly TaskScheduledId: number;
  readonly Result: string | null;
}

export interface TaskFailedEvent extends EventBase {
  readonly EventType: HistoryEventType.TaskFailed;
  readonly TaskScheduledId: number;
  readonly Reason: string;
  readonly Details: string | null;
  readonly FailureDetails?: FailureDetailsPayload;
}

export interface SubOrchestrationInstanceCreatedEvent extends EventBase {
  readonly EventType: HistoryEventType.SubOrchestrationInstanceCreated;
  readonly Name: string;
  readonly Version: string;
  readonly InstanceId: string;
  readonly Input: string | null;
}

export interface SubOrchestrationInstanceCompletedEvent extends EventBase {
  readonly EventType: HistoryEventType.SubOrchestrationInstanceCompleted;
  readonly TaskScheduledId: number;
  readonly Result: string | null;
}

export interface SubOrchestrationInstanceFailedEvent extends EventBase {
  readonly EventType: HistoryEventType.SubOrchestrationInstanceFailed;
  readonly TaskScheduledId: number;
  readonly Reason: string;
  readonly Details: string | null;
  readonly FailureDetails?: FailureDetailsPayload;
}

export interface TimerCreatedEvent extends EventBase {
  readonly EventType: HistoryEventType.TimerCreated;
  readonly FireAt: string;
}

export interface TimerFiredEvent extends EventBase {
  readonly EventType: HistoryEventType.TimerFired;
  readonly TimerId: number;
  readonly FireAt: string;
}

export interface OrchestratorStartedEvent extends EventBase {
  readonly EventType: HistoryEventType.OrchestratorStarted;
}

export interface OrchestratorCompletedEvent extends EventBase {
  readonly EventType: HistoryEventType.OrchestratorCompleted;
}

export interface EventRaisedEvent extends EventBase {
  readonly EventType: HistoryEventType.EventRaised;
  readonly Name: string;
  readonly Input: string | null;
}

export interface GenericEvent extends EventBase {
  readonly EventType: HistoryEventType.GenericEvent;
  readonly Data: string;
}

export interface ExecutionSuspendedEvent extends EventBase {
  readonly EventType: HistoryEventType.ExecutionSuspended;
  readonly Reason: string | null;
}

export interface ExecutionResumedEvent extends EventBase {
  readonly EventType: HistoryEventType.ExecutionResumed;
  readonly Reason: string | null;
}

export type HistoryEvent =
  | ExecutionStartedEvent
  | ExecutionCompletedEvent
  | ExecutionTerminatedEvent
  | TaskScheduledEvent
  | TaskCompletedEvent
  | TaskFailedEvent
  | SubOrchestrationInstanceCreatedEvent
  | SubOrchestrationInstanceCompletedEvent
  | SubOrchestrationInstanceFailedEvent
  | TimerCreatedEvent
  | TimerFiredEvent
  | OrchestratorStartedEvent
  | OrchestratorCompletedEvent
  | EventRaisedEvent
  | GenericEvent
  | ExecutionSuspendedEvent
  | ExecutionResumedEvent;

/** Events that open a sequence number (the ones DTFx's nondeterminism check compares on replay). */
export type SchedulingEvent = TaskScheduledEvent | TimerCreatedEvent | SubOrchestrationInstanceCreatedEvent;

/** Events that settle a sequence number, matched by `TaskScheduledId` / `TimerId` (DTFx History). */
export type CompletionEvent =
  | TaskCompletedEvent
  | TaskFailedEvent
  | SubOrchestrationInstanceCompletedEvent
  | SubOrchestrationInstanceFailedEvent
  | TimerFiredEvent;

export function isSchedulingEvent(event: HistoryEvent): event is SchedulingEvent {
  return (
    event.EventType === HistoryEventType.TaskScheduled ||
    event.EventType === HistoryEventType.TimerCreated ||
    event.EventType === HistoryEventType.SubOrchestrationInstanceCreated
  );
}

export function isCompletionEvent(event: HistoryEvent): event is CompletionEvent {
  return (
    event.EventType === HistoryEventType.TaskCompleted ||
    event.EventType === HistoryEventType.TaskFailed ||
    event.EventType === HistoryEventType.SubOrchestrationInstanceCompleted ||
    event.EventType === HistoryEventType.SubOrchestrationInstanceFailed ||
    event.EventType === HistoryEventType.TimerFired
  );
}

/** The sequence number a completion settles. */
export function completedSequenceId(event: CompletionEvent): number {
  return event.EventType === HistoryEventType.TimerFired ? event.TimerId : event.TaskScheduledId;
}

/** Distributes `Omit` over the union so each factory call is checked against its own event shape. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Builds an event with the common fields. Non-scheduling events carry `EventId: -1`, as DTFx
 * writes them; the library ignores the id of everything but scheduling events.
 */
export function historyEvent<E extends HistoryEvent>(
  timestamp: number,
  fields: DistributiveOmit<E, "EventId" | "IsPlayed" | "Timestamp"> & { EventId?: number },
): E {
  return {
    EventId: -1,
    IsPlayed: false,
    Timestamp: isoTimestamp(timestamp),
    ...fields,
  } as unknown as E;
}

/** ISO-8601 with milliseconds and `Z`, the shape durable-functions turns into a `Date`. */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}
