// Microsoft.KubernetesConfiguration/extensions on a connected cluster (2023-05-01, what the app
// sends, and 2025-03-01: both specs are the same for these operations). PUT answers 201 (200 on an
// existing extension) with the extension `Creating`/`Updating` and `Azure-AsyncOperation` pointing
// at the spec's `…/extensions/{name}/operations/{operationId}` (the CreateExtension example; the
// spec's final state is via azure-async-operation and names no Location), PATCH 202 and DELETE 202
// the same way (`forceDelete=true`: 200 at once); the install runs on the emulator's clock (2
// virtual minutes by default) and ends Succeeded, or Failed when a test asked for it or the
// cluster is not Connected (its agents never pick the extension up; the app checks first).
// `configurationProtectedSettings` are accepted and never returned: GET leaves the field out, as
// the spec's GetExtension example does. A PATCH merges `configurationSettings` and replaces
// `configurationProtectedSettings` when it sends them. What a successful install or update
// applied is what runs (providers/apiManagement/deployments.ts): a self-hosted gateway's
// heartbeat and token events follow it.
import { z } from "zod";

import { apiVersions as appApiVersions } from "../../../../shared/azure/apiVersions";
import { normalizeResourceId } from "../../../../shared/resourceId";
import { armErrors } from "../../armError";
import { publishSucceeded, systemData } from "../../armResource";
import { type EmulatorState, perState, type StoredResource } from "../../state";
import type { EmulatorContext, EmulatorRequest, HandlerResult, RouteDefinition } from "../../types";
import { parseBody } from "../../validation";
import { applyDeployment, removeDeployment } from "../apiManagement/deployments";
import { scheduleTokenEvents } from "../apiManagement/heartbeat";
import { echoedEnvelope, scopeParams } from "../hybridCompute/armConventions";
import {
  clusterConnectivity,
  clusterIdOf,
  connectedClusterType,
  findConnectedCluster,
} from "./connectedClusters";

export const extensionType = "Microsoft.KubernetesConfiguration/extensions";
export const extensionsApiVersions = [appApiVersions.kubernetesConfiguration, "2025-03-01"] as const;

const clusterPath =
  "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/{clusterRp}/{clusterResourceName}/{clusterName}";
const extensionsPath = `${clusterPath}/providers/Microsoft.KubernetesConfiguration/extensions`;
const extensionPath = `${extensionsPath}/{extensionName}`;

/** Extension names: what the service accepts (lower-case letters, digits, '-' and '.', at most 253). */
const extensionNamePattern = /^[a-zA-Z0-9]([a-zA-Z0-9\-.]{0,251}[a-zA-Z0-9])?$/;

const settingsSchema = z.record(z.string().min(1).max(1024), z.string().max(65_536)).nullable();

const scopeSchema = z.strictObject({
  cluster: z
    .strictObject({ releaseNamespace: z.string().min(1).max(63).optional() })
    .nullable()
    .optional(),
  namespace: z
    .strictObject({ targetNamespace: z.string().min(1).max(63).optional() })
    .nullable()
    .optional(),
});

// Read-only properties a client may echo back from a GET; ignored on input.
const readOnlyProperties = {
  currentVersion: z.string().nullable().optional(),
  provisioningState: z.string().optional(),
  statuses: z.array(z.unknown()).nullable().optional(),
  errorInfo: z.unknown().optional(),
  customLocationSettings: z.unknown().optional(),
  packageUri: z.string().nullable().optional(),
  isSystemExtension: z.boolean().optional(),
  managementDetails: z.unknown().optional(),
  additionalDetails: z.unknown().optional(),
  extensionState: z.string().nullable().optional(),
  aksAssignedIdentity: z.unknown().optional(),
};

const extensionPropertiesSchema = z.strictObject({
  extensionType: z.string().min(1).max(253),
  autoUpgradeMode: z.enum(["none", "patch", "compatible"]).optional(),
  autoUpgradeMinorVersion: z.boolean().optional(),
  releaseTrain: z.string().min(1).max(64).optional(),
  version: z.string().min(1).nullable().optional(),
  scope: scopeSchema.optional(),
  configurationSettings: settingsSchema.optional(),
  configurationProtectedSettings: settingsSchema.optional(),
  ...readOnlyProperties,
});

const extensionBodySchema = z.strictObject({
  ...echoedEnvelope,
  identity: z.unknown().optional(),
  plan: z.unknown().optional(),
  managedBy: z.string().optional(),
  properties: extensionPropertiesSchema,
});

