// Work a restart must resume, since the work queues are volatile (workScheduler.ts): every
// scheduling event of the current execution
// whose completion is neither in the history nor queued. The real extension gets the same
// at-least-once behaviour from its queues: an activity whose result was lost runs again.
import type {
  HistoryEvent,
  SubOrchestrationInstanceCreatedEvent,
  TaskScheduledEvent,
  TimerCreatedEvent,
} from "../history/historyEvent";
import { completedSequenceId, isCompletionEvent } from "../history/historyEvent";
import { HistoryEventType } from "../history/historyEventType";
import type { InstanceRecord } from "../store/instanceRecord";

export interface OutstandingWork {
  readonly activities: readonly TaskScheduledEvent[];
  readonly timers: readonly TimerCreatedEvent[];
  readonly subOrchestrations: readonly SubOrchestrationInstanceCreatedEvent[];
}

export function outstandingWork(record: InstanceRecord): OutstandingWork {
  const settled = new Set<number>();
  const all: readonly HistoryEvent[] = [...record.history, ...record.held, ...record.inbox];
  for (const event of all) if (isCompletionEvent(event)) settled.add(completedSequenceId(event));
  const open = <E extends HistoryEvent>(type: HistoryEventType) =>
    record.history.filter((event): event is E => event.EventType === type && !settled.has(event.EventId));
  return {
    activities: open<TaskScheduledEvent>(HistoryEventType.TaskScheduled),
    timers: open<TimerCreatedEvent>(HistoryEventType.TimerCreated),
    subOrchestrations: open<SubOrchestrationInstanceCreatedEvent>(
      HistoryEventType.SubOrchestrationInstanceCreated,
    ),
  };
}
