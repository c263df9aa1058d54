// Microsoft.HybridConnectivity 2024-12-01: the `default` endpoint and its SSH/WAC service
// configurations, extension resources under an Arc machine, plus listCredentials (the relay
// access `az ssh arc` connects through). Everything here is synchronous in Azure (endpoint PUT
// answers 200 only; service configuration PUT 200/201), and every call is refused with 409
// MissingSubscriptionRegistration until the subscription has registered the provider, which is
// not registered by default.
//
// `az ssh arc` sends 2023-03-15 instead, so the operations it uses are served at that version
// too (docs/azure-facts.md §1, §8). For those operations the current 2023-03-15 spec has the same
// paths, bodies and statuses as 2024-12-01 (port an integer, service configuration PUT 200/201),
// so both versions read and write the same stored resources with the same handlers. The one
// difference, `resourceId` as a plain string rather than an ARM id at 2023-03-15, is not
// modelled: the emulator keeps asking for an ARM id at both, so a resource written at one version
// is always valid when read at the other.
import { createHash } from "node:crypto";

import { z } from "zod";

import {
  isResourceId,
  normalizeResourceId,
  type ParsedResourceId,
  parseResourceId,
} from "../../../shared/resourceId";
import { armErrors, ArmHttpError } from "../armError";
import { publishSucceeded, resourceEnvelope, systemData } from "../armResource";
import type { EmulatorState, StoredResource } from "../state";
import type {
  EmulatorContext,
  EmulatorRequest,
  HandlerResult,
  OperationKind,
  RouteDefinition,
} from "../types";
import { checkName, parseBody } from "../validation";

/** What the product sends; the first is what the admin API uses. */
export const hybridConnectivityApiVersions = ["2024-12-01"] as const;
/** The operations `az ssh arc` calls also answer at the version it sends. */
export const azSshArcApiVersions = [...hybridConnectivityApiVersions, "2023-03-15"] as const;

const namespace = "Microsoft.HybridConnectivity";
const endpointType = "Microsoft.HybridConnectivity/endpoints";
const serviceConfigurationType = "Microsoft.HybridConnectivity/endpoints/serviceConfigurations";
const machineType = "Microsoft.HybridCompute/machines";

// The spec gives no name pattern; this is ARM's general shape for a resource name segment.
const endpointNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const serviceNames = ["SSH", "WAC"] as const;
type ServiceName = (typeof serviceNames)[number];

const armId = z.string().refine(isResourceId, { message: "must be a fully qualified Azure resource id" });
const port = z.number().int().min(1).max(65535);

// Read-only envelope fields a client may echo back from a GET; ARM ignores them on PUT.
const readOnlyEnvelope = {
  id: z.string().optional(),
  name: z.string().optional(),
  type: z.string().optional(),
  systemData: z.record(z.string(), z.unknown()).optional(),
};

const endpointSchema = z.strictObject({
  ...readOnlyEnvelope,
  properties: z.strictObject({
    type: z.enum(["default", "custom"]),
    resourceId: armId.optional(),
    provisioningState: z.string().optional(),
  }),
});

const serviceConfigurationSchema = z.strictObject({
  ...readOnlyEnvelope,
  properties: z.strictObject({
    serviceName: z.enum(serviceNames),
    resourceId: armId.optional(),
    port: port.optional(),
    provisioningState: z.string().optional(),
  }),
});

const serviceConfigurationPatchSchema = z.strictObject({
  properties: z.strictObject({ port: port.optional() }).optional(),
});

const listCredentialsSchema = z.strictObject({ serviceName: z.enum(serviceNames).optional() });

// ---- test knobs: writes that do not turn out as asked (off unless a test sets them) ----

/** A provisioning state the spec allows (ProvisioningState) for a write that did not succeed. */
export type UnsuccessfulProvisioningState = "Failed" | "Canceled";

/** What the next SSH service configuration PUTs on a machine answer, and store, instead. */
export interface SshConfigurationAnswer {
  /** The port the configuration ends up with instead of the one asked for. */
  readonly port?: number;
  /** The provisioning state it ends up in instead of Succeeded. */
  readonly provisioningState?: UnsuccessfulProvisioningState;
}

interface Knobs {
  readonly failedEndpoints: Map<string, number>;
  readonly sshAnswers: Map<string, SshConfigurationAnswer[]>;
}

const knobsByState = new WeakMap<EmulatorState, Knobs>();

function knobsOf(state: EmulatorState): Knobs {
  let knobs = knobsByState.get(state);
  if (!knobs) {
    knobs = { failedEndpoints: new Map(), sshAnswers: new Map() };
    knobsByState.set(state, knobs);
  }
  return knobs;
}

