// Arc-enabled Kubernetes clusters (Microsoft.Kubernetes/connectedClusters) and their cluster
// extensions (Microsoft.KubernetesConfiguration/extensions), by resource id through the app's
// ARM context (docs/azure-facts.md, "API Management self-hosted gateway"). An extension PUT is
// long-running (201 + Azure-AsyncOperation); the orchestration waits it out by reading the
// extension's provisioningState with durable timers. Protected settings are write-only: ARM never
// returns their values, and nothing here copies a request body into an error or a result.
import { NotFoundError, UnexpectedArmError } from "../errors";
import { clusterExtensionId, connectedClusterResourceId, parseConnectedClusterId } from "../resourceId";
import { apiVersions } from "./apiVersions";
import type { ArmContext } from "./armContext";
import { definedFields, readObject, readProperties, readString, readTags } from "./armPayload";
import { findResourceBody, readAllPages } from "./armReads";
import { beginDeleteResource, type DeleteOutcome, type OperationStart } from "./longRunningOperation";

export interface ConnectedCluster {
  readonly id: string;
  readonly name: string;
  readonly location: string;
  /** Connecting | Connected | Offline | Expired | AgentNotInstalled (the spec's ConnectivityStatus). */
  readonly connectivityStatus: string;
  readonly provisioningState: string;
  readonly tags: Record<string, string>;
}

export interface ClusterExtension {
  readonly id: string;
  readonly name: string;
  readonly extensionType: string;
  /** Succeeded | Failed | Canceled | Creating | Updating | Deleting. */
  readonly provisioningState: string;
  readonly releaseTrain?: string;
  readonly namespace?: string;
  readonly configurationSettings: Record<string, string>;
  /** The protected settings' names ARM shows (never their values). */
  readonly protectedSettingNames: string[];
  readonly currentVersion?: string;
  readonly errorMessage?: string;
}

export interface ExtensionWrite {
  readonly extensionType: string;
  readonly releaseTrain: string;
  readonly namespace: string;
  readonly configurationSettings: Readonly<Record<string, string>>;
  /** Sent once, never logged or returned. */
  readonly configurationProtectedSettings: Readonly<Record<string, string>>;
}

function clusterId(id: string): string {
  return connectedClusterResourceId(parseConnectedClusterId(id));
}

/** The cluster, or undefined when it does not exist. */
export async function findConnectedCluster(
  context: ArmContext,
  id: string,
): Promise<ConnectedCluster | undefined> {
  const canonical = clusterId(id);
  const body = await findResourceBody(context, canonical, apiVersions.connectedClusters);
  return body === undefined ? undefined : toConnectedCluster(body, canonical);
}

/** The cluster, or NotFoundError. */
export async function getConnectedCluster(context: ArmContext, id: string): Promise<ConnectedCluster> {
  const cluster = await findConnectedCluster(context, id);
  if (!cluster)
    throw new NotFoundError(`The connected cluster ${id} does not exist`, "ResourceNotFound", 404);
  return cluster;
}

/** Every connected cluster of a subscription or resource group, following nextLink (readAllPages: a repeated link is refused). */
export async function listConnectedClusters(
  context: ArmContext,
  scope: { readonly subscriptionId: string; readonly resourceGroup?: string },
): Promise<ConnectedCluster[]> {
  const group = scope.resourceGroup === undefined ? "" : `/resourceGroups/${scope.resourceGroup}`;
  const request = {
    path: `/subscriptions/${scope.subscriptionId}${group}/providers/Microsoft.Kubernetes/connectedClusters`,
    apiVersion: apiVersions.connectedClusters,
  };
  const clusters: ConnectedCluster[] = [];
  for await (const cluster of readAllPages(context, request, (item) => toConnectedCluster(item)))
    clusters.push(cluster);
  return clusters;
}

/** Replaces the cluster's tags (ConnectedCluster_Update: `tags` is the whole set; read, merge, send). */
export async function updateClusterTags(
  context: ArmContext,
  id: string,
  tags: Readonly<Record<string, string>>,
): Promise<void> {
  await context.send({
    method: "PATCH",
    path: clusterId(id),
    apiVersion: apiVersions.connectedClusters,
    body: { tags: { ...tags } },
  });
}

/** The extension, or undefined when it (or its cluster) does not exist. */
export async function findClusterExtension(
  context: ArmContext,
  cluster: string,
  extensionName: string,
): Promise<ClusterExtension | undefined> {
  const id = clusterExtensionId(cluster, extensionName);
  const body = await findResourceBody(context, id, apiVersions.kubernetesConfiguration);
  return body === undefined ? undefined : toClusterExtension(body, id);
}

