// Which queued messages one episode takes, as this engine decides it: messages are processed in arrival
// order; ExecutionTerminated ends the instance and drops the rest; while the instance is suspended
// every message but resume/terminate is held and delivered, in order, after ExecutionResumed.
import type { ExecutionTerminatedEvent, HistoryEvent } from "../history/historyEvent";
import { HistoryEventType } from "../history/historyEventType";

export interface InboxBatch {
  /** Events for this episode's history, in order: delivered messages and suspend/resume markers. */
  readonly events: readonly HistoryEvent[];
  /** True when `events` holds something for the orchestrator (not just suspend/resume markers). */
  readonly deliversWork: boolean;
  readonly terminated: ExecutionTerminatedEvent | undefined;
  /** Whether the instance is suspended once the batch is applied. */
  readonly suspended: boolean;
  /** Messages still held after the batch. */
  readonly held: readonly HistoryEvent[];
}

export function takeBatch(
  held: readonly HistoryEvent[],
  inbox: readonly HistoryEvent[],
  suspendedBefore: boolean,
): InboxBatch {
  const events: HistoryEvent[] = [];
  let waiting = [...held];
  let suspended = suspendedBefore;
  let deliversWork = false;
  for (const message of inbox) {
    switch (message.EventType) {
      case HistoryEventType.ExecutionTerminated:
        return { events, deliversWork, terminated: message, suspended, held: [] };
      case HistoryEventType.ExecutionSuspended:
        if (!suspended) {
          suspended = true;
          events.push(message);
        }
        break;
      case HistoryEventType.ExecutionResumed:
        if (suspended) {
          suspended = false;
          events.push(message, ...waiting);
          deliversWork ||= waiting.length > 0;
          waiting = [];
        }
        break;
      default:
        if (suspended) {
          waiting.push(message);
        } else {
          events.push(message);
          deliversWork = true;
        }
    }
  }
  return { events, deliversWork, terminated: undefined, suspended, held: waiting };
}