/** PATCH changes only these properties, under the same rules as PUT. */
const extensionPatchSchema = z.strictObject({
  properties: extensionPropertiesSchema
    .pick({
      autoUpgradeMode: true,
      autoUpgradeMinorVersion: true,
      releaseTrain: true,
      version: true,
      configurationSettings: true,
      configurationProtectedSettings: true,
    })
    .optional(),
});

// ---- what the extension resource does not show ----

interface ExtensionRecord {
  /** Protected settings last requested (applied once the operation succeeds). */
  protectedSettings: Record<string, string>;
}

interface ExtensionOperation {
  readonly id: string;
  readonly extensionId: string;
  readonly apiVersion: string;
  status: "InProgress" | "Succeeded" | "Failed";
  error?: { code: string; message: string };
}

interface Side {
  readonly records: Map<string, ExtensionRecord>;
  readonly operations: Map<string, ExtensionOperation>;
  failures: { code: string; message: string }[];
}

const sideOf = perState((): Side => ({ records: new Map(), operations: new Map(), failures: [] }));

/** Makes the next `count` extension installs or updates end Failed (a Helm release that did not come up). */
export function failNextExtensionOperations(
  state: EmulatorState,
  count = 1,
  failure = {
    code: "ExtensionOperationFailed",
    message: "The extension's Helm release failed to install: pods did not become ready.",
  },
): void {
  for (let i = 0; i < count; i++) sideOf(state).failures.push(failure);
}

/**
 * Test helper (in process only, never over HTTP): the protected settings an extension was last
 * given, so a test can check the exact values the app sent without any response carrying them.
 */
export function extensionProtectedSettings(
  state: EmulatorState,
  extensionId: string,
): Readonly<Record<string, string>> | undefined {
  return sideOf(state).records.get(normalizeResourceId(extensionId))?.protectedSettings;
}

// ---- routes ----

interface Target {
  readonly clusterId: string;
  readonly id: string;
  readonly name: string;
}

function targetOf(request: EmulatorRequest, withName = true): Target {
  const { subscriptionId, resourceGroup } = scopeParams(request);
  const rp = request.params.clusterRp ?? "";
  const resourceName = request.params.clusterResourceName ?? "";
  if (!/^[a-zA-Z]*$/.test(resourceName)) {
    throw armErrors.badRequest(
      "InvalidClusterResourceName",
      `'${resourceName}' is not a cluster resource name.`,
    );
  }
  const clusterName = request.params.clusterName ?? "";
  const isConnected =
    rp.toLowerCase() === "microsoft.kubernetes" && resourceName.toLowerCase() === "connectedclusters";
  const clusterId = isConnected
    ? clusterIdOf(subscriptionId, resourceGroup, clusterName)
    : `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${rp}/${resourceName}/${clusterName}`;
  const name = withName ? (request.params.extensionName ?? "") : "";
  if (withName && !extensionNamePattern.test(name)) {
    throw armErrors.invalidName(
      "extension",
      name,
      "It must be 1-253 letters, digits, '-' or '.', starting and ending with a letter or digit.",
    );
  }
  return {
    // The emulator has connected clusters only: any other kind of cluster is never found.
    clusterId,
    id: `${clusterId}/providers/${extensionType}/${name}`,
    name,
  };
}

function requireClusterOf(context: EmulatorContext, target: Target): StoredResource {
  const cluster = findConnectedCluster(context, target.clusterId);
  if (!cluster)
    throw armErrors.parentNotFound(`${connectedClusterType}/${target.clusterId.split("/").pop() ?? ""}`);
  return cluster;
}

function findExtension(context: EmulatorContext, id: string): StoredResource | undefined {
  const found = context.state.getResource(id);
  return found && found.type.toLowerCase() === extensionType.toLowerCase() ? found : undefined;
}

function propertiesOf(extension: StoredResource): Record<string, unknown> {
  return { ...(extension.body.properties as Record<string, unknown>) };
}

function isBusy(extension: StoredResource): boolean {
  const state = propertiesOf(extension).provisioningState;
  return state === "Creating" || state === "Updating" || state === "Deleting";
}

function apiVersionOf(request: EmulatorRequest): string {
  return request.apiVersion ?? extensionsApiVersions[0];
}

