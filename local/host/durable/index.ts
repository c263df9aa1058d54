// The local host's Durable engine: the stand-in for the Durable Task extension, so the app's
// orchestrations run in this process on an injected clock, with no storage account behind them.
export { formatTimeSpan, parseTimeSpan } from "../../timeSpan";
export type { OrchestratorAction, RetryOptionsWire } from "./actions/orchestratorAction";
export { ActionType } from "./actions/orchestratorAction";
export type { RetryPolicy } from "./actions/retryPolicy";
export { nextRetryDelay, retryPolicyFromWire } from "./actions/retryPolicy";
export type { ActivityOutcome } from "./activities/activityInvocation";
export { DurableApiError } from "./engine/durableApiError";
export type { DurableEngine, DurableEngineOptions, WaitOptions } from "./engine/durableEngine";
export { createDurableEngine } from "./engine/durableEngine";
export { durableEngineFactory } from "./engine/durableEngineFactory";
export type { IdleOptions } from "./engine/idleDriver";
export type { KillPoint } from "./engine/taskHub";
export type { HistoryEvent } from "./history/historyEvent";
export { HistoryEventType, historyEventTypeName } from "./history/historyEventType";
export type { InstanceFilter } from "./management/instanceQuery";
export type { InstanceStatus, StatusOptions } from "./management/instanceStatus";
export type { EpisodePlan, EpisodePlanRequest, PlanFailure } from "./replay/episodePlan";
export { planEpisode } from "./replay/episodePlan";
export type { InstanceRecord, RuntimeStatus } from "./store/instanceRecord";
export { isTerminal, terminalStatuses } from "./store/instanceRecord";
export type { InstanceStore, InstanceStoreSnapshot } from "./store/instanceStore";
export { createInstanceStore } from "./store/instanceStore";
