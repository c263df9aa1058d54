// Microsoft.Kubernetes/connectedClusters (Azure Arc-enabled Kubernetes) at the api-version the
// app sends: GET and the two lists, as the hybridkubernetes spec shapes them. A cluster joins Arc
// outside ARM's front door (`az connectedk8s connect` runs the agents' Helm install), so it is
// created through the admin API, which also flips its connectivity (the agents' heartbeat) and
// its tags; each of these emits `Microsoft.Kubernetes/connectedClusters/write` on the Event Grid
// system topic, a creation without httpRequest and an update with one (docs/azure-facts.md §9).
// The spec's connectivity states are Connecting, Connected, Offline, Expired and
// AgentNotInstalled: there is no "Disconnected" (the admin API takes it as Offline).
import { createHash } from "node:crypto";

import { z } from "zod";

import { apiVersions as appApiVersions } from "../../../../shared/azure/apiVersions";
import { armErrors } from "../../armError";
import { armRequestFor, systemData } from "../../armResource";
import { onboardingPrincipal } from "../../principal";
import type { StoredResource } from "../../state";
import type {
  EmulatorContext,
  EmulatorRequest,
  HandlerResult,
  Principal,
  RouteDefinition,
} from "../../types";
import { parseBody } from "../../validation";
import {
  adminScopeShape,
  findStoredResource,
  listHandler,
  locationSchema,
  normalizeLocation,
  resourceGroupPath,
  scopeParams,
  tagsSchema,
} from "../hybridCompute/armConventions";

export const connectedClusterType = "Microsoft.Kubernetes/connectedClusters";
export const connectedClustersApiVersions = [appApiVersions.connectedClusters] as const;
const namespace = "Microsoft.Kubernetes";
const writeOperation = `${connectedClusterType}/write`;

export const connectivityStatuses = [
  "Connecting",
  "Connected",
  "Offline",
  "Expired",
  "AgentNotInstalled",
] as const;
export type ConnectivityStatus = (typeof connectivityStatuses)[number];

/** The spec has no "Disconnected"; an agent that stopped reporting shows Offline. */
const connectivityInput = z
  .enum([...connectivityStatuses, "Disconnected"])
  .transform((status): ConnectivityStatus => (status === "Disconnected" ? "Offline" : status));

/** `az connectedk8s connect`'s cluster names: letters, digits, '-', '_' and '.', at most 63. */
const clusterNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9\-_.]{0,62}$/;

const connectInputSchema = z.strictObject({
  ...adminScopeShape,
  name: z.string().regex(clusterNamePattern, "cluster names are 1-63 letters, digits, '-', '_' or '.'"),
  location: locationSchema,
  tags: tagsSchema.optional(),
  connectivityStatus: connectivityInput.default("Connected"),
  kubernetesVersion: z.string().min(1).default("1.30.4"),
  totalNodeCount: z.number().int().min(1).max(5000).default(3),
  totalCoreCount: z.number().int().min(1).max(1_000_000).default(12),
  agentVersion: z.string().min(1).default("1.21.10"),
  distribution: z.string().min(1).default("k3s"),
  infrastructure: z.string().min(1).default("generic"),
});

export type ConnectClusterInput = z.input<typeof connectInputSchema>;

