// Every Azure operation arc-autopilot performs, with the RBAC action that authorizes it, the scope
// it happens at and why the app needs it: the least-privilege contract. The deployment grants
// exactly these actions (infra/roles/*.json, assigned by infra/modules/appPermissions.bicep);
// test/infra/permissions.test.ts fails when a granted action is used by no entry or an entry's
// action is not granted at its scope, and the suite's teardown fails when a test saw the app send
// an ARM request no entry matches (test/support/appTrafficPermissions.ts). Action names are those
// of Microsoft's "Azure permissions" reference (docs/azure-facts.md, "Permissions").
//
// Paths are ARM paths with `{placeholders}` for one segment each; ARM treats paths
// case-insensitively, so does the matcher. Query strings (api-version, $skipToken) do not matter.

/** Where an operation happens: the kinds of scope the deployment assigns a role at. */
export type PermissionScope =
  /** An ARC_SCOPES entry (a subscription or a resource group): machines and clusters live there. */
  | "managedScope"
  /** The subscription of an ARC_SCOPES entry (provider registration, subscription-level reads). */
  | "managedSubscription"
  /** ARC_GATEWAY_RESOURCE_GROUP in a gateway subscription: gateways are created and deleted there. */
  | "gatewayResourceGroup"
  /** ARC_GATEWAY_SUBSCRIPTION, or each managed subscription without a hub: gateways are listed there. */
  | "gatewaySubscription"
  /** One API Management service named by a cluster's ARC_APIM_GATEWAY_TAG. */
  | "apimService"
  /** The Event Grid topic of ARC_OUTCOME_TOPIC_ENDPOINT. */
  | "outcomeTopic"
  /** The blob container of ARC_DEAD_LETTER_CONTAINER_URL. */
  | "deadLetterContainer";

interface PermissionBase {
  readonly scope: PermissionScope;
  readonly why: string;
}

/** An ARM (control-plane) operation. */
export interface ArmOperationPermission extends PermissionBase {
  readonly method: "GET" | "PUT" | "PATCH" | "DELETE" | "POST";
  /** ARM path, `{name}` standing for one path segment. */
  readonly path: string;
  /** The RBAC action ARM checks, or null with `noAction` saying why none is needed. */
  readonly action: string | null;
  readonly noAction?: string;
}

/** A data-plane operation (no ARM path: its own endpoint, authorized by a data action). */
export interface DataPlanePermission extends PermissionBase {
  readonly operation: string;
  readonly dataAction: string;
  /** The module that performs it. */
  readonly performedBy: string;
}

const sub = "/subscriptions/{subscriptionId}";
const rg = `${sub}/resourceGroups/{resourceGroup}`;
const machine = `${rg}/providers/Microsoft.HybridCompute/machines/{machine}`;
const gateway = `${rg}/providers/Microsoft.HybridCompute/gateways/{gateway}`;
const endpoint = `${machine}/providers/Microsoft.HybridConnectivity/endpoints/{endpoint}`;
const sshConfiguration = `${endpoint}/serviceConfigurations/{serviceConfiguration}`;
const cluster = `${rg}/providers/Microsoft.Kubernetes/connectedClusters/{cluster}`;
const extension = `${cluster}/providers/Microsoft.KubernetesConfiguration/extensions/{extension}`;
const apimService = `${rg}/providers/Microsoft.ApiManagement/service/{service}`;
const apimGateway = `${apimService}/gateways/{apimGateway}`;
const hybridComputeOperation = `${sub}/providers/Microsoft.HybridCompute/locations/{location}`;

