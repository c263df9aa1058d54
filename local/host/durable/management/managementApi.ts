// The Durable HTTP management API (Learn "HTTP API reference" for Durable Functions), served under
// both the webhook base
// (/runtime/webhooks/durabletask/) and the RPC base (/durabletask/): same routes, statuses and
// bodies as the extension's HttpApiHandler, so `df.getClient(context)` and the check-status URLs
// work unchanged. `taskHub`, `connection` and `code` query parameters are accepted and ignored.
import type { ManagementRequest, ManagementResponse } from "../../types";
import { DurableApiError } from "../engine/durableApiError";
import type { RuntimeStatus } from "../store/instanceRecord";
import type { InstanceFilter } from "./instanceQuery";
import { pageOf } from "./instanceQuery";
import type { InstanceStatus, StatusOptions } from "./instanceStatus";
import type { WebhookSettings } from "./webhookUrls";
import { httpManagementPayload } from "./webhookUrls";

/** What the routes need from the engine, with payloads as JSON text. */
export interface ManagementOperations {
  readonly settings: WebhookSettings;
  start(
    name: string,
    inputJson: string | null,
    instanceId: string | undefined,
    version: string | undefined,
  ): string;
  status(instanceId: string, options: StatusOptions): InstanceStatus | undefined;
  query(filter: InstanceFilter, options: StatusOptions): readonly InstanceStatus[];
  raiseEvent(instanceId: string, eventName: string, inputJson: string | null): void;
  terminate(instanceId: string, reason: string | null): void;
  suspend(instanceId: string, reason: string | null): void;
  resume(instanceId: string, reason: string | null): void;
  rewind(instanceId: string, reason: string | null): void;
  restart(instanceId: string, newInstanceId: boolean): string;
  purge(instanceId: string): boolean;
  purgeBy(filter: InstanceFilter): number;
}

const runtimeStatuses: readonly RuntimeStatus[] = [
  "Pending",
  "Running",
  "Completed",
  "ContinuedAsNew",
  "Failed",
  "Canceled",
  "Terminated",
  "Suspended",
];

const instanceOperations = new Set(["terminate", "suspend", "resume", "rewind", "restart"]);

export async function handleManagementRequest(
  operations: ManagementOperations,
  request: ManagementRequest,
): Promise<ManagementResponse | undefined> {
  await Promise.resolve();
  const segments = request.path.replace(/^\/+/, "").split("/").map(decodeSegment);
  const method = request.method.toUpperCase();
  try {
    switch (segments[0]) {
      case "orchestrators":
        return startRoute(operations, request, method, segments);
      case "instances":
        return instancesRoute(operations, request, method, segments);
      case "entities":
        return message(501, "Durable entities are not supported by the local host.");
      default:
        return undefined;
    }
  } catch (error) {
    if (error instanceof DurableApiError) return message(error.status, error.message);
    throw error;
  }
}

function startRoute(
  operations: ManagementOperations,
  request: ManagementRequest,
  method: string,
  segments: readonly string[],
): ManagementResponse | undefined {
  const [, name, instanceId, extra] = segments;
  if (!name || extra !== undefined) return undefined;
  if (method !== "POST") return methodNotAllowed("POST");
  const input = jsonBody(request);
  const id = operations.start(
    name,
    input,
    instanceId || undefined,
    request.query.get("version") ?? undefined,
  );
  return checkStatusResponse(operations, request.origin, id);
}

function instancesRoute(
  operations: ManagementOperations,
  request: ManagementRequest,
  method: string,
  segments: readonly string[],
): ManagementResponse | undefined {
  const [, instanceId = "", operation, eventName, extra] = segments;
  if (instanceId === "" && operation === undefined) {
    if (method === "GET") return listRoute(operations, request);
    if (method === "DELETE") return purgeByRoute(operations, request);
    return methodNotAllowed("GET, DELETE");
  }
  if (operation === undefined) {
    if (method === "GET") return statusRoute(operations, request, instanceId);
    if (method === "DELETE") {
      return operations.purge(instanceId) ? { status: 200, body: { instancesDeleted: 1 } } : { status: 404 };
    }
    return methodNotAllowed("GET, DELETE");
  }
  const reason = request.query.get("reason");
  if (operation === "raiseEvent" && eventName && extra === undefined) {
    if (method !== "POST") return methodNotAllowed("POST");
    const contentType = header(request, "content-type");
    if (contentType !== undefined && !/^application\/json\b/i.test(contentType.trim())) {
      return message(400, "Only application/json request content is supported");
    }
    operations.raiseEvent(instanceId, eventName, jsonBody(request));
    return { status: 202 };
  }
  if (!instanceOperations.has(operation) || eventName !== undefined) return undefined;
  if (method !== "POST") return methodNotAllowed("POST");
  switch (operation) {
    case "terminate":
      operations.terminate(instanceId, reason);
      return { status: 202 };
    case "suspend":
      operations.suspend(instanceId, reason);
      return { status: 202 };
    case "resume":
      operations.resume(instanceId, reason);
      return { status: 202 };
    case "rewind":
      operations.rewind(instanceId, reason);
      return { status: 202 };
    default: {
      const newId = booleanQuery(request, "restartWithNewInstanceId") ?? true;
      return checkStatusResponse(operations, request.origin, operations.restart(instanceId, newId));
    }
  }
}

