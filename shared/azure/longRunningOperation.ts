// ARM's asynchronous operations, split so that no function ever waits: `begin…` functions return
// an OperationHandle (plain JSON, so it crosses a Durable activity boundary), and
// `readOperationStatus` makes exactly one GET on its monitor. The orchestrator does the waiting,
// with durable timers. Pattern per learn.microsoft.com "Track asynchronous Azure operations"
// (docs/azure-facts.md §10): prefer `Azure-AsyncOperation`, else `Location`; any status other than
// Succeeded/Failed/Canceled means running (HybridCompute reports `Queued` first, §1).
import { UnexpectedArmError } from "../errors";
import type { ArmContext } from "./armContext";
import { readArmErrorBody, retryAfterMs } from "./armErrors";
import { readObject, readProperties, readString } from "./armPayload";
import { type OperationState, operationStateOf } from "./azureStates";

export type MonitorKind =
  | "azure-asyncoperation"
  | "location"
  /**
   * No monitor header came back although the resource is not in a terminal state: poll the
   * resource itself (`monitorUrl` is its absolute URL with api-version) and read provisioningState.
   */
  | "provisioning-state";

export interface OperationHandle {
  /** The resource the operation acts on. */
  readonly resourceId: string;
  /** Absolute URL on the ARM endpoint; may be several KB of signed query string — never truncate. */
  readonly monitorUrl: string;
  readonly monitorKind: MonitorKind;
  /** The provider's suggested polling interval from the starting response. */
  readonly retryAfterSeconds?: number;
}

/**
 * What a PUT or DELETE that may run long answered: finished already, or running with a monitor to
 * poll. `done` means ARM has nothing left to do, not that it went well: a result may still say
 * `provisioningState: "Failed"`.
 */
export type OperationStart<T> =
  | { readonly done: true; readonly result: T }
  | { readonly done: false; readonly operation: OperationHandle; readonly result?: T };

export interface OperationStatus {
  readonly state: OperationState;
  /** The provider's own word (`Queued`, `InProgress`, `Succeeded`…) or `HTTP 202` for Location monitors. */
  readonly rawStatus: string;
  readonly error?: { readonly code: string; readonly message: string };
  /** When to look again: this response's Retry-After, else the handle's. */
  readonly retryAfterSeconds?: number;
}

interface HeaderSource {
  get(name: string): string | undefined;
}

/** Reads the monitor headers of a 201/202 (or 200) answer; undefined when there are none. */
export function operationHandleFrom(
  response: { readonly headers: HeaderSource },
  resourceId: string,
  nowMs = Date.now(),
): OperationHandle | undefined {
  const asyncOperation = readString(response.headers.get("azure-asyncoperation"));
  const location = readString(response.headers.get("location"));
  const monitorUrl = asyncOperation ?? location;
  if (!monitorUrl) return undefined;
  const retryAfterSeconds = secondsFrom(response.headers, nowMs);
  return {
    resourceId,
    monitorUrl,
    monitorKind: asyncOperation ? "azure-asyncoperation" : "location",
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  };
}

/**
 * Decides how a PUT that may run long started. Running when ARM accepted it (201/202 with a
 * monitor) or the body's provisioningState is not terminal; a resource without provisioningState
 * is finished (docs/azure-facts.md §10).
 */
export function startFromPut<T>(
  context: ArmContext,
  response: { readonly status: number; readonly headers: HeaderSource; readonly body: unknown },
  resourceId: string,
  apiVersion: string,
  result: T,
): OperationStart<T> {
  const provisioningState = readString(readProperties(response.body).provisioningState);
  const handle = operationHandleFrom(response, resourceId, context.now());
  const accepted = (response.status === 201 || response.status === 202) && handle !== undefined;
  const stillRunning = provisioningState !== undefined && operationStateOf(provisioningState) === "running";
  if (!accepted && !stillRunning) return { done: true, result };
  return {
    done: false,
    operation: handle ?? provisioningStateHandle(context, resourceId, apiVersion),
    result,
  };
}

function provisioningStateHandle(
  context: ArmContext,
  resourceId: string,
  apiVersion: string,
): OperationHandle {
  const url = new URL(`${context.endpoint}/${resourceId.replace(/^\/+/, "")}`);
  url.searchParams.set("api-version", apiVersion);
  return { resourceId, monitorUrl: url.toString(), monitorKind: "provisioning-state" };
}

