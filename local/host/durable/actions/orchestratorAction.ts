// The actions an orchestrator returns in its OrchestratorState, as durable-functions 3.x serialises
// them (Azure/azure-functions-durable-js src/actions, src/orchestrations/OrchestratorState.ts). The
// list is cumulative: every action yielded since the execution started, in yield order.

export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  CallEntity = 7,
  CallHttp = 8,
  SignalEntity = 9,
  ScheduledSignalEntity = 10,
  WhenAny = 11,
  WhenAll = 12,
  LockEntities = 13,
  ReleaseEntities = 14,
}

/** `RetryOptions` as JSON (durable-functions src/RetryOptions.ts): the last three only when set. */
export interface RetryOptionsWire {
  readonly firstRetryIntervalInMilliseconds: number;
  readonly maxNumberOfAttempts: number;
  readonly backoffCoefficient?: number;
  readonly maxRetryIntervalInMilliseconds?: number;
  readonly retryTimeoutInMilliseconds?: number;
}

export interface CallActivityAction {
  readonly actionType: ActionType.CallActivity;
  readonly functionName: string;
  /** Already `Utils.processInput`-ed: string inputs arrive as JSON text of the string. */
  readonly input?: unknown;
}

export interface CallActivityWithRetryAction {
  readonly actionType: ActionType.CallActivityWithRetry;
  readonly functionName: string;
  readonly input?: unknown;
  readonly retryOptions: RetryOptionsWire;
}

export interface CallSubOrchestratorAction {
  readonly actionType: ActionType.CallSubOrchestrator;
  readonly functionName: string;
  readonly instanceId?: string;
  /** Not processInput-ed (durable-js 3.x, issue #436). */
  readonly input?: unknown;
  readonly version?: string;
}

export interface CallSubOrchestratorWithRetryAction {
  readonly actionType: ActionType.CallSubOrchestratorWithRetry;
  readonly functionName: string;
  readonly instanceId?: string;
  readonly input?: unknown;
  readonly version?: string;
  readonly retryOptions: RetryOptionsWire;
}

export interface ContinueAsNewAction {
  readonly actionType: ActionType.ContinueAsNew;
  readonly input?: unknown;
}

export interface CreateTimerAction {
  readonly actionType: ActionType.CreateTimer;
  /** The final fire time, even for long timers the library splits (durable-functions LongTimerTask). */
  readonly fireAt: string;
  readonly isCanceled: boolean;
}

export interface WaitForExternalEventAction {
  readonly actionType: ActionType.WaitForExternalEvent;
  readonly externalEventName: string;
  readonly reason?: string;
}

export interface WhenAnyAction {
  readonly actionType: ActionType.WhenAny;
  readonly compoundActions: readonly OrchestratorAction[];
}

export interface WhenAllAction {
  readonly actionType: ActionType.WhenAll;
  readonly compoundActions: readonly OrchestratorAction[];
}

/** Entity and HTTP actions: recognised so the host can refuse them with a clear message. */
export interface UnsupportedAction {
  readonly actionType:
    | ActionType.CallEntity
    | ActionType.CallHttp
    | ActionType.SignalEntity
    | ActionType.ScheduledSignalEntity
    | ActionType.LockEntities
    | ActionType.ReleaseEntities;
}

export type OrchestratorAction =
  | CallActivityAction
  | CallActivityWithRetryAction
  | CallSubOrchestratorAction
  | CallSubOrchestratorWithRetryAction
  | ContinueAsNewAction
  | CreateTimerAction
  | WaitForExternalEventAction
  | WhenAnyAction
  | WhenAllAction
  | UnsupportedAction;

/** The ContinueAsNew action among the top-level actions, if the orchestrator called continueAsNew. */
export function findContinueAsNew(actions: readonly OrchestratorAction[]): ContinueAsNewAction | undefined {
  return actions.find(
    (action): action is ContinueAsNewAction => action.actionType === ActionType.ContinueAsNew,
  );
}