/**
 * Test knob: the next `count` endpoint PUTs under `machineId` store the endpoint and answer it
 * with provisioningState Failed (a state the spec's string allows), as a provisioning that went
 * wrong on Azure's side would. A later PUT without the knob succeeds as usual.
 */
export function failNextEndpointPuts(state: EmulatorState, machineId: string, count = 1): void {
  const { failedEndpoints } = knobsOf(state);
  const key = normalizeResourceId(machineId);
  failedEndpoints.set(key, (failedEndpoints.get(key) ?? 0) + count);
}

function takeEndpointFailure(state: EmulatorState, machineId: string): boolean {
  const { failedEndpoints } = knobsOf(state);
  const key = normalizeResourceId(machineId);
  const left = failedEndpoints.get(key) ?? 0;
  if (left <= 0) return false;
  if (left === 1) failedEndpoints.delete(key);
  else failedEndpoints.set(key, left - 1);
  return true;
}

/**
 * Test knob: the next `count` SSH service configuration PUTs under `machineId` store and answer
 * `answer` (another port, or a Failed/Canceled provisioning state) instead of what was asked —
 * a configuration Azure did not take as written. Both stay within the spec (an integer port, a
 * ProvisioningState value). The status is the usual 200/201.
 */
export function answerNextSshConfigurationPuts(
  state: EmulatorState,
  machineId: string,
  answer: SshConfigurationAnswer,
  count = 1,
): void {
  if (answer.port !== undefined) port.parse(answer.port);
  const { sshAnswers } = knobsOf(state);
  const key = normalizeResourceId(machineId);
  const queue = sshAnswers.get(key) ?? [];
  for (let i = 0; i < count; i++) queue.push(answer);
  sshAnswers.set(key, queue);
}

function takeSshAnswer(state: EmulatorState, machineId: string): SshConfigurationAnswer | undefined {
  const { sshAnswers } = knobsOf(state);
  const key = normalizeResourceId(machineId);
  const queue = sshAnswers.get(key);
  const answer = queue?.shift();
  if (queue?.length === 0) sshAnswers.delete(key);
  return answer;
}

interface Scope {
  readonly machine: StoredResource;
  readonly subscriptionId: string;
}

/** Reads `{resourceUri}` and runs ARM's checks in ARM's order: RBAC, registration, then the parent. */
function resolveScope(
  request: EmulatorRequest,
  context: EmulatorContext,
  action: string,
  target: (machineId: string) => string,
): Scope {
  const scopeId = `/${(request.params.resourceUri ?? "").replace(/^\/+/, "")}`;
  let parsed: ParsedResourceId;
  try {
    parsed = parseResourceId(scopeId);
  } catch {
    throw armErrors.badRequest(
      "InvalidResourceId",
      `The resource id '${scopeId}' is not a valid Azure resource id.`,
    );
  }
  context.authorize(request.principal, action, target(scopeId));
  context.requireRegistered(parsed.subscriptionId, namespace);
  const machine = context.state.getResource(scopeId);
  if (!machine || machine.type.toLowerCase() !== machineType.toLowerCase())
    throw armErrors.parentNotFound(scopeId);
  return { machine, subscriptionId: parsed.subscriptionId };
}

function endpointIdOf(machineId: string, endpointName: string): string {
  return `${machineId}/providers/${namespace}/endpoints/${endpointName}`;
}

function serviceConfigurationIdOf(endpointId: string, name: string): string {
  return `${endpointId}/serviceConfigurations/${name}`;
}

function endpointName(request: EmulatorRequest): string {
  const name = request.params.endpointName ?? "";
  checkName("endpoint", name, endpointNamePattern, 64);
  return name;
}

function serviceConfigurationName(request: EmulatorRequest): ServiceName {
  const name = request.params.serviceConfigurationName ?? "";
  const known = serviceNames.find((service) => service.toLowerCase() === name.toLowerCase());
  if (!known) {
    throw armErrors.invalidName(
      "service configuration",
      name,
      "It must be one of the service names SSH or WAC.",
    );
  }
  return known;
}

function publish(
  request: EmulatorRequest,
  context: EmulatorContext,
  kind: Exclude<OperationKind, "read">,
  resourceUri: string,
  operationName: string,
  created = false,
): void {
  // Event Grid reports the request on updates and deletes, not on creations (docs/azure-facts.md §9).
  publishSucceeded(request, context, kind, resourceUri, operationName, !created);
}