export const armOperationPermissions: readonly ArmOperationPermission[] = [
  // Arc machines (managed scopes).
  {
    method: "GET",
    path: machine,
    action: "Microsoft.HybridCompute/machines/read",
    scope: "managedScope",
    why: "observe a machine: status, agent version, configuration, tags",
  },
  {
    method: "PATCH",
    path: machine,
    action: "Microsoft.HybridCompute/machines/write",
    scope: "managedScope",
    why: "record an operator's choice of a direct connection as a machine tag (detach, retirement)",
  },
  {
    method: "GET",
    path: `${machine}/providers/Microsoft.HybridCompute/settings/{settings}`,
    action: "Microsoft.HybridCompute/settings/read",
    scope: "managedScope",
    why: "read which gateway a machine is linked to",
  },
  {
    method: "PUT",
    path: `${machine}/providers/Microsoft.HybridCompute/settings/{settings}`,
    action: "Microsoft.HybridCompute/settings/write",
    scope: "managedScope",
    why: "link a machine to its gateway, or clear the link",
  },
  {
    method: "PUT",
    path: `${machine}/runCommands/{runCommand}`,
    action: "Microsoft.HybridCompute/machines/runcommands/write",
    scope: "managedScope",
    why: "run azcmagent config on the machine (connection type, incoming ports)",
  },
  {
    method: "GET",
    path: `${machine}/runCommands/{runCommand}`,
    action: "Microsoft.HybridCompute/machines/runcommands/read",
    scope: "managedScope",
    // The app waits for a run by reading it (asyncExecution false), never through the PUT's
    // operation monitor: the managed subscriptions need no locations/operationstatus read.
    why: "read a run command's outcome, and wait for it (idempotent re-runs find the previous one)",
  },
  // SSH over Arc (managed scopes).
  {
    method: "GET",
    path: endpoint,
    action: "Microsoft.HybridConnectivity/endpoints/read",
    scope: "managedScope",
    why: "check the machine's default connectivity endpoint",
  },
  {
    method: "PUT",
    path: endpoint,
    action: "Microsoft.HybridConnectivity/endpoints/write",
    scope: "managedScope",
    why: "create the default connectivity endpoint az ssh arc needs",
  },
  {
    method: "GET",
    path: sshConfiguration,
    action: "Microsoft.HybridConnectivity/endpoints/serviceConfigurations/read",
    scope: "managedScope",
    why: "check the SSH service configuration and its port",
  },
  {
    method: "PUT",
    path: sshConfiguration,
    action: "Microsoft.HybridConnectivity/endpoints/serviceConfigurations/write",
    scope: "managedScope",
    why: "create the SSH service configuration, or set its port",
  },
  {
    method: "DELETE",
    path: sshConfiguration,
    action: "Microsoft.HybridConnectivity/endpoints/serviceConfigurations/delete",
    scope: "managedScope",
    why: "recreate an SSH configuration whose port a PUT did not change",
  },
  // Resource provider registration (each managed scope's subscription).
  {
    method: "GET",
    path: `${sub}/providers/Microsoft.HybridConnectivity`,
    action: "Microsoft.Resources/subscriptions/providers/read",
    scope: "managedSubscription",
    why: "read whether Microsoft.HybridConnectivity is registered",
  },
  {
    method: "POST",
    path: `${sub}/providers/Microsoft.HybridConnectivity/register`,
    action: "Microsoft.HybridConnectivity/register/action",
    scope: "managedSubscription",
    why: "register Microsoft.HybridConnectivity once per subscription (SSH over Arc needs it)",
  },
  // Arc gateways.
  {
    method: "GET",
    path: `${sub}/providers/Microsoft.HybridCompute/gateways`,
    action: "Microsoft.HybridCompute/gateways/read",
    scope: "gatewaySubscription",
    why: "list every gateway of the subscription: placement, the 5-per-subscription quota, the inventory",
  },
  {
    method: "GET",
    path: gateway,
    action: "Microsoft.HybridCompute/gateways/read",
    scope: "gatewaySubscription",
    why: "read a gateway's state (creation, retirement, drift); granted with the subscription's list",
  },
  {
    method: "PUT",
    path: gateway,
    action: "Microsoft.HybridCompute/gateways/write",
    scope: "gatewayResourceGroup",
    why: "create a region's gateway",
  },
  {
    method: "PATCH",
    path: gateway,
    action: "Microsoft.HybridCompute/gateways/write",
    scope: "gatewayResourceGroup",
    why: "tag a gateway as retiring",
  },
  {
    method: "DELETE",
    path: gateway,
    action: "Microsoft.HybridCompute/gateways/delete",
    scope: "gatewayResourceGroup",
    why: "delete a retired gateway once no machine uses it",
  },
  {
    method: "GET",
    path: `${hybridComputeOperation}/operationStatus/{operation}`,
    action: "Microsoft.HybridCompute/locations/operationstatus/read",
    scope: "gatewaySubscription",
    why: "follow a gateway creation or deletion (its status monitor is a subscription-level path)",
  },
  {
    method: "GET",
    path: `${hybridComputeOperation}/operationResults/{operation}`,
    action: "Microsoft.HybridCompute/locations/operationresults/read",
    scope: "gatewaySubscription",
    why: "follow a gateway creation or deletion through its Location monitor",
  },
  // Resource Graph (tenant-level path).
  {
    method: "POST",
    path: "/providers/Microsoft.ResourceGraph/resources",
    action: null,
    noAction:
      "Resource Graph answers only the resources the caller may read (the machines/read and gateways/read above); " +
      'the query itself needs no role (Learn: "Permissions in Azure Resource Graph")',
    scope: "managedScope",
    why: "inventory machines and gateways and count machines per region, 1,000 rows a page",
  },
  // Arc-enabled Kubernetes and the API Management gateway extension.
  {
    method: "GET",
    path: `${sub}/providers/Microsoft.Kubernetes/connectedClusters`,
    action: "Microsoft.Kubernetes/connectedClusters/Read",
    scope: "managedScope",
    why: "the token-rotation backstop lists the clusters of an ARC_SCOPES entry that is a whole subscription",
  },
  {
    method: "GET",
    path: `${rg}/providers/Microsoft.Kubernetes/connectedClusters`,
    action: "Microsoft.Kubernetes/connectedClusters/Read",
    scope: "managedScope",
    why: "the token-rotation backstop lists the clusters of an ARC_SCOPES entry that is a resource group",
  },
  {
    method: "GET",
    path: cluster,
    action: "Microsoft.Kubernetes/connectedClusters/Read",
    scope: "managedScope",
    why: "read a cluster's connectivity and tags",
  },
  {
    method: "PATCH",
    path: cluster,
    action: "Microsoft.Kubernetes/connectedClusters/Write",
    scope: "managedScope",
    why: "record the gateway token's key and expiry as a cluster tag (an extension has no tags)",
  },
  {
    method: "GET",
    path: extension,
    action: "Microsoft.KubernetesConfiguration/extensions/read",
    scope: "managedScope",
    why: "watch the API Management gateway extension's install",
  },
  {
    method: "PUT",
    path: extension,
    action: "Microsoft.KubernetesConfiguration/extensions/write",
    scope: "managedScope",
    why: "deploy the API Management gateway extension",
  },
  {
    method: "PATCH",
    path: extension,
    action: "Microsoft.KubernetesConfiguration/extensions/write",
    scope: "managedScope",
    why: "rotate the gateway token in the extension's protected settings",
  },
  {
    method: "DELETE",
    path: extension,
    action: "Microsoft.KubernetesConfiguration/extensions/delete",
    scope: "managedScope",
    why: "remove the gateway extension (runbook DELETE)",
  },
  {
    method: "GET",
    path: apimService,
    action: "Microsoft.ApiManagement/service/read",
    scope: "apimService",
    why: "check the service's tier and derive its configuration endpoint",
  },
  {
    method: "GET",
    path: apimGateway,
    action: "Microsoft.ApiManagement/service/gateways/read",
    scope: "apimService",
    why: "check that the self-hosted gateway exists",
  },
  {
    method: "PUT",
    path: apimGateway,
    action: "Microsoft.ApiManagement/service/gateways/write",
    scope: "apimService",
    why: "create the self-hosted gateway (only with ARC_APIM_CREATE_GATEWAY=true)",
  },
  {
    method: "POST",
    path: `${apimGateway}/generateToken`,
    action: "Microsoft.ApiManagement/service/gateways/generateToken/action",
    scope: "apimService",
    why: "generate the gateway's token at deployment and at each rotation",
  },
  {
    method: "GET",
    path: `${apimGateway}/heartbeats`,
    action: null,
    noAction:
      "not an Azure operation: the local emulator's stand-in for the portal's live-node view, which no documented " +
      "API offers (docs/azure-facts.md §19); nothing is granted for it, and readGatewayHeartbeat must be replaced for Azure",
    scope: "apimService",
    why: "verify that gateway nodes report (emulator only)",
  },
];

