// ARM resource ids: parse, format, normalise and build. ARM treats ids case-insensitively, so
// every comparison or map key goes through `normalizeResourceId`; the formatted form keeps the
// caller's casing of names but writes the fixed keywords the way ARM does.
import { ValidationError } from "./errors";

export interface ResourceTypeSegment {
  readonly type: string;
  readonly name: string;
}

/** One `/providers/{namespace}/{type}/{name}[/{type}/{name}…]` block of an id. */
export interface ProviderSegment {
  readonly namespace: string;
  readonly types: readonly ResourceTypeSegment[];
}

export interface ParsedResourceId {
  readonly subscriptionId: string;
  readonly resourceGroup?: string;
  /** Nested provider blocks: more than one for extension resources such as machine settings. */
  readonly providers: readonly ProviderSegment[];
}

const forbidden = /[?#\s]/;

export class InvalidResourceIdError extends ValidationError {
  constructor(id: string, reason: string) {
    super(`'${truncate(id)}' is not a valid Azure resource id: ${reason}`, "InvalidResourceId");
  }
}

function truncate(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

export function parseResourceId(id: string): ParsedResourceId {
  if (typeof id !== "string" || id.length === 0) throw new InvalidResourceIdError(String(id), "it is empty");
  if (id.length > 4096) throw new InvalidResourceIdError(id, "it is longer than 4096 characters");
  const parts = id.replace(/^\/+/, "").replace(/\/+$/, "").split("/");
  if (parts.some((p) => p.length === 0)) throw new InvalidResourceIdError(id, "it has an empty segment");
  if (parts.some((p) => forbidden.test(p)))
    throw new InvalidResourceIdError(id, "it contains '?', '#' or whitespace");
  let i = 0;
  const next = (): string | undefined => parts[i++];
  if (next()?.toLowerCase() !== "subscriptions")
    throw new InvalidResourceIdError(id, "it must start with /subscriptions/");
  const subscriptionId = next();
  if (!subscriptionId) throw new InvalidResourceIdError(id, "the subscription id is missing");
  let resourceGroup: string | undefined;
  if (parts[i]?.toLowerCase() === "resourcegroups") {
    i++;
    resourceGroup = next();
    if (!resourceGroup) throw new InvalidResourceIdError(id, "the resource group name is missing");
  }
  const providers: ProviderSegment[] = [];
  while (i < parts.length) {
    if (next()?.toLowerCase() !== "providers") {
      throw new InvalidResourceIdError(id, `expected 'providers' at segment ${i}`);
    }
    const namespace = next();
    if (!namespace || !namespace.includes(".")) {
      throw new InvalidResourceIdError(
        id,
        "a provider namespace (such as Microsoft.HybridCompute) is missing",
      );
    }
    const types: ResourceTypeSegment[] = [];
    while (i < parts.length && parts[i]?.toLowerCase() !== "providers") {
      const type = next();
      const name = next();
      if (!type || !name) throw new InvalidResourceIdError(id, `resource type '${type ?? ""}' has no name`);
      types.push({ type, name });
    }
    // `/subscriptions/{s}/providers/{ns}` is the provider itself: a namespace with no types.
    if (types.length === 0 && i < parts.length)
      throw new InvalidResourceIdError(id, `provider ${namespace} has no resource type`);
    providers.push({ namespace, types });
  }
  return resourceGroup === undefined
    ? { subscriptionId, providers }
    : { subscriptionId, resourceGroup, providers };
}

export function formatResourceId(parsed: ParsedResourceId): string {
  let id = `/subscriptions/${parsed.subscriptionId}`;
  if (parsed.resourceGroup !== undefined) id += `/resourceGroups/${parsed.resourceGroup}`;
  for (const provider of parsed.providers) {
    id += `/providers/${provider.namespace}`;
    for (const segment of provider.types) id += `/${segment.type}/${segment.name}`;
  }
  return id;
}

/**
 * An id as a caller typed it (an HTTP request, a runbook), resolved to the id it would reach in a
 * URL: percent-encoding decoded once (ARM names never hold `%`, so one left over — double encoding —
 * is refused), empty segments (`//`, a trailing `/`) dropped, `.` segments dropped and `..` taking
 * the previous segment away, as a URL resolver does. The result is parsed and written canonically
 * (ARM's casing of the keywords), so a scope check sees the resource the request would act on.
 * InvalidResourceIdError for anything else (a backslash, a control character, `..` above the root).
 */
export function resolveRequestedResourceId(raw: string): string {
  if (typeof raw !== "string" || raw.trim() === "")
    throw new InvalidResourceIdError(String(raw), "it is empty");
  if (raw.length > 4096) throw new InvalidResourceIdError(raw, "it is longer than 4096 characters");
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw.trim());
  } catch {
    throw new InvalidResourceIdError(raw, "it has a malformed percent-encoding");
  }
  if (decoded.includes("%")) {
    throw new InvalidResourceIdError(raw, "it is percent-encoded more than once");
  }
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(decoded)) {
    throw new InvalidResourceIdError(raw, "it contains a backslash or a control character");
  }
  const segments: string[] = [];
  for (const segment of decoded.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (segments.pop() === undefined) throw new InvalidResourceIdError(raw, "'..' climbs above the root");
      continue;
    }
    segments.push(segment);
  }
  return formatResourceId(parseResourceId(`/${segments.join("/")}`));
}