function requireEndpoint(context: EmulatorContext, endpointId: string, name: string): StoredResource {
  const endpoint = context.state.getResource(endpointId);
  if (!endpoint) throw armErrors.notFound(endpointType, name);
  return endpoint;
}

// ---- endpoints ----

function putEndpoint(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const name = endpointName(request);
  const { machine } = resolveScope(request, context, `${endpointType}/write`, (m) => endpointIdOf(m, name));
  const body = parseBody(endpointSchema, request.body);
  const id = endpointIdOf(machine.id, name);
  const existing = context.state.getResource(id);
  const provisioningState = takeEndpointFailure(context.state, machine.id) ? "Failed" : "Succeeded";
  const stored = context.state.putResource(
    id,
    endpointType,
    endpointBody(request, context, id, body.properties, existing, provisioningState),
    context.clock.now(),
  );
  publish(request, context, "write", stored.id, `${endpointType}/write`, !existing);
  return { status: 200, body: stored.body };
}

function endpointBody(
  request: EmulatorRequest,
  context: EmulatorContext,
  id: string,
  properties: z.infer<typeof endpointSchema>["properties"],
  existing: StoredResource | undefined,
  provisioningState: "Succeeded" | UnsuccessfulProvisioningState = "Succeeded",
): Record<string, unknown> {
  return {
    ...resourceEnvelope(existing?.id ?? id, endpointType),
    properties: {
      type: properties.type,
      ...(properties.resourceId ? { resourceId: properties.resourceId } : {}),
      provisioningState,
    },
    systemData: systemData(request.principal, context.clock.now(), existing?.body.systemData),
  };
}

function patchEndpoint(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const name = endpointName(request);
  const { machine } = resolveScope(request, context, `${endpointType}/write`, (m) => endpointIdOf(m, name));
  const body = parseBody(endpointSchema, request.body);
  const existing = requireEndpoint(context, endpointIdOf(machine.id, name), name);
  const stored = context.state.putResource(
    existing.id,
    endpointType,
    endpointBody(request, context, existing.id, body.properties, existing),
    context.clock.now(),
  );
  publish(request, context, "write", stored.id, `${endpointType}/write`);
  return { status: 200, body: stored.body };
}

function getEndpoint(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const name = endpointName(request);
  const { machine } = resolveScope(request, context, `${endpointType}/read`, (m) => endpointIdOf(m, name));
  return { status: 200, body: requireEndpoint(context, endpointIdOf(machine.id, name), name).body };
}

function deleteEndpoint(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const name = endpointName(request);
  const { machine } = resolveScope(request, context, `${endpointType}/delete`, (m) => endpointIdOf(m, name));
  const existing = context.state.getResource(endpointIdOf(machine.id, name));
  if (!existing) return { status: 204 };
  // The store cascades: the endpoint's service configurations go with it.
  context.state.deleteResource(existing.id);
  publish(request, context, "delete", existing.id, `${endpointType}/delete`);
  return { status: 200 };
}

function listEndpoints(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const { machine } = resolveScope(request, context, `${endpointType}/read`, (m) => m);
  const value = context.state.listResources({ type: endpointType, parentId: machine.id }).map((r) => r.body);
  return { status: 200, body: { value } };
}

// ---- service configurations ----

function resolveEndpoint(
  request: EmulatorRequest,
  context: EmulatorContext,
  action: string,
): { machineId: string; endpoint: StoredResource; name: ServiceName; id: string } {
  const endpoint = endpointName(request);
  const name = serviceConfigurationName(request);
  const { machine } = resolveScope(request, context, action, (m) =>
    serviceConfigurationIdOf(endpointIdOf(m, endpoint), request.params.serviceConfigurationName ?? name),
  );
  const stored = context.state.getResource(endpointIdOf(machine.id, endpoint));
  if (!stored) throw armErrors.parentNotFound(`${endpointType}/${endpoint}`);
  return {
    machineId: machine.id,
    endpoint: stored,
    name,
    id: serviceConfigurationIdOf(stored.id, request.params.serviceConfigurationName ?? name),
  };
}

