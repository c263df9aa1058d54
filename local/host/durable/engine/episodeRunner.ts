// One orchestration episode, as this engine runs it: OrchestratorStarted(now) + the queued messages
// → binding info → the orchestrator through the invoker → the returned state (or the thrown
// out-of-proc failure) → the replay plan (ids, retries, long timers, nondeterminism) → one
// atomic commit of history, status and outgoing messages. Nothing is written before the commit,
// so a crash during the invocation leaves the messages queued and the episode simply runs again.
import { findContinueAsNew } from "../actions/orchestratorAction";
import type {
  ExecutionCompletedEvent,
  ExecutionStartedEvent,
  ExecutionTerminatedEvent,
  FailureDetailsPayload,
  HistoryEvent,
  OrchestratorCompletedEvent,
  OrchestratorStartedEvent,
} from "../history/historyEvent";
import { historyEvent } from "../history/historyEvent";
import { HistoryEventType } from "../history/historyEventType";
import { buildBindingInfo } from "../orchestrator/bindingInfo";
import type { OrchestratorOutcome } from "../orchestrator/orchestratorOutcome";
import { outcomeFromReturnValue, outcomeFromThrown, stateActions } from "../orchestrator/orchestratorOutcome";
import type { EpisodePlan } from "../replay/episodePlan";
import { planEpisode } from "../replay/episodePlan";
import type { InstanceRecord } from "../store/instanceRecord";
import { isTerminal } from "../store/instanceRecord";
import { takeBatch } from "./inboxBatch";
import type { TaskHub } from "./taskHub";

export async function runEpisode(hub: TaskHub, instanceId: string, generation: number): Promise<void> {
  const record = hub.store.get(instanceId);
  if (!record) return;
  if (isTerminal(record.status)) {
    // Messages for a finished instance are discarded, as the extension does.
    record.inbox = [];
    record.held = [];
    return;
  }
  const consumed = record.inbox.length;
  if (consumed === 0) return;
  const batch = takeBatch(record.held, record.inbox, record.status === "Suspended");
  const now = hub.clock.now();
  const started = historyEvent<OrchestratorStartedEvent>(now, {
    EventType: HistoryEventType.OrchestratorStarted,
  });
  const completed = historyEvent<OrchestratorCompletedEvent>(now, {
    EventType: HistoryEventType.OrchestratorCompleted,
  });

  if (batch.terminated) {
    commitTermination(hub, record, batch.terminated, batch.events, now, [started, completed]);
    return;
  }
  if (!batch.deliversWork) {
    record.inbox = record.inbox.slice(consumed);
    record.held = [...batch.held];
    if (batch.events.length === 0) return;
    // Only suspend/resume markers: recorded as their own episode, without running user code.
    record.history.push(started, ...batch.events, completed);
    record.status = batch.suspended ? "Suspended" : "Running";
    record.lastUpdatedAt = now;
    hub.changed(record);
    return;
  }

  const newEvents: HistoryEvent[] = [started, ...batch.events];
  const registered = hub.catalog.orchestrator(record.name);
  let outcome: OrchestratorOutcome;
  if (!registered) {
    outcome = {
      kind: "failed",
      error: hub.catalog.unknownOrchestratorMessage(record.name),
      stack: undefined,
      state: undefined,
    };
  } else {
    const bindingInfo = buildBindingInfo({
      instanceId: record.instanceId,
      parentInstanceId: record.parent?.instanceId,
      pastEvents: record.history,
      newEvents,
      longRunningTimerInterval: hub.timers.longTimerInterval,
      maximumShortTimer: hub.timers.maximumShortTimer,
    });
    try {
      const result = await hub.invoker.invoke(registered.name, {
        [registered.triggerName]: { string: JSON.stringify(bindingInfo) },
      });
      outcome = outcomeFromReturnValue(result.returnValue);
    } catch (error) {
      outcome = outcomeFromThrown(error);
    }
  }
  if (!hub.isCurrent(generation)) return;
  if (!hub.reachedKillPoint({ kind: "episodeInvoked", instanceId }, generation)) return;
  // Purged (or replaced by a new start) while the orchestrator ran: nothing to commit to.
  if (hub.store.get(instanceId) !== record) return;

  // A failure without the out-of-proc payload (or no registered orchestrator) has no actions for
  // the extension to replay: the instance just fails.
  const plan: EpisodePlan = !outcome.state
    ? { newEvents: [], failure: undefined }
    : planEpisode({
        orchestratorName: record.name,
        instanceId: record.instanceId,
        parentInstanceId: record.parent?.instanceId,
        executionId: record.executionId,
        actions: stateActions(outcome.state),
        history: [...record.history, ...newEvents],
        maximumShortTimerMs: hub.timers.maximumShortTimerMs,
        longTimerIntervalMs: hub.timers.longTimerIntervalMs,
        catalog: hub.catalog,
      });

  // ---- commit ----
  record.inbox = record.inbox.slice(consumed);
  record.held = [...batch.held];
  record.lastUpdatedAt = now;
  const customStatus = outcome.state?.customStatus;
  // The library omits a falsy custom status; the extension then keeps the previous one
  // (OutOfProcOrchestrationShim in Azure/azure-functions-durable-extension).
  if (customStatus != null) record.customStatus = JSON.stringify(customStatus);

  if (plan.failure) {
    // The replay itself failed (nondeterminism, unknown function): nothing new is scheduled.
    const message = plan.failure.message;
    failExecution(record, newEvents, now, message, message, undefined);
    record.history.push(...newEvents, completed);
    settle(hub, record, generation);
    return;
  }

  newEvents.push(...plan.newEvents);
  if (outcome.kind === "failed") {
    // The extension replays the failed episode's actions before failing the instance
    // (OutOfProcOrchestrationShim in Azure/azure-functions-durable-extension).
    const message = `Orchestrator function '${record.name}' failed: ${outcome.error}`;
    const details = `Message: ${outcome.error}, StackTrace: ${outcome.stack ?? ""}`;
    failExecution(record, newEvents, now, message, details, outcome.state?.failureDetails);
    record.history.push(...newEvents, completed);
    hub.dispatch(record, plan.newEvents);
    settle(hub, record, generation);
    return;
  }

  const state = outcome.state;
  const continueAsNew = state.isDone ? findContinueAsNew(stateActions(state)) : undefined;
  if (continueAsNew) {
    record.history.push(...newEvents, completed);
    hub.dispatch(record, plan.newEvents);
    // The next execution's input is the action's input serialised once more, as the extension's
    // OutOfProcOrchestrationShim does (string inputs were JSON-stringified by the library already).
    startNextExecution(hub, record, JSON.stringify(continueAsNew.input ?? null), now);
    settle(hub, record, generation);
    return;
  }
  if (state.isDone) {
    const output = state.output === undefined ? null : JSON.stringify(state.output);
    newEvents.push(
      historyEvent<ExecutionCompletedEvent>(now, {
        EventType: HistoryEventType.ExecutionCompleted,
        OrchestrationStatus: "Completed",
        Result: output,
      }),
    );
    record.status = "Completed";
    record.output = output;
  } else if (batch.suspended) {
    record.status = "Suspended";
  } else {
    record.status = "Running";
  }
  record.history.push(...newEvents, completed);
  hub.dispatch(record, plan.newEvents);
  settle(hub, record, generation);
}