function statusRoute(
  operations: ManagementOperations,
  request: ManagementRequest,
  instanceId: string,
): ManagementResponse {
  const status = operations.status(instanceId, {
    showHistory: booleanQuery(request, "showHistory") ?? false,
    showHistoryOutput: booleanQuery(request, "showHistoryOutput") ?? false,
    showInput: booleanQuery(request, "showInput") ?? true,
  });
  if (!status) return { status: 404 };
  const json = { "Content-Type": "application/json" };
  switch (status.runtimeStatus) {
    case "Running":
    case "Pending":
    case "ContinuedAsNew":
    case "Suspended":
      return {
        status: 202,
        headers: {
          ...json,
          Location: httpManagementPayload(request.origin, operations.settings, instanceId).statusQueryGetUri,
          "Retry-After": "5",
        },
        body: status,
      };
    case "Failed":
      return {
        status: booleanQuery(request, "returnInternalServerErrorOnFailure") === true ? 500 : 200,
        headers: json,
        body: status,
      };
    default:
      return { status: 200, headers: json, body: status };
  }
}

function listRoute(operations: ManagementOperations, request: ManagementRequest): ManagementResponse {
  const all = operations.query(instanceFilter(request), {
    showInput: booleanQuery(request, "showInput") ?? false,
  });
  const topText = request.query.get("top");
  const top = topText === null ? undefined : Number.parseInt(topText, 10);
  if (top !== undefined && !(top > 0))
    throw new DurableApiError(400, "The 'top' query parameter must be a positive integer.");
  const page = pageOf(all, {
    top,
    continuationToken: header(request, "x-ms-continuation-token") || undefined,
  });
  return {
    status: 200,
    headers: {
      "Content-Type": "application/json",
      ...(page.continuationToken ? { "x-ms-continuation-token": page.continuationToken } : {}),
    },
    body: page.items,
  };
}

function purgeByRoute(operations: ManagementOperations, request: ManagementRequest): ManagementResponse {
  const filter = instanceFilter(request);
  if (filter.createdTimeFrom === undefined) {
    throw new DurableApiError(400, "The 'createdTimeFrom' query parameter is required.");
  }
  const deleted = operations.purgeBy(filter);
  return deleted > 0 ? { status: 200, body: { instancesDeleted: deleted } } : { status: 404 };
}

function instanceFilter(request: ManagementRequest): InstanceFilter {
  const from = dateQuery(request, "createdTimeFrom");
  const to = dateQuery(request, "createdTimeTo");
  const statusText = request.query.get("runtimeStatus");
  const prefix = request.query.get("instanceIdPrefix");
  let runtimeStatus: RuntimeStatus[] | undefined;
  if (statusText) {
    runtimeStatus = statusText.split(",").map((text) => {
      const match = runtimeStatuses.find((status) => status.toLowerCase() === text.trim().toLowerCase());
      if (!match) throw new DurableApiError(400, `'${text}' is not a valid runtime status.`);
      return match;
    });
  }
  return {
    ...(from !== undefined ? { createdTimeFrom: from } : {}),
    ...(to !== undefined ? { createdTimeTo: to } : {}),
    ...(runtimeStatus ? { runtimeStatus } : {}),
    ...(prefix ? { instanceIdPrefix: prefix } : {}),
  };
}

function checkStatusResponse(
  operations: ManagementOperations,
  origin: string,
  instanceId: string,
): ManagementResponse {
  const payload = httpManagementPayload(origin, operations.settings, instanceId);
  return {
    status: 202,
    headers: { "Content-Type": "application/json", Location: payload.statusQueryGetUri, "Retry-After": "10" },
    body: payload,
  };
}

/** The body as JSON text: empty → null; anything unparsable is refused like the extension does. */
function jsonBody(request: ManagementRequest): string | null {
  const text = request.body.trim();
  if (text === "") return null;
  try {
    JSON.parse(text);
  } catch {
    throw new DurableApiError(400, "Invalid JSON content");
  }
  return text;
}

function booleanQuery(request: ManagementRequest, name: string): boolean | undefined {
  const value = request.query.get(name);
  if (value === null) return undefined;
  return value.toLowerCase() === "true";
}

function dateQuery(request: ManagementRequest, name: string): number | undefined {
  const value = request.query.get(name);
  if (value === null || value === "") return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new DurableApiError(400, `The '${name}' query parameter is not a valid date.`);
  return ms;
}

function header(request: ManagementRequest, name: string): string | undefined {
  const key = Object.keys(request.headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : request.headers[key];
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function message(status: number, text: string): ManagementResponse {
  return { status, headers: { "Content-Type": "application/json" }, body: { Message: text } };
}

function methodNotAllowed(allow: string): ManagementResponse {
  return {
    status: 405,
    headers: { Allow: allow, "Content-Type": "application/json" },
    body: { Message: "Method not allowed" },
  };
}