function startOperation(
  request: EmulatorRequest,
  context: EmulatorContext,
  extensionId: string,
  durationMs: number,
  complete: () => { code: string; message: string } | undefined,
): Record<string, string> {
  const side = sideOf(context.state);
  const operation: ExtensionOperation = {
    id: context.random.uuid(),
    extensionId,
    apiVersion: apiVersionOf(request),
    status: "InProgress",
  };
  side.operations.set(operation.id.toLowerCase(), operation);
  context.clock.setTimer(durationMs, () => {
    const error = complete();
    operation.status = error ? "Failed" : "Succeeded";
    if (error) operation.error = error;
  });
  return {
    "azure-asyncoperation": `${context.baseUrl}${extensionId}/operations/${operation.id}?api-version=${operation.apiVersion}`,
  };
}

const gatewayServiceTypes = ["LoadBalancer", "NodePort", "ClusterIP"];

/**
 * What the API Management gateway's Helm chart refuses (the extension reference): its two required
 * settings missing, or a Kubernetes service type that does not exist. Other extension types pass.
 */
function chartError(
  properties: Record<string, unknown>,
  record: ExtensionRecord | undefined,
): { code: string; message: string } | undefined {
  if (String(properties.extensionType).toLowerCase() !== "microsoft.apimanagement.gateway") return undefined;
  const settings = (properties.configurationSettings ?? {}) as Record<string, string>;
  const secrets = record?.protectedSettings ?? {};
  const missing = ["gateway.configuration.uri", "gateway.auth.token"].filter(
    (name) => settings[name] === undefined && secrets[name] === undefined,
  );
  if (missing.length > 0) {
    return {
      code: "ExtensionOperationFailed",
      message: `The Helm release failed: required setting(s) ${missing.join(", ")} not set.`,
    };
  }
  const serviceType = settings["service.type"];
  if (serviceType !== undefined && !gatewayServiceTypes.includes(serviceType)) {
    return {
      code: "ExtensionOperationFailed",
      message: `The Helm release failed: Service type '${serviceType}' is not supported (${gatewayServiceTypes.join(", ")}).`,
    };
  }
  return undefined;
}

/** When an install or update is done: Succeeded (and applied to the cluster) or Failed. */
function finishInstall(
  context: EmulatorContext,
  extensionId: string,
): { code: string; message: string } | undefined {
  const extension = findExtension(context, extensionId);
  if (!extension)
    return { code: "ResourceDeleted", message: "The extension was deleted while it was being installed." };
  const properties = propertiesOf(extension);
  const side = sideOf(context.state);
  const clusterId = extensionId.slice(
    0,
    extensionId.toLowerCase().indexOf("/providers/microsoft.kubernetesconfiguration/"),
  );
  const cluster = findConnectedCluster(context, clusterId);
  let error: { code: string; message: string } | undefined;
  if (!cluster || clusterConnectivity(cluster) !== "Connected") {
    error = {
      code: "ClusterNotConnected",
      message: `The cluster is ${cluster ? clusterConnectivity(cluster) : "gone"}: its agents could not install the extension. Reconnect the cluster and retry.`,
    };
  } else {
    error =
      side.failures.shift() ?? chartError(properties, side.records.get(normalizeResourceId(extensionId)));
  }
  const now = context.clock.now();
  if (error) {
    properties.provisioningState = "Failed";
    properties.errorInfo = { code: error.code, message: error.message };
    properties.statuses = [
      {
        code: error.code,
        displayStatus: "Failed",
        level: "Error",
        message: error.message,
        time: new Date(now).toISOString(),
      },
    ];
  } else {
    properties.provisioningState = "Succeeded";
    properties.currentVersion = properties.version ?? "1.0.0";
    delete properties.errorInfo;
    properties.statuses = [];
    const record = side.records.get(normalizeResourceId(extensionId));
    applyDeployment(context.state, {
      extensionId: extension.id,
      extensionType: String(properties.extensionType),
      settings: { ...((properties.configurationSettings ?? {}) as Record<string, string>) },
      protectedSettings: { ...(record?.protectedSettings ?? {}) },
      appliedAt: now,
    });
    scheduleTokenEvents(context, extension.id);
  }
  context.state.putResource(extension.id, extensionType, { ...extension.body, properties }, now);
  return error;
}

function publishIfSucceeded(
  error: { code: string; message: string } | undefined,
  publish: () => void,
): { code: string; message: string } | undefined {
  if (!error) publish();
  return error;
}

