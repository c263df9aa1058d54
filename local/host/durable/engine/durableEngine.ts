// The local stand-in for the Durable Task extension, for running and testing the app without
// Azure: an instance store, one
// episode at a time per instance, activities and orchestrations under host.json-style limits,
// durable timers on the injected clock, the management API and the durable client payload, plus
// a test API — run until idle on virtual time, wait for an instance, and crash()/restart() to
// check that a workflow survives losing everything that was in flight.
import { createHash, randomUUID } from "node:crypto";

import type { Clock } from "../../../clock";
import { parseTimeSpan } from "../../../timeSpan";
import type { DurableEndpoints, FunctionInvoker, ManagementRequest, ManagementResponse } from "../../types";
import { invokeActivity } from "../activities/activityInvocation";
import type {
  ExecutionCompletedEvent,
  HistoryEvent,
  SchedulingEvent,
  SubOrchestrationInstanceCompletedEvent,
  SubOrchestrationInstanceCreatedEvent,
  SubOrchestrationInstanceFailedEvent,
  TaskCompletedEvent,
  TaskFailedEvent,
  TaskScheduledEvent,
  TimerCreatedEvent,
  TimerFiredEvent,
} from "../history/historyEvent";
import { historyEvent } from "../history/historyEvent";
import { HistoryEventType } from "../history/historyEventType";
import { durableClientPayload } from "../management/clientPayload";
import type { InstanceFilter } from "../management/instanceQuery";
import { matchesFilter } from "../management/instanceQuery";
import type { InstanceStatus, StatusOptions } from "../management/instanceStatus";
import { instanceStatus } from "../management/instanceStatus";
import type { ManagementOperations } from "../management/managementApi";
import { handleManagementRequest } from "../management/managementApi";
import { rpcPath, trimSlash } from "../management/webhookUrls";
import type { FunctionCatalog } from "../orchestrator/functionCatalog";
import { functionCatalog } from "../orchestrator/functionCatalog";
import type { InstanceRecord, ParentLink, RuntimeStatus } from "../store/instanceRecord";
import { isTerminal, terminalStatuses } from "../store/instanceRecord";
import type { InstanceStore } from "../store/instanceStore";
import { createInstanceStore } from "../store/instanceStore";
import { DurableTimers } from "../timers/durableTimers";
import { DurableApiError } from "./durableApiError";
import { runEpisode } from "./episodeRunner";
import type { IdleOptions, IdleTarget } from "./idleDriver";
import { driveUntil, isSteppable } from "./idleDriver";
import {
  purgeInstance,
  raiseEvent,
  resumeInstance,
  rewindInstance,
  startInstance,
  suspendInstance,
  terminateInstance,
} from "./instanceLifecycle";
import { outstandingWork } from "./outstandingWork";
import type { KillPoint, TaskHub, TimerSettings } from "./taskHub";
import type { WorkLimits } from "./workScheduler";
import { WorkScheduler } from "./workScheduler";

export interface DurableEngineOptions {
  readonly invoker: FunctionInvoker;
  /** Every durable timer runs on this clock. */
  readonly clock: Clock;
  /** Default "TestHubName", the extension's default hub name. */
  readonly taskHubName?: string;
  /** A store to continue from (e.g. rebuilt from a snapshot); a fresh one by default. */
  readonly store?: InstanceStore;
  /** host.json maxConcurrentActivityFunctions / maxConcurrentOrchestratorFunctions; default 10 each. */
  readonly concurrency?: Partial<WorkLimits>;
  /** TimeSpan text; Azure Storage's values by default ("6.00:00:00", "3.00:00:00"). */
  readonly maxShortTimer?: string;
  readonly longTimerInterval?: string;
  /** Origin of the host, e.g. "http://127.0.0.1:7071"; a function when the port is known late. */
  readonly baseUrl: string | (() => string);
  /** The loopback RPC base the durable client calls; default `${baseUrl}/durabletask/`. */
  readonly rpcBaseUrl?: string | (() => string);
  /** Value of `code=` in the webhook URLs (the extension's system key); default "local". */
  readonly systemKey?: string;
  /** Instance ids for starts that name none; default a GUID without dashes, as the extension makes. */
  readonly newInstanceId?: () => string;
  /** Fault hook: runs at every kill point; calling crash() inside it simulates a host crash there. */
  readonly onKillPoint?: (point: KillPoint) => void;
  /** Where the engine reports its own failures (a bug, not an orchestration failure). */
  readonly log?: (message: string) => void;
}

