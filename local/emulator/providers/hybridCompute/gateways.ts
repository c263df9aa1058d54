// Microsoft.HybridCompute/gateways (Arc gateway), as a recorded CLI session shows it
// (docs/azure-facts.md §2): creation is a long-running operation that answers 201 `Creating` with
// a gatewayId, no gatewayEndpoint and no Retry-After, and gets its endpoint (a bare host name,
// `<guid>.gw.arc.azure.com`) when it succeeds. Deletion answers 202 with the gateway `Deleting`
// and is accepted even while machines are attached: their agents, if in gateway mode, lose their
// way to Azure and the machines turn Disconnected. Five per subscription at most (§3).
import { z } from "zod";

import { armErrors } from "../../armError";
import { publishSucceeded, systemData } from "../../armResource";
import { monitorHeaders } from "../../asyncOperations";
import type { EmulatorState, StoredResource } from "../../state";
import type { EmulatorContext, EmulatorRequest, HandlerResult, RouteDefinition } from "../../types";
import { parseBody } from "../../validation";
import {
  apiVersions,
  echoedEnvelope,
  findStoredResource,
  listHandler,
  locationOf,
  locationSchema,
  namespace,
  normalizeLocation,
  requireName,
  resourceGroupPath,
  runningOperation,
  scopeParams,
  startHybridComputeOperation,
  subscriptionParam,
  tagsSchema,
} from "./armConventions";
import { agentsRoutingThrough, strandAgentsLater } from "./machineRecords";

export const gatewayType = "Microsoft.HybridCompute/gateways";
/** The Arc gateway docs' limit (docs/azure-facts.md §3). */
export const gatewaysPerSubscription = 5;

const gatewayPath = `${resourceGroupPath}/providers/Microsoft.HybridCompute/gateways/{gatewayName}`;

export interface GatewayFailure {
  readonly code: string;
  readonly message: string;
}

const defaultFailure: GatewayFailure = {
  code: "GatewayProvisioningFailed",
  message: "The Arc gateway could not be provisioned. Retry the creation.",
};

const pendingFailures = new WeakMap<EmulatorState, GatewayFailure[]>();

/**
 * Makes the next `count` gateway creations end `Failed` (Azure's Front Door changes can make a
 * creation time out, and the docs say to retry). Each new creation takes one, at PUT time.
 */
export function failNextGatewayCreations(
  state: EmulatorState,
  count = 1,
  failure: GatewayFailure = defaultFailure,
): void {
  const queue = pendingFailures.get(state) ?? [];
  for (let i = 0; i < count; i++) queue.push(failure);
  pendingFailures.set(state, queue);
}

function takeFailure(state: EmulatorState): GatewayFailure | undefined {
  return pendingFailures.get(state)?.shift();
}

const gatewayPropertiesSchema = z.strictObject({
  gatewayType: z.enum(["Public"]).optional(),
  allowedFeatures: z.array(z.string().min(1)).optional(),
  // Read-only: ARM ignores them when a client sends a GET body back.
  provisioningState: z.string().optional(),
  gatewayId: z.string().optional(),
  gatewayEndpoint: z.string().optional(),
});

const gatewayBodySchema = z.strictObject({
  ...echoedEnvelope,
  location: locationSchema,
  tags: tagsSchema.nullable().optional(),
  properties: gatewayPropertiesSchema.optional(),
});

const gatewayUpdateSchema = z.strictObject({
  tags: tagsSchema.optional(),
  properties: z.strictObject({ allowedFeatures: z.array(z.string().min(1)).optional() }).optional(),
});

type GatewayBody = z.output<typeof gatewayBodySchema>;

export function findGateway(context: EmulatorContext, gatewayId: string): StoredResource | undefined {
  return findStoredResource(context, gatewayId, gatewayType);
}

export function gatewayProvisioningState(gateway: StoredResource): string {
  const properties = gateway.body.properties as Record<string, unknown> | undefined;
  return typeof properties?.provisioningState === "string" ? properties.provisioningState : "Succeeded";
}

