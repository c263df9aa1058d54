// Microsoft.HybridCompute/machines: ARM reads, tag/property updates (PATCH) and deletes, plus the in-process side that ARM
// never sees: `azcmagent connect` creating the resource, the agent's heartbeat flipping its
// status, and `azcmagent config set` changing its (ARM read-only) agent configuration.
import { z } from "zod";

import { armErrors } from "../../armError";
import { armRequestFor, publishSucceeded, systemData } from "../../armResource";
import { onboardingPrincipal } from "../../principal";
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
  apiVersions,
  hybridComputeApiVersion,
  listHandler,
  locationSchema,
  machineIdOf,
  machinePath,
  namespace,
  normalizeLocation,
  resourceGroupPath,
  tagsSchema,
} from "./armConventions";
import {
  type AgentConfiguration,
  agentConfigurationOf,
  findMachine,
  forgetAgent,
  machineStatuses,
  machineType,
  requireMachine,
  setAgentConnectionType,
  setMachineStatus,
} from "./machineRecords";
import { attachMachineToGateway, requireAttachableGateway } from "./settings";

export {
  type AgentConfiguration,
  type AgentConnectionType,
  agentConnectionType,
  type MachineStatus,
} from "./machineRecords";

const extensionSchema = z.strictObject({ publisher: z.string().min(1), type: z.string().min(1) });
const portSchema = z.string().regex(/^\d{1,5}$/, "a port is a number from 1 to 65535");

const connectInputSchema = z.strictObject({
  ...adminScopeShape,
  name: z
    .string()
    .regex(/^[a-zA-Z0-9\-_.]{1,54}$/, "machine names are 1-54 letters, digits, '-', '_' or '.'"),
  location: locationSchema,
  agentVersion: z.string().regex(/^\d+(\.\d+){1,3}$/, "an agent version such as 1.52.03132.2125"),
  osType: z.enum(["windows", "linux"]),
  osName: z.string().min(1),
  osVersion: z.string().min(1),
  osSku: z.string().min(1).optional(),
  status: z.enum(machineStatuses).default("Connected"),
  configMode: z.enum(["full", "monitor"]).default("full"),
  extensionsAllowList: z.array(extensionSchema).default([]),
  extensionsBlockList: z.array(extensionSchema).default([]),
  incomingConnectionsPorts: z.array(portSchema).default([]),
  proxyUrl: z.url().optional(),
  tags: tagsSchema.optional(),
  vmId: z.guid().optional(),
  machineFqdn: z.string().min(1).optional(),
  tenantId: z.guid().optional(),
  /** `azcmagent connect --gateway-id`: associates the machine and puts the agent in gateway mode. */
  gatewayResourceId: z.string().min(1).optional(),
});

export type ConnectMachineInput = z.input<typeof connectInputSchema>;

/**
 * What `azcmagent connect` leaves in ARM: creates (or, reconnecting, updates) the machine and
 * publishes its write event. Event Grid leaves httpRequest out of a creation's event and puts it
 * in an update's (docs/azure-facts.md §9), so a reconnection's event carries the PUT on the
 * machine. Throws ArmHttpError 400 on bad input.
 */
export function connectMachine(
  context: EmulatorContext,
  input: ConnectMachineInput,
  principal: Principal = onboardingPrincipal,
): Record<string, unknown> {
  const connect = parseBody(connectInputSchema, input);
  const id = `/subscriptions/${connect.subscriptionId}/resourceGroups/${connect.resourceGroup}/providers/Microsoft.HybridCompute/machines/${connect.name}`;
  context.authorize(principal, "Microsoft.HybridCompute/machines/write", id);
  context.requireRegistered(connect.subscriptionId, namespace);
  const now = context.clock.now();
  if (connect.gatewayResourceId) requireAttachableGateway(context, connect.gatewayResourceId);
  const previous = findMachine(context, id)?.body;
  const body = machineBody(context, connect, id, principal, previous, now);
  const stored = context.state.putResource(id, machineType, body, now);
  setAgentConnectionType(context, stored.id, connect.gatewayResourceId ? "gateway" : "direct");
  if (connect.gatewayResourceId)
    attachMachineToGateway(context, stored.id, connect.gatewayResourceId, principal);
  context.publish({
    kind: "write",
    resourceUri: stored.id,
    operationName: "Microsoft.HybridCompute/machines/write",
    principal,
    ...(previous ? { httpRequest: armRequestFor(context, "PUT", stored.id, hybridComputeApiVersion) } : {}),
    correlationId: context.correlationId,
    status: "Succeeded",
  });
  return stored.body;
}