export interface WaitOptions extends IdleOptions {
  /** Real-clock only: give up after this many milliseconds (default 30 s). */
  readonly timeoutMs?: number;
}

export interface DurableEngine extends DurableEndpoints {
  readonly taskHubName: string;
  readonly store: InstanceStore;
  /** Starts an orchestration; returns its instance id. */
  start(name: string, input?: unknown, instanceId?: string, options?: { readonly version?: string }): string;
  getStatus(instanceId: string, options?: StatusOptions): InstanceStatus | undefined;
  /** Matching instances, oldest first; inputs shown unless `showInput: false`. */
  list(filter?: InstanceFilter, options?: StatusOptions): readonly InstanceStatus[];
  /** The current execution's raw history (wire shape). */
  history(instanceId: string): readonly HistoryEvent[];
  raiseEvent(instanceId: string, eventName: string, data?: unknown): void;
  terminate(instanceId: string, reason?: string): void;
  suspend(instanceId: string, reason?: string): void;
  resume(instanceId: string, reason?: string): void;
  rewind(instanceId: string, reason?: string): void;
  /** Deletes the instance and its history; false when there was none. */
  purge(instanceId: string): boolean;
  purgeBy(filter: InstanceFilter): number;
  /**
   * Calls `listener` after every change of an instance (status, custom status, history) — for
   * progress displays. Returns the function that unsubscribes it.
   */
  onInstanceChanged(listener: (status: InstanceStatus) => void): () => void;
  /** Runs until the instance has one of `statuses` (default: a terminal one). */
  waitForInstance(
    instanceId: string,
    statuses?: readonly RuntimeStatus[],
    options?: WaitOptions,
  ): Promise<InstanceStatus>;
  /** Runs all work; on a virtual clock jumps to the next timer whenever nothing else is runnable. */
  runUntilIdle(options?: IdleOptions): Promise<void>;
  /** Like runUntilIdle, but stops as soon as `until()` holds; true when it did. */
  runUntil(until: () => boolean, options?: IdleOptions): Promise<boolean>;
  /** Simulated host crash: in-flight results, queues and armed timers are lost; the store survives. */
  crash(): void;
  /** Comes back from the store: re-dispatches unfinished activities, re-arms timers, wakes instances. */
  restart(): void;
  /** Stops all work and timers for good (test teardown, host shutdown). */
  stop(): void;
}

interface ActivityWork {
  readonly instanceId: string;
  readonly executionId: string;
  readonly taskId: number;
  readonly name: string;
  readonly input: string | null;
}

export function createDurableEngine(options: DurableEngineOptions): DurableEngine {
  return new LocalDurableEngine(options);
}

class LocalDurableEngine implements DurableEngine {
  readonly taskHubName: string;
  readonly store: InstanceStore;
  private readonly clock: Clock;
  private readonly catalog: FunctionCatalog;
  private readonly hub: TaskHub;
  private readonly scheduler: WorkScheduler<ActivityWork>;
  private readonly timers: DurableTimers;
  private readonly dispatchedActivities = new Set<string>();
  private readonly listeners = new Set<(record: InstanceRecord) => void>();
  private timerWaiters: (() => void)[] = [];
  private readonly management: ManagementOperations;
  private readonly log: (message: string) => void;

