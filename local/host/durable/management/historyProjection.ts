// `historyEvents` of the status API (Learn "HTTP API reference" for Durable Functions, get instance
// status with showHistory; the extension's DurableClient history conversion):
// event types by name; scheduling rows and OrchestratorStarted/Completed removed; completions
// carry the scheduled function's name and time; results only with showHistoryOutput (parsed);
// inputs only with showInput; sequence bookkeeping fields dropped.
import type { HistoryEvent } from "../history/historyEvent";
import { HistoryEventType, historyEventTypeName } from "../history/historyEventType";

export interface HistoryProjectionOptions {
  readonly showHistoryOutput: boolean;
  readonly showInput: boolean;
}

const hiddenRows = new Set<HistoryEventType>([
  HistoryEventType.TaskScheduled,
  HistoryEventType.SubOrchestrationInstanceCreated,
  HistoryEventType.OrchestratorStarted,
  HistoryEventType.OrchestratorCompleted,
]);

const droppedFields = ["EventId", "IsPlayed", "TaskScheduledId", "TimerId", "Version"];

export function projectHistory(
  history: readonly HistoryEvent[],
  options: HistoryProjectionOptions,
): Record<string, unknown>[] {
  const scheduled = new Map<number, { name: string; timestamp: string; input: string | null }>();
  const rows: Record<string, unknown>[] = [];
  for (const event of history) {
    if (
      event.EventType === HistoryEventType.TaskScheduled ||
      event.EventType === HistoryEventType.SubOrchestrationInstanceCreated
    ) {
      scheduled.set(event.EventId, { name: event.Name, timestamp: event.Timestamp, input: event.Input });
    }
    if (hiddenRows.has(event.EventType)) continue;
    const row: Record<string, unknown> = { ...event, EventType: historyEventTypeName(event.EventType) };
    for (const field of droppedFields) delete row[field];
    switch (event.EventType) {
      case HistoryEventType.ExecutionStarted:
        row.FunctionName = event.Name;
        delete row.Name;
        delete row.OrchestrationInstance;
        delete row.ParentInstance;
        if (!options.showInput) delete row.Input;
        break;
      case HistoryEventType.ExecutionCompleted:
        // The host keeps the failure details for a parent's failure event; the API does not show them.
        delete row.Details;
        break;
      case HistoryEventType.TaskCompleted:
      case HistoryEventType.TaskFailed:
      case HistoryEventType.SubOrchestrationInstanceCompleted:
      case HistoryEventType.SubOrchestrationInstanceFailed: {
        const origin = scheduled.get(event.TaskScheduledId);
        if (origin) {
          row.FunctionName = origin.name;
          row.ScheduledTime = origin.timestamp;
          if (options.showInput) row.Input = origin.input;
        }
        break;
      }
      default:
        break;
    }
    if ("Result" in row) {
      if (options.showHistoryOutput) row.Result = parsedOrText(row.Result);
      else delete row.Result;
    }
    rows.push(row);
  }
  return rows;
}

function parsedOrText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