type ConnectInput = z.output<typeof connectInputSchema>;

function machineBody(
  context: EmulatorContext,
  connect: ConnectInput,
  id: string,
  principal: Principal,
  previous: Record<string, unknown> | undefined,
  now: number,
): Record<string, unknown> {
  const previousProperties = (previous?.properties ?? {}) as Record<string, unknown>;
  const previousIdentity = (previous?.identity ?? {}) as Record<string, unknown>;
  const tenantId = connect.tenantId ?? principal.tenantId;
  const statusChanged = previousProperties.status !== connect.status;
  const properties: Record<string, unknown> = {
    provisioningState: "Succeeded",
    status: connect.status,
    lastStatusChange:
      statusChanged || typeof previousProperties.lastStatusChange !== "string"
        ? new Date(now).toISOString()
        : previousProperties.lastStatusChange,
    errorDetails: [],
    agentVersion: connect.agentVersion,
    vmId: connect.vmId ?? stringOr(previousProperties.vmId) ?? context.random.uuid(),
    displayName: connect.name,
    machineFqdn: connect.machineFqdn ?? connect.name,
    osName: connect.osName,
    osVersion: connect.osVersion,
    osType: connect.osType,
    agentConfiguration: connectConfiguration(connect),
    serviceStatuses: {
      extensionService: { status: "Running", startupType: "Automatic" },
      guestConfigurationService: {
        status: connect.configMode === "monitor" ? "Stopped" : "Running",
        startupType: connect.configMode === "monitor" ? "Disabled" : "Automatic",
      },
    },
  };
  if (connect.osSku !== undefined) properties.osSku = connect.osSku;
  return {
    id,
    name: connect.name,
    type: machineType,
    location: normalizeLocation(connect.location),
    ...(connect.tags ? { tags: connect.tags } : {}),
    identity: {
      type: "SystemAssigned",
      principalId: stringOr(previousIdentity.principalId) ?? context.random.uuid(),
      tenantId,
    },
    properties,
    systemData: systemData(principal, now, previous?.systemData),
  };
}

