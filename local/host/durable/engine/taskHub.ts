// What the engine's parts share: the durable store, the clock, the app's functions, and the
// engine's hooks for the volatile side (waking instances, dispatching work, telling listeners).
import type { Clock } from "../../../clock";
import type { FunctionInvoker } from "../../types";
import type { SchedulingEvent } from "../history/historyEvent";
import type { FunctionCatalog } from "../orchestrator/functionCatalog";
import type { InstanceRecord } from "../store/instanceRecord";
import type { InstanceStore } from "../store/instanceStore";

export interface TimerSettings {
  /** TimeSpan text, as the binding info carries it (.NET's constant "c" format, see local/timeSpan.ts). */
  readonly maximumShortTimer: string;
  readonly longTimerInterval: string;
  readonly maximumShortTimerMs: number;
  readonly longTimerIntervalMs: number;
}

/**
 * The places a crash can hit while work is in flight. The fault hook runs at each; a crash()
 * inside it discards whatever the engine was about to do next.
 */
export type KillPoint =
  | { readonly kind: "episodeInvoked"; readonly instanceId: string }
  | { readonly kind: "episodeCommitted"; readonly instanceId: string }
  | {
      readonly kind: "activityStarted";
      readonly instanceId: string;
      readonly name: string;
      readonly taskId: number;
    }
  | {
      readonly kind: "activityFinished";
      readonly instanceId: string;
      readonly name: string;
      readonly taskId: number;
    }
  | { readonly kind: "timerFired"; readonly instanceId: string; readonly timerId: number };

export interface TaskHub {
  readonly store: InstanceStore;
  readonly clock: Clock;
  readonly invoker: FunctionInvoker;
  readonly catalog: FunctionCatalog;
  readonly timers: TimerSettings;
  /** False once a crash has happened since `generation` started. */
  isCurrent(generation: number): boolean;
  /** Runs the fault hook; returns whether the work of `generation` may go on. */
  reachedKillPoint(point: KillPoint, generation: number): boolean;
  wake(instanceId: string): void;
  /** Sends a committed episode's new scheduling events on: activities, timers, sub-orchestrations. */
  dispatch(record: InstanceRecord, events: readonly SchedulingEvent[]): void;
  /** The instance reached a terminal status: report to the parent, disarm its timers. */
  finished(record: InstanceRecord): void;
  /** An execution ended by continueAsNew: its timers will never matter again. */
  retireExecution(instanceId: string, executionId: string): void;
  /** The record changed (status, custom status, history). */
  changed(record: InstanceRecord): void;
  /** A fresh execution id for the record's next execution. */
  newExecutionId(record: InstanceRecord): string;
}