function putServiceConfiguration(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const { machineId, name, id } = resolveEndpoint(request, context, `${serviceConfigurationType}/write`);
  const body = parseBody(serviceConfigurationSchema, request.body);
  if (body.properties.serviceName !== name) {
    throw armErrors.invalidBody(
      `properties.serviceName '${body.properties.serviceName}' does not match the service configuration name '${name}' in the request path.`,
    );
  }
  const existing = context.state.getResource(id);
  const properties: Record<string, unknown> = { serviceName: name };
  if (body.properties.resourceId) properties.resourceId = body.properties.resourceId;
  if (body.properties.port !== undefined) properties.port = body.properties.port;
  properties.provisioningState = "Succeeded";
  // Only the SSH configuration is knobbed: it is the one the product writes.
  const answer = name === "SSH" ? takeSshAnswer(context.state, machineId) : undefined;
  if (answer?.port !== undefined) properties.port = answer.port;
  if (answer?.provisioningState !== undefined) properties.provisioningState = answer.provisioningState;
  const stored = context.state.putResource(
    id,
    serviceConfigurationType,
    {
      ...resourceEnvelope(existing?.id ?? id, serviceConfigurationType),
      properties,
      systemData: systemData(request.principal, context.clock.now(), existing?.body.systemData),
    },
    context.clock.now(),
  );
  publish(request, context, "write", stored.id, `${serviceConfigurationType}/write`, !existing);
  return { status: existing ? 200 : 201, body: stored.body };
}

function patchServiceConfiguration(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const { name, id } = resolveEndpoint(request, context, `${serviceConfigurationType}/write`);
  const body = parseBody(serviceConfigurationPatchSchema, request.body);
  const existing = context.state.getResource(id);
  if (!existing) throw armErrors.notFound(serviceConfigurationType, name);
  const previous = (existing.body.properties ?? {}) as Record<string, unknown>;
  const stored = context.state.putResource(
    existing.id,
    serviceConfigurationType,
    {
      ...existing.body,
      properties: {
        ...previous,
        ...(body.properties?.port !== undefined ? { port: body.properties.port } : {}),
        provisioningState: "Succeeded",
      },
      systemData: systemData(request.principal, context.clock.now(), existing.body.systemData),
    },
    context.clock.now(),
  );
  publish(request, context, "write", stored.id, `${serviceConfigurationType}/write`);
  return { status: 200, body: stored.body };
}

function getServiceConfiguration(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const { name, id } = resolveEndpoint(request, context, `${serviceConfigurationType}/read`);
  const existing = context.state.getResource(id);
  if (!existing) throw armErrors.notFound(serviceConfigurationType, name);
  return { status: 200, body: existing.body };
}

function deleteServiceConfiguration(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const { id } = resolveEndpoint(request, context, `${serviceConfigurationType}/delete`);
  const existing = context.state.getResource(id);
  if (!existing) return { status: 204 };
  context.state.deleteResource(existing.id);
  publish(request, context, "delete", existing.id, `${serviceConfigurationType}/delete`);
  return { status: 200 };
}

function listServiceConfigurations(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const name = endpointName(request);
  const { machine } = resolveScope(request, context, `${serviceConfigurationType}/read`, (m) =>
    endpointIdOf(m, name),
  );
  const endpoint = context.state.getResource(endpointIdOf(machine.id, name));
  if (!endpoint) throw armErrors.parentNotFound(`${endpointType}/${name}`);
  const value = context.state
    .listResources({ type: serviceConfigurationType, parentId: endpoint.id })
    .map((r) => r.body);
  return { status: 200, body: { value } };
}

// ---- listCredentials ----

const expiresInRange = { min: 600, max: 10800 } as const;

function expiresIn(request: EmulatorRequest): number {
  const raw = request.url.searchParams.get("expiresin") ?? request.url.searchParams.get("expiresIn");
  if (raw === null || raw === "") return expiresInRange.max;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < expiresInRange.min || seconds > expiresInRange.max) {
    throw armErrors.badRequest(
      "InvalidParameter",
      `The query parameter 'expiresin' must be an integer between ${expiresInRange.min} and ${expiresInRange.max} seconds; got '${raw}'.`,
    );
  }
  return seconds;
}

function randomBase64(context: EmulatorContext, bytes: number): string {
  return Buffer.from(Array.from({ length: bytes }, () => context.random.int(256))).toString("base64");
}

