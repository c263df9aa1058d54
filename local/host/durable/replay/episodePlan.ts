// Plans one episode the way the extension replays an OrchestratorState
// (Azure/azure-functions-durable-extension OutOfProcOrchestrationShim.ProcessAsyncActionsV2): the
// C# shim invokes the (cumulative) actions in order, awaiting each top-level action before invoking
// the next, while DTFx replays the history event by event. Sequence ids are therefore allocated in
// lockstep with the history — first ids when an action is invoked, follow-ups when the event that
// triggers them is processed — never by numbering the action list statically.
//
// While walking, every past scheduling event is checked against what the replay scheduled under the
// same id (DTFx's nondeterminism check, NonDeterministicOrchestrationException). Ids allocated but
// not yet in the history at the end of the walk are the episode's new scheduling events.
import type { OrchestratorAction } from "../actions/orchestratorAction";
import { ActionType } from "../actions/orchestratorAction";
import { retryPolicyFromWire } from "../actions/retryPolicy";
import type {
  CompletionEvent,
  HistoryEvent,
  SchedulingEvent,
  SubOrchestrationInstanceCreatedEvent,
  TaskScheduledEvent,
  TimerCreatedEvent,
} from "../history/historyEvent";
import { completedSequenceId, historyEvent, isCompletionEvent, isoTimestamp } from "../history/historyEvent";
import { HistoryEventType } from "../history/historyEventType";
import type { FunctionCatalog } from "../orchestrator/functionCatalog";
import type { AttemptScheduler, Awaitable, SequenceScheduler } from "./awaitables";
import {
  AllOf,
  AnyOf,
  DurableTimer,
  ExternalEventWait,
  RetryingTask,
  Settled,
  SingleTask,
  Stalled,
} from "./awaitables";
import type { ScheduledKind } from "./nondeterminism";
import { kindMismatchMessage, missingScheduleMessage, nameMismatchMessage } from "./nondeterminism";

export interface EpisodePlanRequest {
  readonly orchestratorName: string;
  readonly instanceId: string;
  readonly parentInstanceId: string | undefined;
  readonly executionId: string;
  /** `state.actions[0]`: every action yielded since the execution started. */
  readonly actions: readonly OrchestratorAction[];
  /** Past events, then this episode's OrchestratorStarted and new events. */
  readonly history: readonly HistoryEvent[];
  readonly maximumShortTimerMs: number;
  readonly longTimerIntervalMs: number;
  readonly catalog: FunctionCatalog;
}

export type PlanFailureKind = "nondeterminism" | "unknownFunction" | "unsupportedAction" | "invalidAction";

export interface PlanFailure {
  readonly kind: PlanFailureKind;
  /** The text the instance fails with. */
  readonly message: string;
}

export interface EpisodePlan {
  /** TaskScheduled / TimerCreated / SubOrchestrationInstanceCreated to append, in id order. */
  readonly newEvents: readonly SchedulingEvent[];
  readonly failure: PlanFailure | undefined;
}

export function planEpisode(request: EpisodePlanRequest): EpisodePlan {
  const walk = new ReplayWalk(request);
  walk.run();
  return walk.result();
}

interface PendingSchedule {
  readonly kind: ScheduledKind;
  readonly name: string;
  readonly event: SchedulingEvent;
}

class ReplayWalk implements SequenceScheduler {
  now = 0;
  readonly maximumShortTimerMs: number;
  readonly longTimerIntervalMs: number;
  private nextSequenceId = 0;
  private nextActionIndex = 0;
  private current: Awaitable | undefined;
  private started = false;
  private failure: PlanFailure | undefined;
  /** DTFx orchestratorActionsMap: ids the replay allocated whose scheduling event is not in the history yet. */
  private readonly pending = new Map<number, PendingSchedule>();
  /** DTFx openTasks: ids waiting for their completion. */
  private readonly open = new Map<number, (event: CompletionEvent) => void>();
  /** The extension keeps event waiters on a stack per name (so an abandoned Task.any waiter is skipped) … */
  private readonly waiters = new Map<string, ExternalEventWait[]>();
  /** … and events nobody waits for yet in a FIFO buffer; names compare case-insensitively. */
  private readonly buffered = new Map<string, number>();

