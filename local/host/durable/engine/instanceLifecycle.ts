// Client operations on instances (Learn "HTTP API reference" for Durable Functions). Each one is a
// message queued for the
// instance's next episode — start (ExecutionStarted), raise (EventRaised), terminate, suspend,
// resume — so it is ordered with everything else the instance receives; purge and rewind act on
// the stored state directly. Refusals carry the management API's status codes.
import type {
  EventRaisedEvent,
  ExecutionResumedEvent,
  ExecutionStartedEvent,
  ExecutionSuspendedEvent,
  ExecutionTerminatedEvent,
  GenericEvent,
  HistoryEvent,
} from "../history/historyEvent";
import { historyEvent } from "../history/historyEvent";
import { HistoryEventType } from "../history/historyEventType";
import type { InstanceRecord, ParentLink } from "../store/instanceRecord";
import { isTerminal } from "../store/instanceRecord";
import { DurableApiError } from "./durableApiError";
import { outstandingWork } from "./outstandingWork";
import type { TaskHub } from "./taskHub";

export interface StartRequest {
  readonly name: string;
  /** JSON text of the input, or null. */
  readonly input: string | null;
  readonly instanceId: string;
  readonly version?: string;
  readonly parent?: ParentLink;
}

/**
 * A new instance: Pending with ExecutionStarted queued. An id in use by a running instance is
 * refused; a finished one is replaced (the extension's default overridable states).
 */
export function startInstance(hub: TaskHub, request: StartRequest): InstanceRecord {
  const registered = hub.catalog.orchestrator(request.name);
  if (!registered) throw new DurableApiError(400, hub.catalog.unknownOrchestratorMessage(request.name));
  validateInstanceId(request.instanceId);
  const existing = hub.store.get(request.instanceId);
  if (existing && !isTerminal(existing.status)) {
    throw new DurableApiError(409, `An instance with ID '${request.instanceId}' already exists.`);
  }
  if (existing) hub.retireExecution(existing.instanceId, existing.executionId);
  const now = hub.clock.now();
  const record: InstanceRecord = {
    instanceId: request.instanceId,
    executionId: "",
    name: registered.name,
    version: request.version ?? "",
    status: "Pending",
    input: request.input,
    output: null,
    customStatus: null,
    createdAt: now,
    lastUpdatedAt: now,
    parent: request.parent,
    executions: 0,
    history: [],
    inbox: [],
    held: [],
  };
  record.executionId = hub.newExecutionId(record);
  record.executions = 1;
  const parent = request.parent;
  record.inbox.push(
    historyEvent<ExecutionStartedEvent>(now, {
      EventType: HistoryEventType.ExecutionStarted,
      Name: record.name,
      Input: record.input,
      Version: record.version,
      OrchestrationInstance: { InstanceId: record.instanceId, ExecutionId: record.executionId },
      ...(parent
        ? {
            ParentInstance: {
              Name: parent.name,
              Version: "",
              TaskScheduleId: parent.taskScheduledId,
              OrchestrationInstance: { InstanceId: parent.instanceId, ExecutionId: parent.executionId },
            },
          }
        : {}),
    }),
  );
  hub.store.put(record);
  hub.changed(record);
  hub.wake(record.instanceId);
  return record;
}