function listCredentials(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const name = endpointName(request);
  const action = `${endpointType}/listCredentials/action`;
  const { machine } = resolveScope(request, context, action, (m) => endpointIdOf(m, name));
  const seconds = expiresIn(request);
  const body =
    request.body === undefined || request.body === null ? {} : parseBody(listCredentialsSchema, request.body);
  const endpoint = requireEndpoint(context, endpointIdOf(machine.id, name), name);
  if (body.serviceName) {
    const configured = context.state.getResource(serviceConfigurationIdOf(endpoint.id, body.serviceName));
    // `az ssh arc` reads 412 as "the endpoint exists but the service is not configured" and creates it.
    if (!configured) {
      throw new ArmHttpError(
        412,
        "PreconditionFailed",
        `The service configuration '${body.serviceName}' does not exist for endpoint '${name}'; create it before requesting credentials.`,
      );
    }
  }
  const location =
    typeof machine.body.location === "string"
      ? machine.body.location.toLowerCase().replace(/\s+/g, "")
      : "eastus";
  const namespaceName = `azgnrelay-${location}-l1`;
  const namespaceNameSuffix = "servicebus.windows.net";
  const machineHash = createHash("sha256").update(machine.id.toLowerCase()).digest("hex");
  const connectionNumber = `${100_000_000 + context.random.int(900_000_000)}${100_000_000 + context.random.int(900_000_000)}`;
  const hybridConnectionName = `microsoft.hybridcompute/machines/${machineHash}/${connectionNumber}`;
  const expiresOn = Math.floor(context.clock.now() / 1000) + seconds;
  const resource = encodeURIComponent(
    `http://${namespaceName}.${namespaceNameSuffix}/${hybridConnectionName}/`,
  );
  const relay: Record<string, unknown> = {
    namespaceName,
    namespaceNameSuffix,
    hybridConnectionName,
    accessKey: `SharedAccessSignature sr=${resource}&sig=${encodeURIComponent(randomBase64(context, 32))}&se=${expiresOn}&skn=listener`,
    expiresOn,
  };
  if (body.serviceName) relay.serviceConfigurationToken = `${body.serviceName}${randomBase64(context, 42)}`;
  publish(request, context, "action", endpoint.id, action);
  return { status: 200, body: { relay } };
}

// ---- routes ----

const base = `/{resourceUri*}/providers/${namespace}/endpoints`;

function route(
  method: RouteDefinition["method"],
  pattern: string,
  operationId: string,
  kind: OperationKind,
  resourceType: string,
  handler: RouteDefinition["handler"],
  apiVersions: readonly string[] = hybridConnectivityApiVersions,
): RouteDefinition {
  return { method, pattern, operationId, kind, resourceType, apiVersions, handler };
}

// At 2023-03-15 too: what `az ssh arc` calls (cli `ssh/azext_ssh/connectivity_utils.py` and the
// `aaz/latest/hybrid_connectivity` commands it runs: listCredentials, endpoint PUT, SSH
// configuration GET and PUT), plus endpoint GET/DELETE and configuration PATCH for inspecting,
// moving the port and cleaning up at that version. Lists, endpoint PATCH and configuration DELETE
// stay at the product's version (docs/azure-facts.md §8).
export function hybridConnectivityRoutes(): RouteDefinition[] {
  const configurations = `${base}/{endpointName}/serviceConfigurations`;
  const endpoint = `${base}/{endpointName}`;
  const configuration = `${configurations}/{serviceConfigurationName}`;
  const cli = azSshArcApiVersions;
  return [
    route("GET", base, "Endpoints_List", "read", endpointType, listEndpoints),
    route("GET", endpoint, "Endpoints_Get", "read", endpointType, getEndpoint, cli),
    route("PUT", endpoint, "Endpoints_CreateOrUpdate", "write", endpointType, putEndpoint, cli),
    route("PATCH", endpoint, "Endpoints_Update", "write", endpointType, patchEndpoint),
    route("DELETE", endpoint, "Endpoints_Delete", "delete", endpointType, deleteEndpoint, cli),
    route(
      "POST",
      `${endpoint}/listCredentials`,
      "Endpoints_ListCredentials",
      "action",
      endpointType,
      listCredentials,
      cli,
    ),
    route(
      "GET",
      configurations,
      "ServiceConfigurations_ListByEndpointResource",
      "read",
      serviceConfigurationType,
      listServiceConfigurations,
    ),
    route(
      "GET",
      configuration,
      "ServiceConfigurations_Get",
      "read",
      serviceConfigurationType,
      getServiceConfiguration,
      cli,
    ),
    route(
      "PUT",
      configuration,
      "ServiceConfigurations_CreateOrupdate",
      "write",
      serviceConfigurationType,
      putServiceConfiguration,
      cli,
    ),
    route(
      "PATCH",
      configuration,
      "ServiceConfigurations_Update",
      "write",
      serviceConfigurationType,
      patchServiceConfiguration,
      cli,
    ),
    route(
      "DELETE",
      configuration,
      "ServiceConfigurations_Delete",
      "delete",
      serviceConfigurationType,
      deleteServiceConfiguration,
    ),
  ];
}