export function clusterIdOf(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${connectedClusterType}/${name}`;
}

export function findConnectedCluster(context: EmulatorContext, id: string): StoredResource | undefined {
  return findStoredResource(context, id, connectedClusterType);
}

export function clusterConnectivity(cluster: StoredResource): string {
  const properties = cluster.body.properties as Record<string, unknown> | undefined;
  return typeof properties?.connectivityStatus === "string" ? properties.connectivityStatus : "Connected";
}

function requireCluster(context: EmulatorContext, id: string): StoredResource {
  const cluster = findConnectedCluster(context, id);
  if (!cluster) throw armErrors.notFound(connectedClusterType, id);
  return cluster;
}

/** A fake but well-formed base64 public key, stable per cluster. */
function agentPublicKey(id: string): string {
  return createHash("sha512").update(`agent-key:${id.toLowerCase()}`).digest("base64");
}

function publishClusterWrite(
  context: EmulatorContext,
  id: string,
  principal: Principal,
  created: boolean,
  method: "PUT" | "PATCH",
): void {
  context.publish({
    kind: "write",
    resourceUri: id,
    operationName: writeOperation,
    principal,
    ...(created ? {} : { httpRequest: armRequestFor(context, method, id, connectedClustersApiVersions[0]) }),
    correlationId: context.correlationId,
    status: "Succeeded",
  });
}

/**
 * `az connectedk8s connect`: creates (or, connecting again, replaces) the cluster and publishes its
 * write event. Throws ArmHttpError 400 on bad input.
 */
export function connectCluster(
  context: EmulatorContext,
  input: ConnectClusterInput,
  principal: Principal = onboardingPrincipal,
): Record<string, unknown> {
  const connect = parseBody(connectInputSchema, input);
  const id = clusterIdOf(connect.subscriptionId, connect.resourceGroup, connect.name);
  context.authorize(principal, writeOperation, id);
  context.requireRegistered(connect.subscriptionId, namespace);
  const now = context.clock.now();
  const previous = findConnectedCluster(context, id)?.body;
  const previousIdentity = (previous?.identity ?? {}) as Record<string, unknown>;
  const iso = new Date(now).toISOString();
  const body: Record<string, unknown> = {
    id: previous?.id ?? id,
    name: connect.name,
    type: connectedClusterType,
    location: normalizeLocation(connect.location),
    ...(connect.tags ? { tags: connect.tags } : {}),
    identity: {
      type: "SystemAssigned",
      principalId:
        typeof previousIdentity.principalId === "string"
          ? previousIdentity.principalId
          : context.random.uuid(),
      tenantId: principal.tenantId,
    },
    properties: {
      agentPublicKeyCertificate: agentPublicKey(id),
      kubernetesVersion: connect.kubernetesVersion,
      totalNodeCount: connect.totalNodeCount,
      totalCoreCount: connect.totalCoreCount,
      agentVersion: connect.agentVersion,
      provisioningState: "Succeeded",
      distribution: connect.distribution,
      infrastructure: connect.infrastructure,
      offering: "",
      managedIdentityCertificateExpirationTime: new Date(now + 90 * 24 * 3600_000).toISOString(),
      lastConnectivityTime: iso,
      connectivityStatus: connect.connectivityStatus,
      privateLinkState: "Disabled",
      azureHybridBenefit: "NotApplicable",
    },
    systemData: systemData(principal, now, previous?.systemData),
  };
  const stored = context.state.putResource(id, connectedClusterType, body, now);
  publishClusterWrite(context, stored.id, principal, previous === undefined, "PUT");
  return stored.body;
}

/** The cluster agents' heartbeat changes (a cluster goes Offline or comes back); emits the write event. */
export function setClusterConnectivity(
  context: EmulatorContext,
  clusterId: string,
  status: string,
  principal: Principal = onboardingPrincipal,
): Record<string, unknown> {
  const parsed = connectivityInput.safeParse(status);
  if (!parsed.success) {
    throw armErrors.badRequest(
      "InvalidConnectivityStatus",
      `'${status}' is not one of ${connectivityStatuses.join(", ")} (or Disconnected, shown as Offline).`,
    );
  }
  const cluster = requireCluster(context, clusterId);
  const now = context.clock.now();
  const properties = { ...(cluster.body.properties as Record<string, unknown>) };
  properties.connectivityStatus = parsed.data;
  if (parsed.data === "Connected") properties.lastConnectivityTime = new Date(now).toISOString();
  const stored = context.state.putResource(
    cluster.id,
    connectedClusterType,
    { ...cluster.body, properties, systemData: systemData(principal, now, cluster.body.systemData) },
    now,
  );
  publishClusterWrite(context, stored.id, principal, false, "PATCH");
  return stored.body;
}

/** Someone tags the cluster (portal, `az tag`): the whole tag set is replaced; emits the write event. */
export function setClusterTags(
  context: EmulatorContext,
  clusterId: string,
  tags: Record<string, string>,
  principal: Principal = onboardingPrincipal,
): Record<string, unknown> {
  const parsedTags = parseBody(tagsSchema, tags);
  const cluster = requireCluster(context, clusterId);
  const now = context.clock.now();
  const body: Record<string, unknown> = { ...cluster.body, tags: parsedTags };
  body.systemData = systemData(principal, now, cluster.body.systemData);
  const stored = context.state.putResource(cluster.id, connectedClusterType, body, now);
  publishClusterWrite(context, stored.id, principal, false, "PATCH");
  return stored.body;
}

function getCluster(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const { subscriptionId, resourceGroup } = scopeParams(request);
  const name = request.params.clusterName ?? "";
  const id = clusterIdOf(subscriptionId, resourceGroup, name);
  context.authorize(request.principal, `${connectedClusterType}/read`, id);
  const cluster = findConnectedCluster(context, id);
  if (!cluster) throw armErrors.notFound(connectedClusterType, name, resourceGroup);
  return { status: 200, body: cluster.body };
}

// ConnectedCluster_Update with tags only (the spec's ConnectedClusterPatch: `tags` is the whole
// set): 200 with the cluster, and the write event. Properties are not patched here.
const patchSchema = z.strictObject({
  tags: z.record(z.string(), z.string()).optional(),
  properties: z.strictObject({}).optional(),
});

function patchCluster(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const { subscriptionId, resourceGroup } = scopeParams(request);
  const name = request.params.clusterName ?? "";
  const id = clusterIdOf(subscriptionId, resourceGroup, name);
  context.authorize(request.principal, writeOperation, id);
  const cluster = findConnectedCluster(context, id);
  if (!cluster) throw armErrors.notFound(connectedClusterType, name, resourceGroup);
  const patch = parseBody(patchSchema, request.body ?? {});
  if (patch.tags === undefined) return { status: 200, body: cluster.body };
  return { status: 200, body: setClusterTags(context, id, patch.tags, request.principal) };
}

export function connectedClustersRoutes(): RouteDefinition[] {
  const common = { resourceType: connectedClusterType, apiVersions: connectedClustersApiVersions } as const;
  return [
    {
      ...common,
      method: "GET",
      pattern: `${resourceGroupPath}/providers/Microsoft.Kubernetes/connectedClusters/{clusterName}`,
      operationId: "ConnectedCluster_Get",
      kind: "read",
      handler: getCluster,
    },
    {
      ...common,
      method: "PATCH",
      pattern: `${resourceGroupPath}/providers/Microsoft.Kubernetes/connectedClusters/{clusterName}`,
      operationId: "ConnectedCluster_Update",
      kind: "write",
      handler: patchCluster,
    },
    {
      ...common,
      method: "GET",
      pattern: `${resourceGroupPath}/providers/Microsoft.Kubernetes/connectedClusters`,
      operationId: "ConnectedCluster_ListByResourceGroup",
      kind: "read",
      handler: listHandler(connectedClusterType, "resourceGroup"),
    },
    {
      ...common,
      method: "GET",
      pattern: "/subscriptions/{subscriptionId}/providers/Microsoft.Kubernetes/connectedClusters",
      operationId: "ConnectedCluster_ListBySubscription",
      kind: "read",
      handler: listHandler(connectedClusterType, "subscription"),
    },
  ];
}
