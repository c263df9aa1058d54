// The orchestration trigger payload, as the extension's OrchestrationContextToString builds it and
// durable-functions reads it (Azure/azure-functions-durable-js
// src/orchestrations/DurableOrchestrationBindingInfo.ts, Orchestrator.ts). Schema V3
// (`upperSchemaVersionNew: 2`, src/orchestrations/ReplaySchema.ts): the library drives long timers
// and expects the timing strings; V4 would let orchestrators lock entities, and this host has no
// entities.
import type { HistoryEvent } from "../history/historyEvent";
import { HistoryEventType } from "../history/historyEventType";

export interface OrchestrationBindingInfo {
  readonly history: readonly HistoryEvent[];
  readonly input: unknown;
  readonly instanceId: string;
  readonly isReplaying: boolean;
  readonly parentInstanceId: string | null;
  readonly upperSchemaVersion: 1;
  readonly upperSchemaVersionNew: 2;
  readonly longRunningTimerIntervalDuration: string;
  readonly maximumShortTimerDuration: string;
  readonly defaultHttpAsyncRequestSleepTimeMillseconds: number;
}

export interface BindingInfoRequest {
  readonly instanceId: string;
  readonly parentInstanceId: string | undefined;
  /** Events of earlier episodes of this execution. */
  readonly pastEvents: readonly HistoryEvent[];
  /** This episode's OrchestratorStarted followed by its new events. */
  readonly newEvents: readonly HistoryEvent[];
  readonly longRunningTimerInterval: string;
  readonly maximumShortTimer: string;
}

export function buildBindingInfo(request: BindingInfoRequest): OrchestrationBindingInfo {
  // The library computes isReplaying itself from the position of the last OrchestratorStarted
  // and the IsPlayed flags (TaskOrchestrationExecutor in durable-functions), so earlier episodes
  // must carry IsPlayed: true.
  const history = [
    ...request.pastEvents.map((event) => ({ ...event, IsPlayed: true })),
    ...request.newEvents.map((event) => ({ ...event, IsPlayed: false })),
  ];
  return {
    history,
    input: executionInput(history),
    instanceId: request.instanceId,
    isReplaying: request.pastEvents.length > 0,
    parentInstanceId: request.parentInstanceId ?? null,
    upperSchemaVersion: 1,
    upperSchemaVersionNew: 2,
    longRunningTimerIntervalDuration: request.longRunningTimerInterval,
    maximumShortTimerDuration: request.maximumShortTimer,
    defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
  };
}

/** `input` is the parsed ExecutionStarted input (a JToken in the extension), null when absent. */
function executionInput(history: readonly HistoryEvent[]): unknown {
  const started = history.find((event) => event.EventType === HistoryEventType.ExecutionStarted);
  if (started?.EventType !== HistoryEventType.ExecutionStarted || started.Input == null) return null;
  return JSON.parse(started.Input) as unknown;
}
