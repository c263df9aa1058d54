// DTFx `EventType` numbers, the values the durable-functions library switches on when it replays
// a history (Azure/durabletask src/DurableTask.Core/History/EventType.cs). The management API shows
// them by name (Learn "HTTP API reference" for Durable Functions, get instance status).

export enum HistoryEventType {
  ExecutionStarted = 0,
  ExecutionCompleted = 1,
  ExecutionFailed = 2,
  ExecutionTerminated = 3,
  TaskScheduled = 4,
  TaskCompleted = 5,
  TaskFailed = 6,
  SubOrchestrationInstanceCreated = 7,
  SubOrchestrationInstanceCompleted = 8,
  SubOrchestrationInstanceFailed = 9,
  TimerCreated = 10,
  TimerFired = 11,
  OrchestratorStarted = 12,
  OrchestratorCompleted = 13,
  EventSent = 14,
  EventRaised = 15,
  ContinueAsNew = 16,
  GenericEvent = 17,
  HistoryState = 18,
  ExecutionSuspended = 19,
  ExecutionResumed = 20,
}

/** The DTFx name of an event type, as the status API's `historyEvents` rows carry it. */
export function historyEventTypeName(type: HistoryEventType): string {
  return HistoryEventType[type] ?? String(type);
}