function putExtension(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const target = targetOf(request);
  context.authorize(request.principal, `${extensionType}/write`, target.id);
  requireClusterOf(context, target);
  const body = parseBody(extensionBodySchema, request.body);
  const requested = body.properties;
  if (requested.scope?.cluster && requested.scope.namespace) {
    throw armErrors.badRequest(
      "InvalidScope",
      "An extension's scope is either cluster or namespace, not both.",
    );
  }
  const autoUpgrade = requested.autoUpgradeMinorVersion ?? true;
  if (autoUpgrade && requested.version) {
    throw armErrors.badRequest(
      "InvalidVersion",
      "A version can be set only when autoUpgradeMinorVersion is false.",
    );
  }
  const existing = findExtension(context, target.id);
  if (existing) {
    if (isBusy(existing)) {
      throw armErrors.conflict(
        "OperationNotAllowed",
        `The extension '${target.name}' is ${String(propertiesOf(existing).provisioningState)}; wait for that operation to finish.`,
      );
    }
    if (
      String(propertiesOf(existing).extensionType).toLowerCase() !== requested.extensionType.toLowerCase()
    ) {
      throw armErrors.badRequest(
        "InvalidExtensionType",
        "The extension type of an existing extension cannot be changed.",
      );
    }
  }
  const now = context.clock.now();
  const properties: Record<string, unknown> = {
    extensionType: requested.extensionType,
    ...(requested.autoUpgradeMode ? { autoUpgradeMode: requested.autoUpgradeMode } : {}),
    autoUpgradeMinorVersion: autoUpgrade,
    releaseTrain: requested.releaseTrain ?? "Stable",
    version: requested.version ?? null,
    scope: requested.scope ?? {
      cluster: {
        releaseNamespace: requested.extensionType
          .toLowerCase()
          .replace(/[^a-z0-9-]/g, "-")
          .slice(0, 63),
      },
    },
    configurationSettings: requested.configurationSettings ?? {},
    provisioningState: existing ? "Updating" : "Creating",
    currentVersion: existing ? (propertiesOf(existing).currentVersion ?? null) : null,
    statuses: [],
    isSystemExtension: false,
  };
  sideOf(context.state).records.set(normalizeResourceId(target.id), {
    protectedSettings: { ...(requested.configurationProtectedSettings ?? {}) },
  });
  const stored = context.state.putResource(
    existing?.id ?? target.id,
    extensionType,
    {
      id: existing?.id ?? target.id,
      name: target.name,
      type: extensionType,
      properties,
      systemData: systemData(request.principal, now, existing?.body.systemData),
    },
    now,
  );
  // Event Grid reports the write once it has succeeded (as for the Arc gateway's creation).
  const headers = startOperation(request, context, stored.id, context.timings.clusterExtensionInstallMs, () =>
    publishIfSucceeded(finishInstall(context, stored.id), () =>
      publishSucceeded(
        request,
        context,
        "write",
        stored.id,
        `${extensionType}/write`,
        existing !== undefined,
      ),
    ),
  );
  return { status: existing ? 200 : 201, body: stored.body, headers };
}

function patchExtension(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const target = targetOf(request);
  context.authorize(request.principal, `${extensionType}/write`, target.id);
  requireClusterOf(context, target);
  const patch = parseBody(extensionPatchSchema, request.body).properties ?? {};
  const existing = findExtension(context, target.id);
  if (!existing) throw armErrors.notFound(extensionType, target.name);
  if (isBusy(existing)) {
    throw armErrors.conflict(
      "OperationNotAllowed",
      `The extension '${target.name}' is ${String(propertiesOf(existing).provisioningState)}; wait for that operation to finish.`,
    );
  }
  const properties = propertiesOf(existing);
  const autoUpgrade = patch.autoUpgradeMinorVersion ?? (properties.autoUpgradeMinorVersion as boolean);
  const version = patch.version === undefined ? properties.version : patch.version;
  if (autoUpgrade && version) {
    throw armErrors.badRequest(
      "InvalidVersion",
      "A version can be set only when autoUpgradeMinorVersion is false.",
    );
  }
  if (patch.autoUpgradeMode) properties.autoUpgradeMode = patch.autoUpgradeMode;
  properties.autoUpgradeMinorVersion = autoUpgrade;
  properties.version = version ?? null;
  if (patch.releaseTrain) properties.releaseTrain = patch.releaseTrain;
  if (patch.configurationSettings) {
    properties.configurationSettings = {
      ...((properties.configurationSettings ?? {}) as Record<string, string>),
      ...patch.configurationSettings,
    };
  }
  const side = sideOf(context.state);
  const key = normalizeResourceId(existing.id);
  if (patch.configurationProtectedSettings) {
    side.records.set(key, { protectedSettings: { ...patch.configurationProtectedSettings } });
  }
  properties.provisioningState = "Updating";
  const now = context.clock.now();
  const stored = context.state.putResource(
    existing.id,
    extensionType,
    {
      ...existing.body,
      properties,
      systemData: systemData(request.principal, now, existing.body.systemData),
    },
    now,
  );
  const headers = startOperation(request, context, stored.id, context.timings.clusterExtensionUpdateMs, () =>
    publishIfSucceeded(finishInstall(context, stored.id), () =>
      publishSucceeded(request, context, "write", stored.id, `${extensionType}/write`),
    ),
  );
  return { status: 202, body: stored.body, headers };
}