  constructor(private readonly request: EpisodePlanRequest) {
    this.maximumShortTimerMs = request.maximumShortTimerMs;
    this.longTimerIntervalMs = request.longTimerIntervalMs;
  }

  run(): void {
    for (const event of this.request.history) {
      if (this.failure) return;
      this.process(event);
      this.continueProgram();
    }
  }

  result(): EpisodePlan {
    if (this.failure) return { newEvents: [], failure: this.failure };
    const newEvents = [...this.pending.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry.event);
    return { newEvents, failure: undefined };
  }

  private process(event: HistoryEvent): void {
    switch (event.EventType) {
      case HistoryEventType.OrchestratorStarted:
        this.now = Date.parse(event.Timestamp);
        return;
      case HistoryEventType.ExecutionStarted:
        this.started = true;
        return;
      case HistoryEventType.TaskScheduled:
        this.matchScheduled(event, "activity", event.Name);
        return;
      case HistoryEventType.TimerCreated:
        this.matchScheduled(event, "timer", "");
        return;
      case HistoryEventType.SubOrchestrationInstanceCreated:
        this.matchScheduled(event, "subOrchestration", event.Name);
        return;
      case HistoryEventType.EventRaised:
        this.raise(event.Name);
        return;
      default:
        if (isCompletionEvent(event)) {
          const id = completedSequenceId(event);
          const settle = this.open.get(id);
          // A completion with no open task (a canceled timer firing, a duplicate) is ignored,
          // as DTFx logs and drops it.
          if (settle === undefined) return;
          this.open.delete(id);
          settle(event);
        }
    }
  }

  /** The shim's loop: invoke actions in order until one is still running. */
  private continueProgram(): void {
    if (!this.started) return;
    while (!this.failure && (this.current === undefined || this.current.done)) {
      const action = this.request.actions[this.nextActionIndex];
      if (action === undefined) {
        this.current = new Stalled();
        return;
      }
      this.nextActionIndex += 1;
      this.current = this.invoke(action);
    }
  }

  private matchScheduled(event: SchedulingEvent, kind: ScheduledKind, name: string): void {
    const scheduled = this.pending.get(event.EventId);
    if (scheduled === undefined) return this.fail("nondeterminism", missingScheduleMessage(event));
    if (scheduled.kind !== kind)
      return this.fail("nondeterminism", kindMismatchMessage(event, scheduled.kind));
    if (scheduled.name.toLowerCase() !== name.toLowerCase()) {
      return this.fail("nondeterminism", nameMismatchMessage(event, scheduled.name));
    }
    this.pending.delete(event.EventId);
  }

  private fail(kind: PlanFailureKind, message: string): void {
    this.failure ??= { kind, message };
  }

  private orchestratorFailed(kind: PlanFailureKind, message: string): Awaitable {
    this.fail(kind, `Orchestrator function '${this.request.orchestratorName}' failed: ${message}`);
    return new Stalled();
  }

  private invoke(action: OrchestratorAction): Awaitable {
    switch (action.actionType) {
      case ActionType.CallActivity:
        return this.activity(action.functionName, action.input, (schedule) => new SingleTask(schedule));
      case ActionType.CallActivityWithRetry: {
        const policy = retryPolicyFromWire(action.retryOptions);
        return this.activity(
          action.functionName,
          action.input,
          (schedule) => new RetryingTask(this, policy, schedule),
        );
      }
      case ActionType.CallSubOrchestrator:
        return this.subOrchestration(action.functionName, action.instanceId, action.input, (schedule) => {
          return new SingleTask(schedule);
        });
      case ActionType.CallSubOrchestratorWithRetry: {
        const policy = retryPolicyFromWire(action.retryOptions);
        return this.subOrchestration(action.functionName, action.instanceId, action.input, (schedule) => {
          return new RetryingTask(this, policy, schedule);
        });
      }
      case ActionType.ContinueAsNew:
        return new Settled();
      case ActionType.CreateTimer: {
        const fireAt = Date.parse(action.fireAt);
        if (Number.isNaN(fireAt)) {
          return this.orchestratorFailed(
            "invalidAction",
            `The timer fire time '${action.fireAt}' is not a date.`,
          );
        }
        return new DurableTimer(this, fireAt);
      }
      case ActionType.WaitForExternalEvent:
        return this.waitForEvent(action.externalEventName);
      case ActionType.WhenAll:
        return new AllOf(action.compoundActions.map((child) => this.invoke(child)));
      case ActionType.WhenAny:
        return new AnyOf(action.compoundActions.map((child) => this.invoke(child)));
      default:
        return this.orchestratorFailed(
          "unsupportedAction",
          `The local host does not support ${ActionType[action.actionType] ?? `action type ${String(action.actionType)}`} actions (durable entities and callHttp are not implemented).`,
        );
    }
  }

