// The subscription system topic's Microsoft.Resources.Resource{Write,Delete,Action}Success event,
// shaped like the documented examples (docs/azure-facts.md §9), in both delivery schemas.
import { createHash } from "node:crypto";

import { parseResourceId } from "../../../shared/resourceId";
import type { SeededRandom } from "../random";
import type { Principal, ResourceEventInput } from "../types";

export interface ResourceAuthorization {
  readonly scope: string;
  readonly action: string;
  readonly evidence: Readonly<Record<string, string>>;
}

export interface ResourceHttpRequest {
  readonly clientRequestId: string;
  readonly clientIpAddress: string;
  readonly method: string;
  readonly url: string;
}

export interface ResourceEventData {
  readonly authorization: ResourceAuthorization;
  readonly claims: Readonly<Record<string, string>>;
  readonly correlationId: string;
  /** Only on updates and deletes, never on creations (docs/azure-facts.md §9): do not rely on it. */
  readonly httpRequest?: ResourceHttpRequest;
  readonly resourceProvider: string;
  readonly resourceUri: string;
  readonly operationName: string;
  readonly status: "Succeeded";
  readonly subscriptionId: string;
  readonly tenantId: string;
}

export interface EventGridEvent<TData = ResourceEventData> {
  readonly id: string;
  readonly topic: string;
  readonly subject: string;
  readonly eventType: string;
  readonly eventTime: string;
  readonly data: TData;
  readonly dataVersion: string;
  readonly metadataVersion: string;
}

export interface CloudEvent<TData = ResourceEventData> {
  readonly specversion: "1.0";
  readonly id: string;
  readonly source: string;
  readonly subject: string;
  readonly type: string;
  readonly time: string;
  readonly data: TData;
}

export type ResourceEventType =
  | "Microsoft.Resources.ResourceWriteSuccess"
  | "Microsoft.Resources.ResourceDeleteSuccess"
  | "Microsoft.Resources.ResourceActionSuccess";

const eventTypes: Record<ResourceEventInput["kind"], ResourceEventType> = {
  write: "Microsoft.Resources.ResourceWriteSuccess",
  delete: "Microsoft.Resources.ResourceDeleteSuccess",
  action: "Microsoft.Resources.ResourceActionSuccess",
};

/** Contributor's built-in role definition: the emulator has no RBAC, so every caller "has" it. */
const contributorRoleDefinitionId = "b24988ac618042a0ab8820f7382dd24c";

/** Event Grid writes seven fractional digits (.NET ticks); the clock only has milliseconds. */
export function formatEventTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

export interface ResourceEventSource {
  readonly random: SeededRandom;
  readonly now: number;
  /** The tenant the subscription belongs to; defaults to the caller's. */
  readonly tenantId?: string;
}

export function buildResourceEvent(input: ResourceEventInput, source: ResourceEventSource): EventGridEvent {
  const { subscriptionId } = parseResourceId(input.resourceUri);
  const claims = stringClaims(input.principal.claims);
  const data: ResourceEventData = {
    authorization: {
      scope: input.resourceUri,
      action: input.operationName,
      evidence: evidenceFor(input.principal, subscriptionId, claims),
    },
    claims,
    correlationId: input.correlationId,
    ...(input.httpRequest && {
      httpRequest: {
        clientRequestId: input.httpRequest.clientRequestId ?? source.random.uuid(),
        clientIpAddress: claims.ipaddr ?? "127.0.0.1",
        method: input.httpRequest.method,
        url: input.httpRequest.url,
      },
    }),
    resourceProvider: providerOf(input.operationName, input.resourceUri),
    resourceUri: input.resourceUri,
    operationName: input.operationName,
    status: input.status ?? "Succeeded",
    subscriptionId,
    tenantId: source.tenantId ?? input.principal.tenantId,
  };
  return {
    id: source.random.uuid(),
    topic: `/subscriptions/${subscriptionId}`,
    subject: input.resourceUri,
    eventType: eventTypes[input.kind],
    eventTime: formatEventTime(source.now),
    data,
    dataVersion: "2",
    metadataVersion: "1",
  };
}

export function toCloudEvent<TData>(event: EventGridEvent<TData>): CloudEvent<TData> {
  return {
    specversion: "1.0",
    id: event.id,
    source: event.topic,
    subject: event.subject,
    type: event.eventType,
    time: event.eventTime,
    data: event.data,
  };
}

/**
 * ARM reports claims as they sit in the caller's ClaimsPrincipal: every value a string, nested
 * values as JSON text (see `_claim_sources` in the spec example).
 */
function stringClaims(claims: Readonly<Record<string, unknown>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (typeof value === "string") result[name] = value;
    else if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
      result[name] = String(value);
    else if (typeof value === "object" && value !== null) result[name] = JSON.stringify(value);
  }
  return result;
}

function evidenceFor(
  principal: Principal,
  subscriptionId: string,
  claims: Record<string, string>,
): Record<string, string> {
  // Stable per caller and subscription, so repeated events show the same role assignment.
  const assignment = createHash("sha256")
    .update(`${principal.objectId}|${subscriptionId.toLowerCase()}`)
    .digest("hex");
  const isUser = claims.idtyp === "user" || claims.upn !== undefined;
  return {
    role: "Contributor",
    roleAssignmentScope: `/subscriptions/${subscriptionId}`,
    roleAssignmentId: assignment.slice(0, 32),
    roleDefinitionId: contributorRoleDefinitionId,
    principalId: principal.objectId.replace(/-/g, ""),
    principalType: isUser ? "User" : "ServicePrincipal",
  };
}

/** The namespace that ran the operation: for extension resources it is not the parent's. */
function providerOf(operationName: string, resourceUri: string): string {
  const namespace = operationName.split("/")[0];
  if (namespace?.includes(".")) return namespace;
  const providers = parseResourceId(resourceUri).providers;
  return providers[providers.length - 1]?.namespace ?? "Microsoft.Resources";
}