export const dataPlanePermissions: readonly DataPlanePermission[] = [
  {
    operation: "publish events to the outcome topic",
    dataAction: "Microsoft.EventGrid/events/send/action",
    scope: "outcomeTopic",
    performedBy: "shared/azure/outcomeTopic.ts",
    why: "report onboarding, drift and token-rotation outcomes with the app's identity",
  },
  {
    operation: "list and read dead-letter blobs",
    dataAction: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
    scope: "deadLetterContainer",
    performedBy: "shared/deadLetters/deadLetterContainer.ts",
    why: "replay Event Grid deliveries that failed (List Blobs, Get Blob)",
  },
  {
    operation: "mark a replayed dead-letter blob",
    dataAction: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
    scope: "deadLetterContainer",
    performedBy: "shared/deadLetters/deadLetterContainer.ts",
    why: "record when a blob was replayed in its metadata (Set Blob Metadata), so a second replay skips it",
  },
];

const placeholder = /\\\{[^}]*\\\}/g;

function patternOf(path: string): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped.replace(placeholder, "[^/]+")}$`, "i");
}

const compiled = armOperationPermissions.map((entry) => ({ entry, pattern: patternOf(entry.path) }));

/**
 * The table's entries for an ARM request (a path or a URL; query ignored), or an empty list when
 * the table does not know it. One request can have several entries: an operation status poll is
 * authorized at whichever subscription the operation runs in.
 */
export function armPermissionsFor(method: string, pathOrUrl: string): ArmOperationPermission[] {
  const path = /^https?:\/\//i.test(pathOrUrl) ? new URL(pathOrUrl).pathname : pathOrUrl.split("?")[0]!;
  const normalized = path.replace(/\/+$/, "");
  const upper = method.toUpperCase();
  return compiled
    .filter(({ entry, pattern }) => entry.method === upper && pattern.test(normalized))
    .map(({ entry }) => entry);
}