  private activity(name: string, input: unknown, task: (schedule: AttemptScheduler) => Awaitable): Awaitable {
    if (!this.request.catalog.activity(name)) {
      return this.orchestratorFailed("unknownFunction", this.request.catalog.unknownActivityMessage(name));
    }
    return task((onSettled) =>
      this.allocate("activity", name, onSettled, (id) =>
        historyEvent<TaskScheduledEvent>(this.now, {
          EventType: HistoryEventType.TaskScheduled,
          EventId: id,
          Name: name,
          Version: "",
          Input: JSON.stringify(input ?? null),
        }),
      ),
    );
  }

  private subOrchestration(
    name: string,
    instanceId: string | undefined,
    input: unknown,
    task: (schedule: AttemptScheduler) => Awaitable,
  ): Awaitable {
    if (!this.request.catalog.orchestrator(name)) {
      return this.orchestratorFailed(
        "unknownFunction",
        this.request.catalog.unknownOrchestratorMessage(name),
      );
    }
    const sameAs = (other: string | undefined) =>
      instanceId !== undefined && other !== undefined && instanceId.toLowerCase() === other.toLowerCase();
    if (sameAs(this.request.instanceId) || sameAs(this.request.parentInstanceId)) {
      return this.orchestratorFailed(
        "invalidAction",
        "The instance ID of a sub-orchestration must be different than the instance ID of a parent orchestration.",
      );
    }
    return task((onSettled) =>
      this.allocate("subOrchestration", name, onSettled, (id) =>
        historyEvent<SubOrchestrationInstanceCreatedEvent>(this.now, {
          EventType: HistoryEventType.SubOrchestrationInstanceCreated,
          EventId: id,
          Name: name,
          Version: "",
          // DTFx CreateSubOrchestrationInstanceCore: "<ExecutionId>:<sequence id>" when none is given.
          InstanceId: instanceId || `${this.request.executionId}:${id}`,
          Input: JSON.stringify(input ?? null),
        }),
      ),
    );
  }

  createTimer(fireAt: number, onFired: (() => void) | undefined): number {
    return this.allocate("timer", "", onFired, (id) =>
      historyEvent<TimerCreatedEvent>(this.now, {
        EventType: HistoryEventType.TimerCreated,
        EventId: id,
        FireAt: isoTimestamp(fireAt),
      }),
    );
  }

  private allocate(
    kind: ScheduledKind,
    name: string,
    onSettled: ((event: CompletionEvent) => void) | undefined,
    build: (id: number) => SchedulingEvent,
  ): number {
    const id = this.nextSequenceId++;
    this.pending.set(id, { kind, name, event: build(id) });
    if (onSettled) this.open.set(id, onSettled);
    return id;
  }

  private waitForEvent(name: string): Awaitable {
    const key = name.toLowerCase();
    const wait = new ExternalEventWait(name);
    const stack = this.waiters.get(key) ?? [];
    stack.push(wait);
    this.waiters.set(key, stack);
    const waiting = this.buffered.get(key) ?? 0;
    if (waiting > 0) {
      this.buffered.set(key, waiting - 1);
      this.raise(name);
    }
    return wait;
  }

  private raise(name: string): void {
    const key = name.toLowerCase();
    const wait = this.waiters.get(key)?.pop();
    if (wait) {
      wait.receive();
      return;
    }
    this.buffered.set(key, (this.buffered.get(key) ?? 0) + 1);
  }
}
