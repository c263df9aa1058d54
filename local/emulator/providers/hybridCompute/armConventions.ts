// What every Microsoft.HybridCompute route shares: the api-version, the spec's name patterns,
// path checks that keep odd input from reaching the id parser, lookups in the store, long-running
// operations and ARM's paging.
import { z } from "zod";

import { normalizeResourceId } from "../../../../shared/resourceId";
import { armErrors } from "../../armError";
import { type AsyncOperationOptions, startAsyncOperation } from "../../asyncOperations";
import type { AsyncOperation, StoredResource } from "../../state";
import type { EmulatorContext, EmulatorRequest, HandlerResult, RouteDefinition } from "../../types";
import { checkName } from "../../validation";

export const hybridComputeApiVersion = "2025-01-13";
export const apiVersions = [hybridComputeApiVersion] as const;
export const namespace = "Microsoft.HybridCompute";

export const resourceGroupPath = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}";
export const machinePath = `${resourceGroupPath}/providers/Microsoft.HybridCompute/machines/{machineName}`;

/** The spec's `[a-zA-Z0-9-_\.]+`, anchored as ARM applies it. */
export const resourceNamePattern = /^[a-zA-Z0-9\-_.]+$/;
/** Machines_Get's stricter `^[a-zA-Z0-9-_\.]{1,54}$`. */
const machineNamePattern = /^[a-zA-Z0-9\-_.]{1,54}$/;
/** common-types ResourceGroupNameParameter. */
const resourceGroupPattern = /^[-\w._()]+$/;
/** Anything the id parser accepts as one segment; ARM answers for the subscription itself. */
const subscriptionPattern = /^[^\s?#/]+$/;

/** ARM pages lists; 100 a page keeps tests that walk `nextLink` cheap. */
export const pageSize = 100;

export interface ScopeParams {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
}

export function subscriptionParam(request: EmulatorRequest): string {
  const subscriptionId = request.params.subscriptionId ?? "";
  if (!subscriptionPattern.test(subscriptionId)) {
    throw armErrors.badRequest(
      "InvalidSubscriptionId",
      `The provided subscription identifier '${subscriptionId}' is malformed or invalid.`,
    );
  }
  return subscriptionId;
}

export function scopeParams(request: EmulatorRequest): ScopeParams {
  const subscriptionId = subscriptionParam(request);
  const resourceGroup = request.params.resourceGroupName ?? "";
  checkName("resource group", resourceGroup, resourceGroupPattern, 90);
  return { subscriptionId, resourceGroup };
}

/** The machine id a request names, from `{machineName}` or (settings) `{baseResourceName}`. */
export function machineIdOf(
  request: EmulatorRequest,
  machineName = request.params.machineName ?? "",
): string {
  const { subscriptionId, resourceGroup } = scopeParams(request);
  checkName("machine", machineName, machineNamePattern, 54);
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.HybridCompute/machines/${machineName}`;
}

/** ARM stores regions in their short form: "West Europe" and "westeurope" are one region. */
export function normalizeLocation(location: string): string {
  return location.toLowerCase().replace(/\s+/g, "");
}

/** Starts a long-running Microsoft.HybridCompute operation in the request's subscription; its monitor headers. */
export function startHybridComputeOperation(
  request: EmulatorRequest,
  context: EmulatorContext,
  options: Omit<AsyncOperationOptions, "subscriptionId" | "namespace" | "apiVersion">,
): Record<string, string> {
  const { headers } = startAsyncOperation(context, {
    ...options,
    subscriptionId: subscriptionParam(request),
    namespace,
    apiVersion: hybridComputeApiVersion,
  });
  return headers;
}

/** A key for any id, or undefined when it is not a resource id at all (never throws). */
export function resourceKey(id: string): string | undefined {
  try {
    return normalizeResourceId(id);
  } catch {
    return undefined;
  }
}

/** The stored resource when `id` names one of `type`; undefined for anything else, even a bad id. */
export function findStoredResource(
  context: EmulatorContext,
  id: string,
  type: string,
): StoredResource | undefined {
  if (resourceKey(id) === undefined) return undefined;
  const resource = context.state.getResource(id);
  return resource && resource.type.toLowerCase() === type.toLowerCase() ? resource : undefined;
}

/** The operation still running on a resource: its creation (`resource`) or its deletion (`none`). */
export function runningOperation(
  context: EmulatorContext,
  id: string,
  finalResult: AsyncOperation["finalResult"],
): AsyncOperation | undefined {
  const key = resourceKey(id);
  return [...context.state.operations.values()].find(
    (operation) =>
      operation.finalResult === finalResult &&
      (operation.status === "Queued" || operation.status === "InProgress") &&
      resourceKey(operation.resourceId) === key,
  );
}

export function hasExpansion(request: EmulatorRequest, expansion: string): boolean {
  const expand = request.url.searchParams.get("$expand");
  return (
    expand !== null && expand.split(",").some((part) => part.trim().toLowerCase() === expansion.toLowerCase())
  );
}

/**
 * One page of a list, ARM style: `nextLink` is absolute and carries `$skipToken` (here an offset)
 * plus the query the caller sent, so following it needs nothing else.
 */
export function listPage<T>(
  request: EmulatorRequest,
  context: EmulatorContext,
  items: readonly T[],
): { value: T[]; nextLink?: string } {
  const offset = skipTokenOf(request);
  const value = items.slice(offset, offset + pageSize);
  const next = offset + pageSize;
  if (next >= items.length) return { value };
  const query = [...request.url.searchParams]
    .filter(([key]) => key.toLowerCase() !== "$skiptoken")
    .map(([key, v]) => `${encodeURIComponent(key).replace(/^%24/, "$")}=${encodeURIComponent(v)}`);
  query.push(`$skipToken=${next}`);
  return { value, nextLink: `${context.baseUrl}${request.url.pathname}?${query.join("&")}` };
}

/** `{Type}_ListBySubscription` or `{Type}_ListByResourceGroup`: read access on the scope, then one page. */
export function listHandler(
  resourceType: string,
  scope: "subscription" | "resourceGroup",
): RouteDefinition["handler"] {
  return (request: EmulatorRequest, context: EmulatorContext): HandlerResult => {
    const { subscriptionId, resourceGroup } =
      scope === "resourceGroup"
        ? scopeParams(request)
        : { subscriptionId: subscriptionParam(request), resourceGroup: undefined };
    const scopeId =
      resourceGroup === undefined
        ? `/subscriptions/${subscriptionId}`
        : `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
    context.authorize(request.principal, `${resourceType}/read`, scopeId);
    const resources = context.state.listResources({ type: resourceType, subscriptionId, resourceGroup });
    return {
      status: 200,
      body: listPage(
        request,
        context,
        resources.map((resource) => resource.body),
      ),
    };
  };
}