function gatewayIdOf(request: EmulatorRequest): { id: string; name: string; resourceGroup: string } {
  const { subscriptionId, resourceGroup } = scopeParams(request);
  const name = requireName("gateway", request.params.gatewayName);
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.HybridCompute/gateways/${name}`,
    name,
    resourceGroup,
  };
}

function requireGateway(
  context: EmulatorContext,
  target: { id: string; name: string; resourceGroup: string },
) {
  const gateway = findGateway(context, target.id);
  if (!gateway) throw armErrors.notFound(gatewayType, target.name, target.resourceGroup);
  return gateway;
}

function putGateway(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const target = gatewayIdOf(request);
  const subscriptionId = subscriptionParam(request);
  context.authorize(request.principal, "Microsoft.HybridCompute/gateways/write", target.id);
  context.requireRegistered(subscriptionId, namespace);
  const requested = parseBody(gatewayBodySchema, request.body);
  const existing = findGateway(context, target.id);
  if (existing) {
    checkSameLocation(existing, requested, target.name);
    const state = gatewayProvisioningState(existing);
    if (state === "Succeeded") return updateGatewayInPlace(request, context, existing, requested);
    if (state !== "Failed") {
      throw armErrors.conflict(
        "AnotherOperationInProgress",
        `The gateway '${target.name}' is ${state}; wait for that operation to finish before changing it.`,
      );
    }
  } else {
    checkQuota(context, subscriptionId);
  }
  return startCreation(request, context, target.id, requested, existing);
}

function checkSameLocation(existing: StoredResource, requested: GatewayBody, name: string): void {
  const location = locationOf(existing.body);
  if (normalizeLocation(requested.location) !== normalizeLocation(location)) {
    throw armErrors.badRequest(
      "InvalidResourceLocation",
      `The resource '${name}' already exists in location '${location}'. A resource with the same name cannot be created in location '${requested.location}'.`,
    );
  }
}

function checkQuota(context: EmulatorContext, subscriptionId: string): void {
  const count = context.state.listResources({ type: gatewayType, subscriptionId }).length;
  if (count >= gatewaysPerSubscription) {
    throw armErrors.quotaExceeded(
      `Subscription '${subscriptionId}' already has ${count} Arc gateways; the limit is ${gatewaysPerSubscription} gateways per subscription. Delete a gateway before creating another.`,
    );
  }
}

function gatewayProperties(requested: GatewayBody, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    ...extra,
    gatewayType: requested.properties?.gatewayType ?? "Public",
    allowedFeatures: requested.properties?.allowedFeatures ?? ["*"],
  };
}

function envelope(id: string, requested: GatewayBody): Record<string, unknown> {
  return {
    id,
    name: id.split("/").pop(),
    type: gatewayType,
    location: normalizeLocation(requested.location),
    ...(requested.tags ? { tags: requested.tags } : {}),
  };
}

function startCreation(
  request: EmulatorRequest,
  context: EmulatorContext,
  id: string,
  requested: GatewayBody,
  previous: StoredResource | undefined,
): HandlerResult {
  const now = context.clock.now();
  const previousProperties = previous?.body.properties as Record<string, unknown> | undefined;
  const gatewayId =
    typeof previousProperties?.gatewayId === "string" ? previousProperties.gatewayId : context.random.uuid();
  const body = {
    ...envelope(id, requested),
    properties: gatewayProperties(requested, { provisioningState: "Creating", gatewayId }),
    systemData: systemData(request.principal, now, previous?.body.systemData),
  };
  const stored = context.state.putResource(id, gatewayType, body, now);
  const failure = takeFailure(context.state);
  const headers = startHybridComputeOperation(request, context, {
    location: requested.location,
    resourceId: stored.id,
    finalResult: "resource",
    durationMs: context.timings.gatewayCreateMs,
    // The recorded 201 had no Retry-After: the client's default poll interval applies.
    retryAfterSeconds: null,
    complete: () => finishCreation(request, context, stored.id, failure, previous === undefined),
  });
  return { status: 201, body: stored.body, headers };
}

function finishCreation(
  request: EmulatorRequest,
  context: EmulatorContext,
  id: string,
  failure: GatewayFailure | undefined,
  created: boolean,
): { status: "Succeeded" } | { status: "Failed"; error: GatewayFailure } {
  const gateway = findGateway(context, id);
  if (!gateway) {
    return {
      status: "Failed",
      error: { code: "ResourceDeleted", message: "The gateway was deleted while it was being created." },
    };
  }
  const properties = { ...(gateway.body.properties as Record<string, unknown>) };
  if (failure) {
    properties.provisioningState = "Failed";
    context.state.putResource(gateway.id, gatewayType, { ...gateway.body, properties }, context.clock.now());
    return { status: "Failed", error: failure };
  }
  properties.provisioningState = "Succeeded";
  properties.gatewayEndpoint = `${context.random.uuid()}.gw.arc.azure.com`;
  context.state.putResource(gateway.id, gatewayType, { ...gateway.body, properties }, context.clock.now());
  publishWrite(request, context, gateway.id, !created);
  return { status: "Succeeded" };
}

/** A creation's event has no httpRequest; an update's has (docs/azure-facts.md §9). */
function publishWrite(
  request: EmulatorRequest,
  context: EmulatorContext,
  id: string,
  withHttpRequest = true,
): void {
  publishSucceeded(request, context, "write", id, "Microsoft.HybridCompute/gateways/write", withHttpRequest);
}

/** A PUT on a gateway that already works changes only what a PATCH could; ARM answers at once. */
function updateGatewayInPlace(
  request: EmulatorRequest,
  context: EmulatorContext,
  existing: StoredResource,
  requested: GatewayBody,
): HandlerResult {
  const previous = existing.body.properties as Record<string, unknown>;
  return storeUpdate(request, context, existing, {
    ...envelope(existing.id, requested),
    properties: gatewayProperties(requested, {
      provisioningState: "Succeeded",
      gatewayId: previous.gatewayId,
      gatewayEndpoint: previous.gatewayEndpoint,
    }),
  });
}

/** Stores a change that needs no operation, publishes its write and answers 200 with the gateway. */
function storeUpdate(
  request: EmulatorRequest,
  context: EmulatorContext,
  existing: StoredResource,
  body: Record<string, unknown>,
): HandlerResult {
  const now = context.clock.now();
  const stored = context.state.putResource(
    existing.id,
    gatewayType,
    { ...body, systemData: systemData(request.principal, now, existing.body.systemData) },
    now,
  );
  publishWrite(request, context, stored.id);
  return { status: 200, body: stored.body };
}

function patchGateway(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const target = gatewayIdOf(request);
  context.authorize(request.principal, "Microsoft.HybridCompute/gateways/write", target.id);
  const update = parseBody(gatewayUpdateSchema, request.body);
  const existing = requireGateway(context, target);
  if (gatewayProvisioningState(existing) === "Deleting") {
    throw armErrors.conflict("AnotherOperationInProgress", `The gateway '${target.name}' is being deleted.`);
  }
  const properties = { ...(existing.body.properties as Record<string, unknown>) };
  if (update.properties?.allowedFeatures) properties.allowedFeatures = update.properties.allowedFeatures;
  const body: Record<string, unknown> = { ...existing.body, properties };
  if (update.tags) body.tags = update.tags;
  return storeUpdate(request, context, existing, body);
}

function getGateway(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const target = gatewayIdOf(request);
  context.authorize(request.principal, "Microsoft.HybridCompute/gateways/read", target.id);
  return { status: 200, body: requireGateway(context, target).body };
}

/**
 * 202 with the gateway `Deleting`, removed when the operation ends; 204 when it is not there.
 * Attached machines do not stop it: ARM accepted such a deletion in the recorded session.
 */
function deleteGateway(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const target = gatewayIdOf(request);
  context.authorize(request.principal, "Microsoft.HybridCompute/gateways/delete", target.id);
  const gateway = findGateway(context, target.id);
  if (!gateway) return { status: 204 };
  const state = gatewayProvisioningState(gateway);
  if (state === "Creating" || state === "Updating") {
    throw armErrors.conflict(
      "AnotherOperationInProgress",
      `The gateway '${target.name}' is ${state}; it can be deleted once that operation has finished.`,
    );
  }
  const inFlight = runningOperation(context, gateway.id, "none");
  if (state === "Deleting" && inFlight) {
    return { status: 202, body: gateway.body, headers: monitorHeaders(context, inFlight, 15) };
  }
  const properties = {
    ...(gateway.body.properties as Record<string, unknown>),
    provisioningState: "Deleting",
  };
  const deleting = context.state.putResource(
    gateway.id,
    gatewayType,
    { ...gateway.body, properties },
    context.clock.now(),
  );
  const headers = startHybridComputeOperation(request, context, {
    location: locationOf(gateway.body),
    resourceId: gateway.id,
    finalResult: "none",
    durationMs: context.timings.gatewayDeleteMs,
    complete: () => finishDeletion(request, context, gateway.id),
  });
  return { status: 202, body: deleting.body, headers };
}

function finishDeletion(
  request: EmulatorRequest,
  context: EmulatorContext,
  id: string,
): { status: "Succeeded" } {
  if (findGateway(context, id)) context.state.deleteResource(id);
  strandAgentsLater(context, agentsRoutingThrough(context, id));
  publishSucceeded(request, context, "delete", id, "Microsoft.HybridCompute/gateways/delete");
  return { status: "Succeeded" };
}

export function gatewaysRoutes(): RouteDefinition[] {
  const common = { resourceType: gatewayType, apiVersions } as const;
  const listInGroup = `${resourceGroupPath}/providers/Microsoft.HybridCompute/gateways`;
  return [
    {
      ...common,
      method: "PUT",
      pattern: gatewayPath,
      operationId: "Gateways_CreateOrUpdate",
      kind: "write",
      handler: putGateway,
    },
    {
      ...common,
      method: "PATCH",
      pattern: gatewayPath,
      operationId: "Gateways_Update",
      kind: "write",
      handler: patchGateway,
    },
    {
      ...common,
      method: "GET",
      pattern: gatewayPath,
      operationId: "Gateways_Get",
      kind: "read",
      handler: getGateway,
    },
    {
      ...common,
      method: "DELETE",
      pattern: gatewayPath,
      operationId: "Gateways_Delete",
      kind: "delete",
      handler: deleteGateway,
    },
    {
      ...common,
      method: "GET",
      pattern: listInGroup,
      operationId: "Gateways_ListByResourceGroup",
      kind: "read",
      handler: listHandler(gatewayType, "resourceGroup"),
    },
    {
      ...common,
      method: "GET",
      pattern: "/subscriptions/{subscriptionId}/providers/Microsoft.HybridCompute/gateways",
      operationId: "Gateways_ListBySubscription",
      kind: "read",
      handler: listHandler(gatewayType, "subscription"),
    },
  ];
}