/** PUTs the extension (Extensions_Create): 201 with Azure-AsyncOperation; the caller polls the extension. */
export async function putClusterExtension(
  context: ArmContext,
  cluster: string,
  extensionName: string,
  write: ExtensionWrite,
): Promise<ClusterExtension> {
  const id = clusterExtensionId(cluster, extensionName);
  const response = await context.send({
    method: "PUT",
    path: id,
    apiVersion: apiVersions.kubernetesConfiguration,
    body: {
      properties: {
        extensionType: write.extensionType,
        autoUpgradeMinorVersion: true,
        releaseTrain: write.releaseTrain,
        scope: { namespace: { targetNamespace: write.namespace } },
        configurationSettings: { ...write.configurationSettings },
        configurationProtectedSettings: { ...write.configurationProtectedSettings },
      },
    },
  });
  return (
    toClusterExtension(response.body, id) ?? {
      id,
      name: extensionName,
      extensionType: write.extensionType,
      provisioningState: "Creating",
      configurationSettings: { ...write.configurationSettings },
      protectedSettingNames: Object.keys(write.configurationProtectedSettings),
    }
  );
}

/**
 * PATCHes protected settings (Extensions_Update: 202 while the agent applies them, 200 when
 * nothing changed). Every protected setting is sent: the caller resupplies the ones it keeps.
 */
export async function patchExtensionProtectedSettings(
  context: ArmContext,
  cluster: string,
  extensionName: string,
  configurationProtectedSettings: Readonly<Record<string, string>>,
): Promise<void> {
  await context.send({
    method: "PATCH",
    path: clusterExtensionId(cluster, extensionName),
    apiVersion: apiVersions.kubernetesConfiguration,
    body: { properties: { configurationProtectedSettings: { ...configurationProtectedSettings } } },
  });
}

/** DELETE (Extensions_Delete, 202 async); `alreadyGone` when there was nothing to delete. */
export function beginDeleteClusterExtension(
  context: ArmContext,
  cluster: string,
  extensionName: string,
): Promise<OperationStart<DeleteOutcome>> {
  return beginDeleteResource(
    context,
    clusterExtensionId(cluster, extensionName),
    apiVersions.kubernetesConfiguration,
  );
}

export function toConnectedCluster(body: unknown, fallbackId?: string): ConnectedCluster | undefined {
  const resource = readObject(body);
  const id = readString(resource.id) ?? fallbackId;
  if (id === undefined) return undefined;
  let canonical: string;
  try {
    canonical = clusterId(id);
  } catch {
    return undefined;
  }
  const properties = readProperties(body);
  return {
    id: canonical,
    name: readString(resource.name) ?? parseConnectedClusterId(canonical).clusterName,
    location: readString(resource.location) ?? "",
    connectivityStatus: readString(properties.connectivityStatus) ?? "Unknown",
    provisioningState: readString(properties.provisioningState) ?? "Succeeded",
    tags: readTags(resource.tags),
  };
}

export function toClusterExtension(body: unknown, id: string): ClusterExtension | undefined {
  const resource = readObject(body);
  if (Object.keys(resource).length === 0) return undefined;
  const properties = readProperties(body);
  const settings = readObject(properties.configurationSettings);
  const scope = readObject(properties.scope);
  const namespace =
    readString(readObject(scope.namespace).targetNamespace) ??
    readString(readObject(scope.cluster).releaseNamespace);
  const errorInfo = readObject(properties.errorInfo);
  const extensionType = readString(properties.extensionType);
  if (extensionType === undefined && readString(properties.provisioningState) === undefined) {
    throw new UnexpectedArmError(`The extension ${id} answered without extensionType`, "InvalidExtension");
  }
  return {
    id,
    name: readString(resource.name) ?? id.split("/").pop() ?? "",
    extensionType: extensionType ?? "",
    provisioningState: readString(properties.provisioningState) ?? "Succeeded",
    configurationSettings: Object.fromEntries(
      Object.entries(settings).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
    ),
    protectedSettingNames: Object.keys(readObject(properties.configurationProtectedSettings)),
    ...definedFields({
      releaseTrain: readString(properties.releaseTrain),
      namespace,
      currentVersion: readString(properties.currentVersion),
      errorMessage: readString(errorInfo.message),
    }),
  };
}