function getExtension(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const target = targetOf(request);
  context.authorize(request.principal, `${extensionType}/read`, target.id);
  requireClusterOf(context, target);
  const extension = findExtension(context, target.id);
  if (!extension) throw armErrors.notFound(extensionType, target.name);
  return { status: 200, body: extension.body };
}

function listExtensions(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const target = targetOf(request, false);
  context.authorize(request.principal, `${extensionType}/read`, target.clusterId);
  const cluster = requireClusterOf(context, target);
  const value = context.state.listResources({ type: extensionType, parentId: cluster.id }).map((r) => r.body);
  return { status: 200, body: { value } };
}

function removeExtension(context: EmulatorContext, id: string): void {
  context.state.deleteResource(id);
  sideOf(context.state).records.delete(normalizeResourceId(id));
  removeDeployment(context.state, id);
  scheduleTokenEvents(context, id);
}

function deleteExtension(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const target = targetOf(request);
  context.authorize(request.principal, `${extensionType}/delete`, target.id);
  requireClusterOf(context, target);
  const extension = findExtension(context, target.id);
  if (!extension) return { status: 204 };
  if (request.url.searchParams.get("forceDelete")?.toLowerCase() === "true") {
    removeExtension(context, extension.id);
    publishSucceeded(request, context, "delete", extension.id, `${extensionType}/delete`);
    return { status: 200 };
  }
  const properties = propertiesOf(extension);
  if (properties.provisioningState === "Creating" || properties.provisioningState === "Updating") {
    throw armErrors.conflict(
      "OperationNotAllowed",
      `The extension '${target.name}' is ${String(properties.provisioningState)}; wait for that operation to finish.`,
    );
  }
  properties.provisioningState = "Deleting";
  const deleting = context.state.putResource(
    extension.id,
    extensionType,
    { ...extension.body, properties },
    context.clock.now(),
  );
  const headers = startOperation(
    request,
    context,
    extension.id,
    context.timings.clusterExtensionDeleteMs,
    () => {
      removeExtension(context, extension.id);
      publishSucceeded(request, context, "delete", extension.id, `${extensionType}/delete`);
      return undefined;
    },
  );
  return { status: 202, body: deleting.body, headers };
}

function getOperationStatus(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const target = targetOf(request);
  context.authorize(request.principal, `${extensionType}/read`, target.id);
  const operationId = request.params.operationId ?? "";
  const operation = sideOf(context.state).operations.get(operationId.toLowerCase());
  if (!operation || normalizeResourceId(operation.extensionId) !== normalizeResourceId(target.id)) {
    throw armErrors.notFound(`${extensionType}/operations`, operationId);
  }
  const body: Record<string, unknown> = {
    id: `${operation.extensionId}/operations/${operation.id}`,
    name: operation.id,
    status: operation.status,
  };
  if (operation.error) body.error = operation.error;
  return { status: 200, body };
}

export function clusterExtensionsRoutes(): RouteDefinition[] {
  const common = { resourceType: extensionType, apiVersions: extensionsApiVersions } as const;
  return [
    {
      ...common,
      method: "PUT",
      pattern: extensionPath,
      operationId: "Extensions_Create",
      kind: "write",
      handler: putExtension,
    },
    {
      ...common,
      method: "PATCH",
      pattern: extensionPath,
      operationId: "Extensions_Update",
      kind: "write",
      handler: patchExtension,
    },
    {
      ...common,
      method: "GET",
      pattern: extensionPath,
      operationId: "Extensions_Get",
      kind: "read",
      handler: getExtension,
    },
    {
      ...common,
      method: "DELETE",
      pattern: extensionPath,
      operationId: "Extensions_Delete",
      kind: "delete",
      handler: deleteExtension,
    },
    {
      ...common,
      method: "GET",
      pattern: extensionsPath,
      operationId: "Extensions_List",
      kind: "read",
      handler: listExtensions,
    },
    {
      ...common,
      method: "GET",
      pattern: `${extensionPath}/operations/{operationId}`,
      operationId: "OperationStatus_Get",
      kind: "read",
      handler: getOperationStatus,
    },
  ];
}
