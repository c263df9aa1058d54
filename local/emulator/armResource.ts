// Shapes shared by the emulator's resource providers: systemData, the tracked/proxy resource
// envelope ARM returns, and the event (with its `httpRequest`) Event Grid reports for a change.
import { parseResourceId, resourceNameOf } from "../../shared/resourceId";
import type { EmulatorContext, EmulatorRequest, Principal, ResourceEventInput } from "./types";

export interface SystemData {
  createdBy: string;
  createdByType: "User" | "Application" | "ManagedIdentity" | "Key";
  createdAt: string;
  lastModifiedBy: string;
  lastModifiedByType: "User" | "Application" | "ManagedIdentity" | "Key";
  lastModifiedAt: string;
}

export function systemData(principal: Principal, now: number, previous?: unknown): SystemData {
  const at = new Date(now).toISOString();
  const old = previous && typeof previous === "object" ? (previous as Partial<SystemData>) : undefined;
  return {
    createdBy: old?.createdBy ?? principal.appId,
    createdByType: old?.createdByType ?? "Application",
    createdAt: old?.createdAt ?? at,
    lastModifiedBy: principal.appId,
    lastModifiedByType: "Application",
    lastModifiedAt: at,
  };
}

/** `{id, name, type}` for an id, with the name taken from its last segment. */
export function resourceEnvelope(id: string, type: string): { id: string; name: string; type: string } {
  return { id, name: resourceNameOf(parseResourceId(id)), type };
}

function httpRequestOf(request: EmulatorRequest): NonNullable<ResourceEventInput["httpRequest"]> {
  const clientRequestId = request.headers["x-ms-client-request-id"];
  const url = request.url.href;
  return typeof clientRequestId === "string"
    ? { method: request.method, url, clientRequestId }
    : { method: request.method, url };
}

/**
 * The ARM request an Event Grid event reports for a change made outside the emulator's front door
 * (`azcmagent connect` reconnecting, an admin deleting behind the app's back).
 */
export function armRequestFor(
  context: EmulatorContext,
  method: string,
  resourceId: string,
  apiVersion: string | undefined,
): NonNullable<ResourceEventInput["httpRequest"]> {
  const query = apiVersion === undefined ? "" : `?api-version=${apiVersion}`;
  return { method, url: `${context.baseUrl}${resourceId}${query}` };
}

/**
 * The event for a request's write, delete or action that has succeeded. Event Grid reports the
 * request (httpRequest) on updates and deletes but not on creations (docs/azure-facts.md §9):
 * callers creating a resource pass `withHttpRequest = false`.
 */
export function publishSucceeded(
  request: EmulatorRequest,
  context: EmulatorContext,
  kind: ResourceEventInput["kind"],
  resourceUri: string,
  operationName: string,
  withHttpRequest = true,
): void {
  context.publish({
    kind,
    resourceUri,
    operationName,
    principal: request.principal,
    ...(withHttpRequest ? { httpRequest: httpRequestOf(request) } : {}),
    correlationId: context.correlationId,
    status: "Succeeded",
  });
}