/** The canonical key of an id: ARM ids compare case-insensitively. */
export function normalizeResourceId(id: string): string {
  return formatResourceId(parseResourceId(id)).toLowerCase();
}

/** A map key for an id that may not parse (read from a resource's own settings): normalized, else lowercased. */
export function resourceIdKey(id: string): string {
  try {
    return normalizeResourceId(id);
  } catch {
    return id.toLowerCase();
  }
}

export function sameResourceId(a: string, b: string): boolean {
  return normalizeResourceId(a) === normalizeResourceId(b);
}

export function isResourceId(id: unknown): id is string {
  if (typeof id !== "string") return false;
  try {
    parseResourceId(id);
    return true;
  } catch {
    return false;
  }
}

/** `Microsoft.HybridCompute/machines` for a machine; the innermost provider block for extensions. */
export function resourceTypeOf(parsed: ParsedResourceId): string {
  const last = parsed.providers[parsed.providers.length - 1];
  if (!last || last.types.length === 0) return "";
  return [last.namespace, ...last.types.map((t) => t.type)].join("/");
}

/** The name of the innermost resource. */
export function resourceNameOf(parsed: ParsedResourceId): string {
  const last = parsed.providers[parsed.providers.length - 1];
  const segment = last?.types[last.types.length - 1];
  return segment?.name ?? parsed.resourceGroup ?? parsed.subscriptionId;
}

/** The resource an extension resource hangs off (`…/machines/m` for `…/machines/m/providers/X/settings/default`). */
export function parentResourceOf(parsed: ParsedResourceId): ParsedResourceId | undefined {
  if (parsed.providers.length < 2) return undefined;
  return { ...parsed, providers: parsed.providers.slice(0, -1) };
}

// ---- builders for the resources arc-autopilot touches ----

export interface MachineRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly machineName: string;
}

export function machineResourceId(ref: MachineRef): string {
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.HybridCompute/machines/${ref.machineName}`;
}

/** Reads a machine reference out of a machine id (or any extension resource under a machine). */
export function parseMachineId(id: string): MachineRef {
  const parsed = parseResourceId(id);
  const first = parsed.providers[0];
  const machine = first?.types[0];
  if (
    parsed.resourceGroup === undefined ||
    first?.namespace.toLowerCase() !== "microsoft.hybridcompute" ||
    machine?.type.toLowerCase() !== "machines"
  ) {
    throw new InvalidResourceIdError(id, "it is not an Arc machine (Microsoft.HybridCompute/machines) id");
  }
  return {
    subscriptionId: parsed.subscriptionId,
    resourceGroup: parsed.resourceGroup,
    machineName: machine.name,
  };
}

export interface GatewayRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly gatewayName: string;
}

export function gatewayResourceId(ref: GatewayRef): string {
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.HybridCompute/gateways/${ref.gatewayName}`;
}

export function parseGatewayId(id: string): GatewayRef {
  const parsed = parseResourceId(id);
  const provider = parsed.providers[0];
  const gateway = provider?.types[0];
  if (
    parsed.resourceGroup === undefined ||
    parsed.providers.length !== 1 ||
    provider?.namespace.toLowerCase() !== "microsoft.hybridcompute" ||
    provider.types.length !== 1 ||
    gateway?.type.toLowerCase() !== "gateways"
  ) {
    throw new InvalidResourceIdError(id, "it is not an Arc gateway (Microsoft.HybridCompute/gateways) id");
  }
  return {
    subscriptionId: parsed.subscriptionId,
    resourceGroup: parsed.resourceGroup,
    gatewayName: gateway.name,
  };
}

