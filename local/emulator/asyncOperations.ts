// ARM's asynchronous-operation pattern, shared by every long-running emulator operation:
// 201/202 with `Azure-AsyncOperation` (status monitor), `Location` (result monitor) and usually
// `Retry-After`; the status goes Queued → InProgress → Succeeded | Failed on the emulator's clock
// (HybridCompute really reports `Queued` first: docs/azure-facts.md §2 and §10).
import { armErrors } from "./armError";
import type { AsyncOperation } from "./state";
import type { EmulatorContext, HandlerResult, RouteDefinition } from "./types";

export interface AsyncOperationOptions {
  readonly subscriptionId: string;
  readonly location: string;
  readonly namespace: string;
  readonly resourceId: string;
  readonly apiVersion: string;
  readonly finalResult: AsyncOperation["finalResult"];
  /** How long the whole operation takes on the emulator's clock. */
  readonly durationMs: number;
  /**
   * Seconds the emulator suggests between polls (15 when left out); `null` sends no
   * `Retry-After`, so the client's own poll interval applies.
   */
  readonly retryAfterSeconds?: number | null;
  /** Runs when the time is up: mutate the resource, publish events, say how it ended. */
  readonly complete: () =>
    { status: "Succeeded" } | { status: "Failed"; error: { code: string; message: string } };
}

export function startAsyncOperation(
  context: EmulatorContext,
  options: AsyncOperationOptions,
): { operation: AsyncOperation; headers: Record<string, string> } {
  const operation: AsyncOperation = {
    id: context.random.uuid(),
    subscriptionId: options.subscriptionId,
    location: options.location.toLowerCase().replace(/\s+/g, ""),
    namespace: options.namespace,
    resourceId: options.resourceId,
    apiVersion: options.apiVersion,
    finalResult: options.finalResult,
    status: "Queued",
    startTime: context.clock.now(),
  };
  context.state.operations.set(operation.id.toLowerCase(), operation);
  const queuedFor = Math.min(context.timings.operationQueuedMs, options.durationMs / 2);
  context.clock.setTimer(queuedFor, () => {
    if (operation.status === "Queued") operation.status = "InProgress";
  });
  context.clock.setTimer(options.durationMs, () => {
    if (operation.status !== "Queued" && operation.status !== "InProgress") return;
    const outcome = options.complete();
    operation.status = outcome.status;
    operation.endTime = context.clock.now();
    if (outcome.status === "Failed") operation.error = outcome.error;
  });
  const retryAfterSeconds = options.retryAfterSeconds === undefined ? 15 : options.retryAfterSeconds;
  return { operation, headers: monitorHeaders(context, operation, retryAfterSeconds) };
}

/** The two monitor URLs, plus `Retry-After` unless `retryAfterSeconds` is null. */
export function monitorHeaders(
  context: EmulatorContext,
  operation: AsyncOperation,
  retryAfterSeconds: number | null,
): Record<string, string> {
  const base = `${context.baseUrl}/subscriptions/${operation.subscriptionId}/providers/${operation.namespace}/locations/${operation.location}`;
  const query = `api-version=${operation.apiVersion}&t=${operation.startTime}`;
  return {
    "azure-asyncoperation": `${base}/operationStatus/${operation.id}?${query}`,
    location: `${base}/operationResults/${operation.id}?${query}`,
    ...(retryAfterSeconds === null ? {} : { "retry-after": String(retryAfterSeconds) }),
  };
}

function isRunning(operation: AsyncOperation): boolean {
  return operation.status === "Queued" || operation.status === "InProgress";
}

function findOperation(
  context: EmulatorContext,
  subscriptionId: string,
  operationId: string,
): AsyncOperation {
  const operation = context.state.operations.get(operationId.toLowerCase());
  if (!operation || operation.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase()) {
    throw armErrors.notFound("operationStatus", operationId);
  }
  return operation;
}

/** Monitor routes for one provider namespace, at the api-versions it serves. */
export function asyncOperationRoutes(namespace: string, apiVersions: readonly string[]): RouteDefinition[] {
  const monitorRoute = (
    monitor: "operationStatus" | "operationResults",
    operationName: string,
    respond: (operation: AsyncOperation, context: EmulatorContext) => HandlerResult,
  ): RouteDefinition => ({
    method: "GET",
    pattern: `/subscriptions/{subscriptionId}/providers/${namespace}/locations/{location}/${monitor}/{operationId}`,
    operationId: `${namespace}.${operationName}`,
    kind: "read",
    resourceType: `${namespace}/locations/${monitor}`,
    apiVersions,
    handler: (request, context) =>
      respond(
        findOperation(context, request.params.subscriptionId ?? "", request.params.operationId ?? ""),
        context,
      ),
  });
  return [
    monitorRoute("operationStatus", "AsyncOperationStatus", (operation) =>
      operationStatus(namespace, operation),
    ),
    monitorRoute("operationResults", "AsyncOperationResult", operationResult),
  ];
}

/** The Azure-AsyncOperation monitor: the operation's status, and its error once it has failed. */
function operationStatus(namespace: string, operation: AsyncOperation): HandlerResult {
  const body: Record<string, unknown> = {
    id: `/subscriptions/${operation.subscriptionId}/providers/${namespace}/locations/${operation.location}/operationStatus/${operation.id}`,
    name: operation.id,
    status: operation.status,
    startTime: new Date(operation.startTime).toISOString(),
  };
  if (operation.endTime !== undefined) body.endTime = new Date(operation.endTime).toISOString();
  if (operation.error) body.error = operation.error;
  return isRunning(operation)
    ? { status: 200, body, headers: { "retry-after": "15" } }
    : { status: 200, body };
}

/** The Location monitor: 202 while running, then the outcome as the original request's response. */
function operationResult(operation: AsyncOperation, context: EmulatorContext): HandlerResult {
  if (isRunning(operation)) {
    return { status: 202, headers: monitorHeaders(context, operation, 15) };
  }
  if (operation.status !== "Succeeded") {
    const error = operation.error ?? {
      code: operation.status,
      message: `The operation ended ${operation.status}.`,
    };
    return { status: 400, body: { error } };
  }
  if (operation.finalResult === "none") return { status: 204 };
  const resource = context.state.getResource(operation.resourceId);
  return resource ? { status: 200, body: resource.body } : { status: 204 };
}