function skipTokenOf(request: EmulatorRequest): number {
  const token = request.url.searchParams.get("$skipToken");
  if (token === null) return 0;
  if (!/^\d{1,9}$/.test(token)) {
    throw armErrors.badRequest("InvalidSkipToken", `The skip token '${token}' is not valid for this list.`);
  }
  return Number(token);
}

/** Where an admin-created resource lives: a subscription id and a resource group name (at most 90 characters). */
export const adminScopeShape = {
  subscriptionId: z.string().regex(/^[^\s?#/]+$/, "not a subscription id"),
  resourceGroup: z
    .string()
    .max(90)
    .regex(/^[-\w._()]+$/, "not a resource group name"),
};

/** ARM's tag limits: 50 tags, names up to 512 characters, values up to 256. */
export const tagsSchema = z
  .record(z.string().min(1).max(512), z.string().max(256))
  .refine((tags) => Object.keys(tags).length <= 50, "a resource can have at most 50 tags");

export const locationSchema = z
  .string()
  .min(1, "location is required")
  .max(64, "location must be an Azure region name such as 'westeurope'")
  .regex(/^[a-zA-Z0-9 ]+$/, "location must be an Azure region name such as 'westeurope'");

/**
 * Read-only envelope fields a client may echo back from a GET (generic GET-modify-PUT, as
 * `az arcgateway settings update` does); ARM ignores them on input.
 */
export const echoedEnvelope = {
  id: z.string().optional(),
  name: z.string().optional(),
  type: z.string().optional(),
  systemData: z.record(z.string(), z.unknown()).optional(),
};

export function requireName(kind: string, name: string | undefined): string {
  const value = name ?? "";
  checkName(kind, value, resourceNamePattern);
  return value;
}

/** A stored resource's region, for monitor URLs; `global` when the body has none. */
export function locationOf(body: Record<string, unknown>): string {
  return typeof body.location === "string" && body.location.length > 0 ? body.location : "global";
}