/** Whether the id is an Arc gateway's (a machine's settings may name anything that was written there). */
export function isGatewayId(id: string): boolean {
  try {
    parseGatewayId(id);
    return true;
  } catch {
    return false;
  }
}

export function machineSettingsId(machineId: string): string {
  return `${machineResourceId(parseMachineId(machineId))}/providers/Microsoft.HybridCompute/settings/default`;
}

export function runCommandResourceId(machineId: string, runCommandName: string): string {
  return `${machineResourceId(parseMachineId(machineId))}/runCommands/${runCommandName}`;
}

export function defaultEndpointId(machineId: string): string {
  return `${machineResourceId(parseMachineId(machineId))}/providers/Microsoft.HybridConnectivity/endpoints/default`;
}

export function serviceConfigurationId(machineId: string, serviceName: "SSH" | "WAC"): string {
  return `${defaultEndpointId(machineId)}/serviceConfigurations/${serviceName}`;
}

export function resourceProviderId(subscriptionId: string, namespace: string): string {
  return `/subscriptions/${subscriptionId}/providers/${namespace}`;
}

// ---- API Management gateways on Arc-enabled Kubernetes ----

export interface ConnectedClusterRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly clusterName: string;
}

export function connectedClusterResourceId(ref: ConnectedClusterRef): string {
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.Kubernetes/connectedClusters/${ref.clusterName}`;
}

/** An Arc-enabled Kubernetes cluster's id (`Microsoft.Kubernetes/connectedClusters`), nothing under it. */
export function parseConnectedClusterId(id: string): ConnectedClusterRef {
  const parsed = parseResourceId(id);
  const provider = parsed.providers[0];
  const cluster = provider?.types[0];
  if (
    parsed.resourceGroup === undefined ||
    parsed.providers.length !== 1 ||
    provider?.namespace.toLowerCase() !== "microsoft.kubernetes" ||
    provider.types.length !== 1 ||
    cluster?.type.toLowerCase() !== "connectedclusters"
  ) {
    throw new InvalidResourceIdError(
      id,
      "it is not an Arc-enabled Kubernetes cluster (Microsoft.Kubernetes/connectedClusters) id",
    );
  }
  return {
    subscriptionId: parsed.subscriptionId,
    resourceGroup: parsed.resourceGroup,
    clusterName: cluster.name,
  };
}

/** A cluster extension's id: `{cluster}/providers/Microsoft.KubernetesConfiguration/extensions/{name}`. */
export function clusterExtensionId(clusterId: string, extensionName: string): string {
  return `${connectedClusterResourceId(parseConnectedClusterId(clusterId))}/providers/Microsoft.KubernetesConfiguration/extensions/${extensionName}`;
}

export interface ApimGatewayRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly serviceName: string;
  readonly gatewayName: string;
}

export function apimServiceResourceId(ref: Omit<ApimGatewayRef, "gatewayName">): string {
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.ApiManagement/service/${ref.serviceName}`;
}

export function apimGatewayResourceId(ref: ApimGatewayRef): string {
  return `${apimServiceResourceId(ref)}/gateways/${ref.gatewayName}`;
}

/**
 * An API Management gateway's id (`Microsoft.ApiManagement/service/{svc}/gateways/{gw}`). `managed`
 * is the service's built-in gateway, never a self-hosted one.
 */
export function parseApimGatewayId(id: string): ApimGatewayRef {
  const parsed = parseResourceId(id);
  const provider = parsed.providers[0];
  const service = provider?.types[0];
  const gateway = provider?.types[1];
  if (
    parsed.resourceGroup === undefined ||
    parsed.providers.length !== 1 ||
    provider?.namespace.toLowerCase() !== "microsoft.apimanagement" ||
    provider.types.length !== 2 ||
    service?.type.toLowerCase() !== "service" ||
    gateway?.type.toLowerCase() !== "gateways"
  ) {
    throw new InvalidResourceIdError(
      id,
      "it is not an API Management gateway (Microsoft.ApiManagement/service/{service}/gateways/{gateway}) id",
    );
  }
  if (gateway.name.toLowerCase() === "managed") {
    throw new InvalidResourceIdError(
      id,
      "'managed' is the service's built-in gateway, not a self-hosted one",
    );
  }
  return {
    subscriptionId: parsed.subscriptionId,
    resourceGroup: parsed.resourceGroup,
    serviceName: service.name,
    gatewayName: gateway.name,
  };
}