/** Monitor mode is a fixed profile: guest configuration off, whatever the caller asked for. */
function connectConfiguration(connect: ConnectInput): AgentConfiguration {
  return {
    ...(connect.proxyUrl === undefined ? {} : { proxyUrl: connect.proxyUrl }),
    incomingConnectionsPorts: connect.incomingConnectionsPorts,
    extensionsAllowList: connect.extensionsAllowList,
    extensionsBlockList: connect.extensionsBlockList,
    proxyBypass: [],
    extensionsEnabled: "true",
    guestConfigurationEnabled: connect.configMode === "monitor" ? "false" : "true",
    configMode: connect.configMode,
  };
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

const statusSchema = z.enum(machineStatuses);

/**
 * The agent's heartbeat (or its absence) as ARM shows it. Not an ARM operation, so no event;
 * only `lastStatusChange` moves, and only when the status does.
 */
export function setMachineConnectivity(context: EmulatorContext, machineId: string, status: string): void {
  const parsed = statusSchema.safeParse(status);
  if (!parsed.success) {
    throw armErrors.badRequest(
      "InvalidMachineStatus",
      `'${status}' is not one of ${machineStatuses.join(", ")}.`,
    );
  }
  setMachineStatus(context, machineId, parsed.data);
}

/** Applies what `azcmagent config set` changed on the machine; arrays are replaced, never merged. */
export function updateAgentConfiguration(
  context: EmulatorContext,
  machineId: string,
  patch: Partial<AgentConfiguration>,
): AgentConfiguration {
  const machine = requireMachine(context, machineId);
  const agentConfiguration: AgentConfiguration = { ...agentConfigurationOf(machine.body), ...patch };
  const properties = { ...((machine.body.properties ?? {}) as Record<string, unknown>), agentConfiguration };
  context.state.putResource(machine.id, machineType, { ...machine.body, properties }, context.clock.now());
  return agentConfiguration;
}

function getMachine(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const id = machineIdOf(request);
  context.authorize(request.principal, "Microsoft.HybridCompute/machines/read", id);
  return { status: 200, body: requireMachine(context, id).body };
}

/**
 * Machines_Update (PATCH, synchronous, 200 with the machine): the spec's MachineUpdate — `tags`
 * (the whole set: ARM replaces the tags, it does not merge them), `kind`, `identity` (Arc machines
 * have only the system-assigned one) and the updatable `properties`, merged into the stored ones.
 * Like every ARM write it yields `Microsoft.HybridCompute/machines/write` on the system topic,
 * with the PATCH as httpRequest (docs/azure-facts.md §5, §9).
 */
const machineUpdateSchema = z.strictObject({
  tags: tagsSchema.optional(),
  kind: z.string().min(1).optional(),
  identity: z.strictObject({ type: z.enum(["SystemAssigned"]) }).optional(),
  properties: z
    .strictObject({
      locationData: z.record(z.string(), z.unknown()).optional(),
      osProfile: z.record(z.string(), z.unknown()).optional(),
      cloudMetadata: z.record(z.string(), z.unknown()).optional(),
      agentUpgrade: z.record(z.string(), z.unknown()).optional(),
      parentClusterResourceId: z.string().optional(),
      privateLinkScopeResourceId: z.string().optional(),
    })
    .optional(),
});

function patchMachine(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const id = machineIdOf(request);
  context.authorize(request.principal, "Microsoft.HybridCompute/machines/write", id);
  const update = parseBody(machineUpdateSchema, request.body);
  const machine = requireMachine(context, id);
  const now = context.clock.now();
  const body: Record<string, unknown> = { ...machine.body };
  if (update.tags !== undefined) body.tags = { ...update.tags };
  if (update.kind !== undefined) body.kind = update.kind;
  if (update.properties !== undefined) {
    body.properties = {
      ...((machine.body.properties ?? {}) as Record<string, unknown>),
      ...update.properties,
    };
  }
  body.systemData = systemData(request.principal, now, machine.body.systemData);
  const stored = context.state.putResource(machine.id, machineType, body, now);
  publishSucceeded(request, context, "write", stored.id, "Microsoft.HybridCompute/machines/write");
  return { status: 200, body: stored.body };
}

/**
 * The spec declares only 202 and 204 for this delete and does not mark it long-running; the
 * emulator deletes at once and answers 204 either way. ARM cascades to the machine's extension
 * resources (settings, run commands, HybridConnectivity endpoints).
 */
function deleteMachine(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const id = machineIdOf(request);
  context.authorize(request.principal, "Microsoft.HybridCompute/machines/delete", id);
  const machine = findMachine(context, id);
  if (!machine) return { status: 204 };
  context.state.deleteResource(machine.id);
  forgetAgent(context, machine.id);
  publishSucceeded(request, context, "delete", machine.id, "Microsoft.HybridCompute/machines/delete");
  return { status: 204 };
}

export function machinesRoutes(): RouteDefinition[] {
  const common = { resourceType: machineType, apiVersions } as const;
  return [
    {
      ...common,
      method: "GET",
      pattern: machinePath,
      operationId: "Machines_Get",
      kind: "read",
      handler: getMachine,
    },
    {
      ...common,
      method: "PATCH",
      pattern: machinePath,
      operationId: "Machines_Update",
      kind: "write",
      handler: patchMachine,
    },
    {
      ...common,
      method: "DELETE",
      pattern: machinePath,
      operationId: "Machines_Delete",
      kind: "delete",
      handler: deleteMachine,
    },
    {
      ...common,
      method: "GET",
      pattern: `${resourceGroupPath}/providers/Microsoft.HybridCompute/machines`,
      operationId: "Machines_ListByResourceGroup",
      kind: "read",
      handler: listHandler(machineType, "resourceGroup"),
    },
    {
      ...common,
      method: "GET",
      pattern: "/subscriptions/{subscriptionId}/providers/Microsoft.HybridCompute/machines",
      operationId: "Machines_ListBySubscription",
      kind: "read",
      handler: listHandler(machineType, "subscription"),
    },
  ];
}