export type DeleteOutcome = "deleted" | "alreadyGone";

/**
 * DELETE by resource id: 200 deleted, 204 or 404 nothing was there, 202 running with a monitor
 * (ARM requires a Location header on 202).
 */
export async function beginDeleteResource(
  context: ArmContext,
  resourceId: string,
  apiVersion: string,
): Promise<OperationStart<DeleteOutcome>> {
  const response = await context.send({ method: "DELETE", path: resourceId, apiVersion, allowStatus: [404] });
  if (response.status === 404 || response.status === 204) return { done: true, result: "alreadyGone" };
  const handle = operationHandleFrom(response, resourceId, context.now());
  if (response.status === 202) {
    if (!handle) {
      throw new UnexpectedArmError(
        `ARM accepted the deletion of ${resourceId} without a monitor URL`,
        "MissingMonitor",
        202,
      );
    }
    return { done: false, operation: handle };
  }
  return { done: true, result: "deleted" };
}

/** One look at an operation's monitor. Never waits; throttling and 5xx retries happen in the ARM context. */
export async function readOperationStatus(
  context: ArmContext,
  handle: OperationHandle,
): Promise<OperationStatus> {
  switch (handle.monitorKind) {
    case "azure-asyncoperation":
      return readAsyncOperationStatus(context, handle);
    case "location":
      return readLocationStatus(context, handle);
    case "provisioning-state":
      return readProvisioningState(context, handle);
  }
}

async function readAsyncOperationStatus(
  context: ArmContext,
  handle: OperationHandle,
): Promise<OperationStatus> {
  const response = await context.send({ method: "GET", path: handle.monitorUrl });
  const body = readObject(response.body);
  const rawStatus = readString(body.status);
  if (rawStatus === undefined) {
    throw new UnexpectedArmError(
      `The operation monitor for ${handle.resourceId} answered without a status`,
      "InvalidOperationStatus",
      response.status,
    );
  }
  const state = operationStateOf(rawStatus);
  const error = state === "failed" || state === "canceled" ? readArmErrorBody(body) : undefined;
  return withRetryAfter(context, handle, response.headers, {
    state,
    rawStatus,
    ...(error ? { error } : {}),
  });
}

// A Location monitor answers 202 while running, 200/204 when done, and a 4xx carrying the
// operation's error when it failed. 401/403/404/429/5xx are not the operation's outcome and
// are thrown as typed errors instead.
const locationFailureStatuses = [400, 409, 412, 422];

async function readLocationStatus(context: ArmContext, handle: OperationHandle): Promise<OperationStatus> {
  const response = await context.send({
    method: "GET",
    path: handle.monitorUrl,
    allowStatus: locationFailureStatuses,
  });
  const rawStatus = `HTTP ${response.status}`;
  if (response.status === 202)
    return withRetryAfter(context, handle, response.headers, { state: "running", rawStatus });
  if (response.status >= 400) {
    const error = readArmErrorBody(response.body) ?? {
      code: `Http${response.status}`,
      message: "The operation failed.",
    };
    return { state: "failed", rawStatus, error };
  }
  return { state: "succeeded", rawStatus };
}

async function readProvisioningState(context: ArmContext, handle: OperationHandle): Promise<OperationStatus> {
  const response = await context.send({ method: "GET", path: handle.monitorUrl, allowStatus: [404] });
  if (response.status === 404) {
    return {
      state: "failed",
      rawStatus: "HTTP 404",
      error: readArmErrorBody(response.body) ?? {
        code: "ResourceNotFound",
        message: `${handle.resourceId} no longer exists.`,
      },
    };
  }
  const properties = readProperties(response.body);
  const rawStatus = readString(properties.provisioningState) ?? "Succeeded";
  const state = operationStateOf(rawStatus);
  return withRetryAfter(context, handle, response.headers, { state, rawStatus });
}

function withRetryAfter(
  context: ArmContext,
  handle: OperationHandle,
  headers: HeaderSource,
  status: OperationStatus,
): OperationStatus {
  if (status.state !== "running") return status;
  const retryAfterSeconds = secondsFrom(headers, context.now()) ?? handle.retryAfterSeconds;
  return retryAfterSeconds === undefined ? status : { ...status, retryAfterSeconds };
}

function secondsFrom(headers: HeaderSource, nowMs: number): number | undefined {
  const ms = retryAfterMs(headers, nowMs);
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}
