// DTFx's NonDeterministicOrchestrationException messages (TaskOrchestrationContext.Handle*Event),
// word for word, so a local failure reads like the one Azure would report (Azure/durabletask
// src/DurableTask.Core/Exceptions/NonDeterministicOrchestrationException.cs, TaskOrchestrationContext.cs).
// Only sequence id, kind and name are compared — never inputs.
import type { SchedulingEvent } from "../history/historyEvent";
import { HistoryEventType } from "../history/historyEventType";

export type ScheduledKind = "activity" | "timer" | "subOrchestration";

const prefix = "Non-Deterministic workflow detected: ";
const question =
  "Was a change made to the orchestrator code after this instance had already started running?";

/** The C# action class DTFx names when the kinds differ. */
const actionClass: Record<ScheduledKind, string> = {
  activity: "ScheduleTaskOrchestratorAction",
  timer: "CreateTimerOrchestratorAction",
  subOrchestration: "CreateSubOrchestrationAction",
};

/** A past scheduling event whose sequence id the replay did not (yet) schedule. */
export function missingScheduleMessage(event: SchedulingEvent): string {
  const id = event.EventId;
  switch (event.EventType) {
    case HistoryEventType.TaskScheduled:
      return `${prefix}A previous execution of this orchestration scheduled an activity task with sequence ID ${id} and name '${event.Name}' (version '${event.Version}'), but the current replay execution hasn't (yet?) scheduled this task. ${question}`;
    case HistoryEventType.TimerCreated:
      return `${prefix}A previous execution of this orchestration scheduled a timer task with sequence number ${id} but the current replay execution hasn't (yet?) scheduled this task. ${question}`;
    case HistoryEventType.SubOrchestrationInstanceCreated:
      return `${prefix}A previous execution of this orchestration scheduled a sub-orchestration task with sequence ID ${id} and name '${event.Name}' (version '${event.Version}', instance ID '${event.InstanceId}'), but the current replay execution hasn't (yet?) scheduled this task. ${question}`;
  }
}

/** The replay scheduled something of another kind at the same sequence id. */
export function kindMismatchMessage(event: SchedulingEvent, replayed: ScheduledKind): string {
  const id = event.EventId;
  const produced = actionClass[replayed];
  switch (event.EventType) {
    case HistoryEventType.TaskScheduled:
      return `${prefix}A previous execution of this orchestration scheduled an activity task with sequence number ${id} named '${event.Name}', but the current orchestration replay instead produced a ${produced} action with this sequence number. ${question}`;
    case HistoryEventType.TimerCreated:
      // Sic: DTFx's text reads "named but".
      return `${prefix}A previous execution of this orchestration scheduled a timer task with sequence number ${id} named but the current orchestration replay instead produced a ${produced} action with this sequence number. ${question}`;
    case HistoryEventType.SubOrchestrationInstanceCreated:
      return `${prefix}A previous execution of this orchestration scheduled a sub-orchestration task with sequence ID ${id} and name '${event.Name}' (version '${event.Version}', instance ID '${event.InstanceId}'), but the current orchestration replay instead produced a ${produced} action at this sequence number. ${question}`;
  }
}

/** Same kind and id, different function name. */
export function nameMismatchMessage(event: SchedulingEvent, replayedName: string): string {
  const id = event.EventId;
  if (event.EventType === HistoryEventType.SubOrchestrationInstanceCreated) {
    return `${prefix}A previous execution of this orchestration scheduled a sub-orchestration task with sequence ID ${id} and name '${event.Name}' (version '${event.Version}', instance ID '${event.InstanceId}'), but the current orchestration replay instead scheduled a sub-orchestration task with name ${replayedName} at this sequence number. ${question}`;
  }
  const name = event.EventType === HistoryEventType.TaskScheduled ? event.Name : "";
  // Sic: two spaces before "Was", as in DTFx.
  return `${prefix}A previous execution of this orchestration scheduled an activity task with sequence number ${id} named '${name}', but the current orchestration replay instead scheduled an activity task named '${replayedName}' with this sequence number.  ${question}`;
}