  constructor(private readonly options: DurableEngineOptions) {
    this.taskHubName = options.taskHubName ?? options.store?.taskHubName ?? "TestHubName";
    this.store = options.store ?? createInstanceStore(this.taskHubName);
    if (this.store.taskHubName !== this.taskHubName) {
      throw new Error(`The store belongs to task hub '${this.store.taskHubName}', not '${this.taskHubName}'`);
    }
    this.clock = options.clock;
    this.catalog = functionCatalog(options.invoker);
    this.log = options.log ?? ((message) => console.error(message));
    this.timers = new DurableTimers(this.clock);
    const timerSettings = timerSettingsFrom(options);
    this.scheduler = new WorkScheduler<ActivityWork>(
      {
        orchestrations: options.concurrency?.orchestrations ?? 10,
        activities: options.concurrency?.activities ?? 10,
      },
      {
        runEpisode: (instanceId, generation) => runEpisode(this.hub, instanceId, generation),
        runActivity: (work, generation) => this.runActivity(work, generation),
        onError: (error) =>
          this.log(
            `durable engine: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          ),
      },
    );
    this.hub = {
      store: this.store,
      clock: this.clock,
      invoker: options.invoker,
      catalog: this.catalog,
      timers: timerSettings,
      isCurrent: (generation) => this.scheduler.isCurrent(generation),
      reachedKillPoint: (point, generation) => this.reachedKillPoint(point, generation),
      wake: (instanceId) => this.scheduler.wakeInstance(instanceId),
      dispatch: (record, events) => this.dispatch(record, events),
      finished: (record) => this.finished(record),
      retireExecution: (instanceId, executionId) => this.timers.cancel(instanceId, executionId),
      changed: (record) => this.changed(record),
      newExecutionId: (record) => this.newExecutionId(record),
    };
    this.management = this.managementOperations();
    this.recover();
  }

  // ---- test API -------------------------------------------------------------------------------

  start(
    name: string,
    input?: unknown,
    instanceId?: string,
    options: { readonly version?: string } = {},
  ): string {
    const id = instanceId ?? this.newInstanceId();
    startInstance(this.hub, {
      name,
      input: input === undefined ? null : JSON.stringify(input),
      instanceId: id,
      ...(options.version !== undefined ? { version: options.version } : {}),
    });
    return id;
  }

  getStatus(instanceId: string, options?: StatusOptions): InstanceStatus | undefined {
    const record = this.store.get(instanceId);
    return record ? instanceStatus(record, options) : undefined;
  }

  list(filter: InstanceFilter = {}, options?: StatusOptions): readonly InstanceStatus[] {
    return this.store
      .all()
      .filter((record) => matchesFilter(record, filter))
      .map((record) => instanceStatus(record, options));
  }

  history(instanceId: string): readonly HistoryEvent[] {
    return [...(this.store.get(instanceId)?.history ?? [])];
  }

  raiseEvent(instanceId: string, eventName: string, data?: unknown): void {
    raiseEvent(this.hub, instanceId, eventName, data === undefined ? null : JSON.stringify(data));
  }

  terminate(instanceId: string, reason?: string): void {
    terminateInstance(this.hub, instanceId, reason ?? null);
  }

  suspend(instanceId: string, reason?: string): void {
    suspendInstance(this.hub, instanceId, reason ?? null);
  }

  resume(instanceId: string, reason?: string): void {
    resumeInstance(this.hub, instanceId, reason ?? null);
  }

  rewind(instanceId: string, reason?: string): void {
    rewindInstance(this.hub, instanceId, reason ?? null);
  }

  purge(instanceId: string): boolean {
    return purgeInstance(this.hub, instanceId);
  }

  purgeBy(filter: InstanceFilter): number {
    const doomed = this.store.all().filter((record) => matchesFilter(record, filter));
    for (const record of doomed) purgeInstance(this.hub, record.instanceId);
    return doomed.length;
  }

  onInstanceChanged(listener: (status: InstanceStatus) => void): () => void {
    const forward = (record: InstanceRecord) => listener(instanceStatus(record));
    this.listeners.add(forward);
    return () => this.listeners.delete(forward);
  }

  async waitForInstance(
    instanceId: string,
    statuses: readonly RuntimeStatus[] = terminalStatuses,
    options: WaitOptions = {},
  ): Promise<InstanceStatus> {
    let seen = false;
    const current = () => this.store.get(instanceId);
    const matches = () => {
      const record = current();
      return seen || (record !== undefined && statuses.includes(record.status));
    };
    const listener = (record: InstanceRecord) => {
      if (record.instanceId === instanceId && statuses.includes(record.status)) seen = true;
    };
    this.listeners.add(listener);
    try {
      const reached = isSteppable(this.clock)
        ? await driveUntil(this.clock, this.idleTarget(), matches, options)
        : await this.waitInRealTime(matches, options.timeoutMs ?? 30_000);
      const record = current();
      if (!reached || !record) {
        throw new Error(
          `Instance '${instanceId}' is ${record ? record.status : "not there"} and nothing is left to run ` +
            `(waited for ${statuses.join("/")})`,
        );
      }
      return instanceStatus(record);
    } finally {
      this.listeners.delete(listener);
    }
  }

  async runUntilIdle(options?: IdleOptions): Promise<void> {
    await driveUntil(this.clock, this.idleTarget(), () => false, options);
  }

  runUntil(until: () => boolean, options?: IdleOptions): Promise<boolean> {
    return driveUntil(this.clock, this.idleTarget(), until, options);
  }

  crash(): void {
    this.scheduler.stop();
    this.timers.cancelAll();
    this.dispatchedActivities.clear();
  }

  restart(): void {
    this.scheduler.start();
    this.recover();
  }

  stop(): void {
    this.crash();
    this.wakeTimerWaiters();
  }

  // ---- DurableEndpoints -----------------------------------------------------------------------

  clientPayload(): Record<string, unknown> {
    const baseUrl = resolveUrl(this.options.baseUrl);
    const rpcBaseUrl = this.options.rpcBaseUrl
      ? resolveUrl(this.options.rpcBaseUrl)
      : `${trimSlash(baseUrl)}${rpcPath}`;
    return durableClientPayload(baseUrl, rpcBaseUrl, this.management.settings);
  }

  handleManagementRequest(request: ManagementRequest): Promise<ManagementResponse | undefined> {
    return handleManagementRequest(this.management, request);
  }

  // ---- the extension's side -------------------------------------------------------------------

  /** Re-derives the volatile state from the store (construction and restart). */
  private recover(): void {
    for (const record of this.store.all()) {
      if (isTerminal(record.status)) continue;
      const work = outstandingWork(record);
      this.dispatch(record, [...work.activities, ...work.timers, ...work.subOrchestrations]);
      if (record.inbox.length > 0) this.scheduler.wakeInstance(record.instanceId);
    }
  }

  private reachedKillPoint(point: KillPoint, generation: number): boolean {
    if (!this.scheduler.isCurrent(generation)) return false;
    this.options.onKillPoint?.(point);
    return this.scheduler.isCurrent(generation);
  }

  private dispatch(record: InstanceRecord, events: readonly SchedulingEvent[]): void {
    for (const event of events) {
      switch (event.EventType) {
        case HistoryEventType.TaskScheduled:
          this.enqueueActivity(record, event);
          break;
        case HistoryEventType.TimerCreated:
          this.armTimer(record, event);
          break;
        case HistoryEventType.SubOrchestrationInstanceCreated:
          this.startSubOrchestration(record, event);
          break;
      }
    }
  }

  private enqueueActivity(record: InstanceRecord, scheduled: TaskScheduledEvent): void {
    const key = `${record.instanceId}\u0000${record.executionId}\u0000${scheduled.EventId}`;
    if (this.dispatchedActivities.has(key)) return;
    this.dispatchedActivities.add(key);
    this.scheduler.enqueueActivity({
      instanceId: record.instanceId,
      executionId: record.executionId,
      taskId: scheduled.EventId,
      name: scheduled.Name,
      input: scheduled.Input,
    });
  }

  private async runActivity(work: ActivityWork, generation: number): Promise<void> {
    const point = { instanceId: work.instanceId, name: work.name, taskId: work.taskId };
    if (!this.reachedKillPoint({ kind: "activityStarted", ...point }, generation)) return;
    const outcome = await invokeActivity(this.options.invoker, this.catalog, work.name, work.input);
    if (!this.reachedKillPoint({ kind: "activityFinished", ...point }, generation)) return;
    this.dispatchedActivities.delete(`${work.instanceId}\u0000${work.executionId}\u0000${work.taskId}`);
    const record = this.deliverableRecord(work.instanceId, work.executionId);
    if (!record) return;
    const now = this.clock.now();
    record.inbox.push(
      outcome.kind === "completed"
        ? historyEvent<TaskCompletedEvent>(now, {
            EventType: HistoryEventType.TaskCompleted,
            TaskScheduledId: work.taskId,
            Result: outcome.result,
          })
        : historyEvent<TaskFailedEvent>(now, {
            EventType: HistoryEventType.TaskFailed,
            TaskScheduledId: work.taskId,
            Reason: outcome.reason,
            Details: outcome.details,
            ...(outcome.failureDetails ? { FailureDetails: outcome.failureDetails } : {}),
          }),
    );
    this.scheduler.wakeInstance(record.instanceId);
  }

  /** The record a message for this execution can go to: gone, replaced or finished → none. */
  private deliverableRecord(instanceId: string, executionId: string): InstanceRecord | undefined {
    const record = this.store.get(instanceId);
    if (!record || record.executionId !== executionId || isTerminal(record.status)) return undefined;
    return record;
  }

  private armTimer(record: InstanceRecord, created: TimerCreatedEvent): void {
    const { instanceId, executionId } = record;
    const generation = this.scheduler.generation;
    this.timers.arm({ instanceId, executionId, timerId: created.EventId }, Date.parse(created.FireAt), () => {
      const target = this.deliverableRecord(instanceId, executionId);
      if (target) {
        target.inbox.push(
          historyEvent<TimerFiredEvent>(this.clock.now(), {
            EventType: HistoryEventType.TimerFired,
            TimerId: created.EventId,
            FireAt: created.FireAt,
          }),
        );
      }
      this.wakeTimerWaiters();
      if (!target) return;
      if (!this.reachedKillPoint({ kind: "timerFired", instanceId, timerId: created.EventId }, generation))
        return;
      this.scheduler.wakeInstance(instanceId);
    });
  }

  /**
   * SubOrchestrationInstanceCreated → the child's ExecutionStarted, in the same commit as the
   * parent's episode. A child that is already there for this parent (recovery) is left alone; an
   * id taken by another running instance fails the parent's task.
   */
  private startSubOrchestration(parent: InstanceRecord, created: SubOrchestrationInstanceCreatedEvent): void {
    const link: ParentLink = {
      instanceId: parent.instanceId,
      executionId: parent.executionId,
      name: parent.name,
      taskScheduledId: created.EventId,
    };
    const existing = this.store.get(created.InstanceId);
    if (
      existing?.parent &&
      existing.parent.instanceId === link.instanceId &&
      existing.parent.executionId === link.executionId &&
      existing.parent.taskScheduledId === link.taskScheduledId
    ) {
      return;
    }
    try {
      startInstance(this.hub, {
        name: created.Name,
        input: created.Input,
        instanceId: created.InstanceId,
        parent: link,
      });
    } catch (error) {
      if (!(error instanceof DurableApiError)) throw error;
      const reason =
        error.status === 409
          ? `An orchestration with instance ID '${created.InstanceId}' already exists.`
          : error.message;
      parent.inbox.push(
        historyEvent<SubOrchestrationInstanceFailedEvent>(this.clock.now(), {
          EventType: HistoryEventType.SubOrchestrationInstanceFailed,
          TaskScheduledId: created.EventId,
          Reason: reason,
          Details: reason,
        }),
      );
      this.scheduler.wakeInstance(parent.instanceId);
    }
  }

  /**
   * A finished sub-orchestration reports to its parent: Completed → SubOrchestrationInstanceCompleted
   * with the output; Failed or Terminated → SubOrchestrationInstanceFailed with the result as Reason
   * (DTFx's ProcessWorkflowCompletedTaskDecision).
   */
  private finished(record: InstanceRecord): void {
    this.timers.cancel(record.instanceId);
    const link = record.parent;
    if (!link) return;
    const parent = this.deliverableRecord(link.instanceId, link.executionId);
    if (!parent) return;
    const now = this.clock.now();
    if (record.status === "Completed") {
      parent.inbox.push(
        historyEvent<SubOrchestrationInstanceCompletedEvent>(now, {
          EventType: HistoryEventType.SubOrchestrationInstanceCompleted,
          TaskScheduledId: link.taskScheduledId,
          Result: record.output,
        }),
      );
    } else {
      const completion = [...record.history]
        .reverse()
        .find(
          (event): event is ExecutionCompletedEvent =>
            event.EventType === HistoryEventType.ExecutionCompleted,
        );
      const reason = record.output === null ? "" : String(JSON.parse(record.output));
      parent.inbox.push(
        historyEvent<SubOrchestrationInstanceFailedEvent>(now, {
          EventType: HistoryEventType.SubOrchestrationInstanceFailed,
          TaskScheduledId: link.taskScheduledId,
          Reason: reason,
          // A terminated child has no details (DTFx passes null); the library then cannot parse
          // the failure, exactly as against the real extension.
          Details: completion?.Details ?? null,
          ...(completion?.FailureDetails ? { FailureDetails: completion.FailureDetails } : {}),
        }),
      );
    }
    this.scheduler.wakeInstance(parent.instanceId);
  }

  private changed(record: InstanceRecord): void {
    for (const listener of this.listeners) listener(record);
  }

  /** Execution ids like DTFx's ("N" GUIDs), derived from the instance so runs repeat exactly. */
  private newExecutionId(record: InstanceRecord): string {
    return createHash("sha256")
      .update(
        `${this.taskHubName}\u0000${record.instanceId}\u0000${record.executions}\u0000${record.createdAt}`,
      )
      .digest("hex")
      .slice(0, 32);
  }

  private newInstanceId(): string {
    return this.options.newInstanceId?.() ?? randomUUID().replace(/-/g, "");
  }

  private idleTarget(): IdleTarget {
    return {
      whenIdle: () => this.scheduler.whenIdle(),
      // Activities asleep on the app's clock (an ARM retry on a VirtualClock) wait for a jump,
      // like durable timers: they neither keep the engine busy nor let it call itself done.
      isBusy: () => this.scheduler.active,
      hasDurableTimers: () => this.timers.size > 0 || this.scheduler.sleeping > 0,
      nextTimerFired: () => new Promise<void>((resolve) => this.timerWaiters.push(resolve)),
    };
  }

  private wakeTimerWaiters(): void {
    const waiters = this.timerWaiters;
    this.timerWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private waitInRealTime(matches: () => boolean, timeoutMs: number): Promise<boolean> {
    if (matches()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const listener = () => {
        if (!matches()) return;
        cleanup();
        resolve(true);
      };
      const timeout = setTimeout(() => {
        cleanup();
        resolve(false);
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timeout);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  private managementOperations(): ManagementOperations {
    return {
      settings: { taskHubName: this.taskHubName, systemKey: this.options.systemKey ?? "local" },
      start: (name, inputJson, instanceId, version) => {
        const id = instanceId ?? this.newInstanceId();
        startInstance(this.hub, { name, input: inputJson, instanceId: id, ...(version ? { version } : {}) });
        return id;
      },
      status: (instanceId, options) => this.getStatus(instanceId, options),
      query: (filter, options) => this.list(filter, options),
      raiseEvent: (instanceId, eventName, inputJson) =>
        raiseEvent(this.hub, instanceId, eventName, inputJson),
      terminate: (instanceId, reason) => terminateInstance(this.hub, instanceId, reason),
      suspend: (instanceId, reason) => suspendInstance(this.hub, instanceId, reason),
      resume: (instanceId, reason) => resumeInstance(this.hub, instanceId, reason),
      rewind: (instanceId, reason) => rewindInstance(this.hub, instanceId, reason),
      restart: (instanceId, newInstanceId) => {
        const record = this.store.get(instanceId);
        if (!record) throw new DurableApiError(404, `No instance with ID '${instanceId}' found.`);
        const id = newInstanceId ? this.newInstanceId() : instanceId;
        startInstance(this.hub, {
          name: record.name,
          input: record.input,
          instanceId: id,
          version: record.version,
        });
        return id;
      },
      purge: (instanceId) => purgeInstance(this.hub, instanceId),
      purgeBy: (filter) => this.purgeBy(filter),
    };
  }
}

function timerSettingsFrom(options: DurableEngineOptions): TimerSettings {
  const maximumShortTimer = options.maxShortTimer ?? "6.00:00:00";
  const longTimerInterval = options.longTimerInterval ?? "3.00:00:00";
  const settings = {
    maximumShortTimer,
    longTimerInterval,
    maximumShortTimerMs: parseTimeSpan(maximumShortTimer),
    longTimerIntervalMs: parseTimeSpan(longTimerInterval),
  };
  if (!(settings.longTimerIntervalMs > 0) || settings.longTimerIntervalMs > settings.maximumShortTimerMs) {
    throw new RangeError(
      "The long timer interval must be positive and no longer than the maximum short timer",
    );
  }
  return settings;
}

function resolveUrl(url: string | (() => string)): string {
  return typeof url === "function" ? url() : url;
}