/** Status Failed with the message as output; Details is what a parent's failure event carries. */
function failExecution(
  record: InstanceRecord,
  newEvents: HistoryEvent[],
  now: number,
  message: string,
  details: string,
  failureDetails: FailureDetailsPayload | undefined,
): void {
  newEvents.push(
    historyEvent<ExecutionCompletedEvent>(now, {
      EventType: HistoryEventType.ExecutionCompleted,
      OrchestrationStatus: "Failed",
      Result: JSON.stringify(message),
      Details: details,
      ...(failureDetails ? { FailureDetails: failureDetails } : {}),
    }),
  );
  record.status = "Failed";
  record.output = JSON.stringify(message);
}

/**
 * ExecutionTerminated ends the instance without running user code: status Terminated, output =
 * reason; queued messages are dropped (Learn "HTTP API reference" for Durable Functions, terminate).
 */
function commitTermination(
  hub: TaskHub,
  record: InstanceRecord,
  terminated: ExecutionTerminatedEvent,
  delivered: readonly HistoryEvent[],
  now: number,
  [started, completed]: readonly [HistoryEvent, HistoryEvent],
): void {
  const reason = terminated.Input ?? "";
  const executionStarted = delivered.filter((event) => event.EventType === HistoryEventType.ExecutionStarted);
  record.history.push(
    started,
    ...executionStarted,
    terminated,
    historyEvent<ExecutionCompletedEvent>(now, {
      EventType: HistoryEventType.ExecutionCompleted,
      OrchestrationStatus: "Terminated",
      Result: JSON.stringify(reason),
      Details: null,
    }),
    completed,
  );
  record.inbox = [];
  record.held = [];
  record.status = "Terminated";
  record.output = JSON.stringify(reason);
  record.lastUpdatedAt = now;
  hub.changed(record);
  hub.finished(record);
}

/**
 * continueAsNew: a new execution id, the history reset, ExecutionStarted with the new input queued
 * first; the status reads ContinuedAsNew until the new execution's first episode commits.
 */
function startNextExecution(hub: TaskHub, record: InstanceRecord, input: string, now: number): void {
  const previousExecutionId = record.executionId;
  record.executionId = hub.newExecutionId(record);
  record.executions += 1;
  record.history = [];
  record.input = input;
  record.output = null;
  record.customStatus = null;
  record.status = "ContinuedAsNew";
  record.createdAt = now;
  record.inbox.unshift(
    historyEvent<ExecutionStartedEvent>(now, {
      EventType: HistoryEventType.ExecutionStarted,
      Name: record.name,
      Input: input,
      Version: record.version,
      OrchestrationInstance: { InstanceId: record.instanceId, ExecutionId: record.executionId },
      ...(record.parent
        ? {
            ParentInstance: {
              Name: record.parent.name,
              Version: "",
              TaskScheduleId: record.parent.taskScheduledId,
              OrchestrationInstance: {
                InstanceId: record.parent.instanceId,
                ExecutionId: record.parent.executionId,
              },
            },
          }
        : {}),
    }),
  );
  hub.retireExecution(record.instanceId, previousExecutionId);
}

/** After a commit: listeners, parent report for a finished instance, the next episode, the kill point. */
function settle(hub: TaskHub, record: InstanceRecord, generation: number): void {
  hub.changed(record);
  if (isTerminal(record.status)) hub.finished(record);
  else if (record.inbox.length > 0) hub.wake(record.instanceId);
  hub.reachedKillPoint({ kind: "episodeCommitted", instanceId: record.instanceId }, generation);
}
