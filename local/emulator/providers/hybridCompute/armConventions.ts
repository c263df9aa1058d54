// What every Microsoft.HybridCompute route shares: the api-version, the spec's name patterns,
// path checks that keep odd input from reaching the id parser, ARM's paging and the
// `httpRequest` that Event Grid reports for a write.
import { z } from "zod";

import { armErrors } from "../../armError";
import type { EmulatorContext, EmulatorRequest, ResourceEventInput } from "../../types";
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

export function httpRequestOf(request: EmulatorRequest): NonNullable<ResourceEventInput["httpRequest"]> {
  const clientRequestId = request.headers["x-ms-client-request-id"];
  const url = request.url.href;
  return typeof clientRequestId === "string"
    ? { method: request.method, url, clientRequestId }
    : { method: request.method, url };
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

function skipTokenOf(request: EmulatorRequest): number {
  const token = request.url.searchParams.get("$skipToken");
  if (token === null) return 0;
  if (!/^\d{1,9}$/.test(token)) {
    throw armErrors.badRequest("InvalidSkipToken", `The skip token '${token}' is not valid for this list.`);
  }
  return Number(token);
}

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