/** DTFx / Functions instance id rules. */
function validateInstanceId(instanceId: string): void {
  if (instanceId.length === 0 || instanceId.length > 256) {
    throw new DurableApiError(400, "Instance ID lengths must be between 1 and 256 characters.");
  }
  if (instanceId.startsWith("@")) {
    throw new DurableApiError(400, "Orchestration instance ids must not start with @.");
  }
  // eslint-disable-next-line no-control-regex
  if (/[/\\#?\u0000-\u001f\u007f-\u009f]/.test(instanceId)) {
    throw new DurableApiError(400, `Instance ID '${instanceId}' contains invalid characters.`);
  }
}

function runningInstance(hub: TaskHub, instanceId: string): InstanceRecord {
  const record = hub.store.get(instanceId);
  if (!record) throw new DurableApiError(404, `No instance with ID '${instanceId}' found.`);
  if (isTerminal(record.status)) {
    throw new DurableApiError(
      410,
      "The orchestration instance with the provided instance id is not running.",
    );
  }
  return record;
}

function enqueue(hub: TaskHub, record: InstanceRecord, message: HistoryEvent): void {
  record.inbox.push(message);
  hub.wake(record.instanceId);
}

/** EventRaised; the library matches it by name and buffers it until the orchestrator waits for it. */
export function raiseEvent(hub: TaskHub, instanceId: string, eventName: string, input: string | null): void {
  const record = runningInstance(hub, instanceId);
  enqueue(
    hub,
    record,
    historyEvent<EventRaisedEvent>(hub.clock.now(), {
      EventType: HistoryEventType.EventRaised,
      Name: eventName,
      Input: input,
    }),
  );
}

export function terminateInstance(hub: TaskHub, instanceId: string, reason: string | null): void {
  const record = runningInstance(hub, instanceId);
  enqueue(
    hub,
    record,
    historyEvent<ExecutionTerminatedEvent>(hub.clock.now(), {
      EventType: HistoryEventType.ExecutionTerminated,
      Input: reason,
    }),
  );
}

export function suspendInstance(hub: TaskHub, instanceId: string, reason: string | null): void {
  const record = runningInstance(hub, instanceId);
  enqueue(
    hub,
    record,
    historyEvent<ExecutionSuspendedEvent>(hub.clock.now(), {
      EventType: HistoryEventType.ExecutionSuspended,
      Reason: reason,
    }),
  );
}

export function resumeInstance(hub: TaskHub, instanceId: string, reason: string | null): void {
  const record = runningInstance(hub, instanceId);
  enqueue(
    hub,
    record,
    historyEvent<ExecutionResumedEvent>(hub.clock.now(), {
      EventType: HistoryEventType.ExecutionResumed,
      Reason: reason,
    }),
  );
}

/** Deletes the instance and its history; in-flight results for it will find nothing to report to. */
export function purgeInstance(hub: TaskHub, instanceId: string): boolean {
  const record = hub.store.get(instanceId);
  if (!record) return false;
  hub.store.delete(instanceId);
  hub.retireExecution(record.instanceId, record.executionId);
  return true;
}

/** Events a rewind re-delivers: everything that arrived in the rewound episodes except failures. */
const redeliveredTypes = new Set<HistoryEventType>([
  HistoryEventType.ExecutionStarted,
  HistoryEventType.TaskCompleted,
  HistoryEventType.TimerFired,
  HistoryEventType.SubOrchestrationInstanceCompleted,
  HistoryEventType.EventRaised,
]);

/**
 * Rewind of a Failed instance. The history is cut back to the start of the episode that received
 * the first failed task (or, for a failure in orchestrator code, the last episode); what arrived
 * since is queued again, minus the failures. Replay rebuilds the rest, the failed tasks have no
 * completion any more and run again — the at-least-once semantics a restart has anyway — and
 * failed sub-orchestrations are rewound with their parent. (DTFx rewinds by rewriting the failed
 * events in place; cutting the history keeps the replay consistent with retries too.)
 */
export function rewindInstance(hub: TaskHub, instanceId: string, reason: string | null): void {
  const record = hub.store.get(instanceId);
  if (!record) throw new DurableApiError(404, `No instance with ID '${instanceId}' found.`);
  if (isTerminal(record.status) && record.status !== "Failed") {
    throw new DurableApiError(
      410,
      "The orchestration instance with the provided instance id is not running.",
    );
  }
  if (record.status !== "Failed") {
    throw new DurableApiError(
      412,
      "The rewind operation is only supported on failed orchestration instances.",
    );
  }
  const history = record.history;
  const firstFailure = history.findIndex(
    (event) =>
      event.EventType === HistoryEventType.TaskFailed ||
      event.EventType === HistoryEventType.SubOrchestrationInstanceFailed,
  );
  const episodeStarts = history
    .map((event, index) => (event.EventType === HistoryEventType.OrchestratorStarted ? index : -1))
    .filter((index) => index >= 0);
  const cutAt =
    firstFailure >= 0
      ? Math.max(...episodeStarts.filter((index) => index < firstFailure), 0)
      : (episodeStarts[episodeStarts.length - 1] ?? 0);
  const redelivered = history.slice(cutAt).filter((event) => redeliveredTypes.has(event.EventType));
  const now = hub.clock.now();
  record.history = history.slice(0, cutAt);
  record.inbox = [
    ...redelivered,
    historyEvent<GenericEvent>(now, {
      EventType: HistoryEventType.GenericEvent,
      Data: `Rewound: ${reason ?? ""}`,
    }),
    ...record.inbox,
  ];
  record.status = "Running";
  record.output = null;
  record.lastUpdatedAt = now;
  hub.changed(record);
  const outstanding = outstandingWork(record);
  for (const created of outstanding.subOrchestrations) {
    const child = hub.store.get(created.InstanceId);
    if (child?.status === "Failed" && child.parent?.instanceId === record.instanceId) {
      rewindInstance(hub, child.instanceId, reason);
    }
  }
  hub.dispatch(record, [...outstanding.activities, ...outstanding.timers, ...outstanding.subOrchestrations]);
  hub.wake(record.instanceId);
}
