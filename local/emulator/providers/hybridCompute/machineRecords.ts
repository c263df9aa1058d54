// Reading Arc machines out of the emulator's store, and what only the machine itself knows.
// The cloud view is the ARM body; the agent's local connection type (`azcmagent config get
// connection.type`) and the gateway it was last pointed at appear nowhere in ARM
// (docs/azure-facts.md §5), so they live in a side table keyed by the state.
import { armErrors } from "../../armError";
import { perState, type StoredResource } from "../../state";
import type { EmulatorContext } from "../../types";
import { findStoredResource, resourceKey } from "./armConventions";

export const machineType = "Microsoft.HybridCompute/machines";

export const machineStatuses = ["Connected", "Disconnected", "Error", "AwaitingConnection"] as const;
export type MachineStatus = (typeof machineStatuses)[number];

export type AgentConnectionType = "direct" | "gateway";

export interface ConfigurationExtension {
  readonly publisher: string;
  readonly type: string;
}

/** `properties.agentConfiguration`, read-only in ARM: only the agent (azcmagent config) changes it. */
export interface AgentConfiguration {
  proxyUrl?: string;
  incomingConnectionsPorts: string[];
  extensionsAllowList: ConfigurationExtension[];
  extensionsBlockList: ConfigurationExtension[];
  proxyBypass: string[];
  extensionsEnabled: "true" | "false";
  guestConfigurationEnabled: "true" | "false";
  configMode: "full" | "monitor";
}

/** What the simulated agent and the settings provider need to know about a machine. */
export interface MachineView {
  readonly id: string;
  readonly name: string;
  readonly location: string;
  readonly osType: string;
  readonly status: string;
  readonly agentVersion: string;
  readonly tenantId: string;
  readonly agentConfiguration: AgentConfiguration;
}

interface AgentLocalState {
  connectionType: AgentConnectionType;
  /**
   * The gateway the agent goes through in gateway mode: the last one the machine's settings
   * linked. Clearing the link does not change it; only `connection.type direct` stops its use.
   */
  gatewayResourceId?: string;
}

const agentsOf = perState(() => new Map<string, AgentLocalState>());

export function findMachine(context: EmulatorContext, machineId: string): StoredResource | undefined {
  return findStoredResource(context, machineId, machineType);
}

/** The machine, or ARM's 404: `ResourceNotFound` for the machine itself, `ParentResourceNotFound` under it. */
export function requireMachine(
  context: EmulatorContext,
  machineId: string,
  role: "self" | "parent" = "self",
): StoredResource {
  const machine = findMachine(context, machineId);
  if (machine) return machine;
  const name = machineId.split("/").pop() ?? machineId;
  const resourceGroup = /\/resourceGroups\/([^/]+)/i.exec(machineId)?.[1];
  throw role === "parent"
    ? armErrors.parentNotFound(`${machineType}/${name}`)
    : armErrors.notFound(machineType, name, resourceGroup);
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : fallback;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function extensions(value: unknown): ConfigurationExtension[] {
  if (!Array.isArray(value)) return [];
  return value.map(record).map((item) => ({ publisher: text(item.publisher), type: text(item.type) }));
}

/** Reads the agent configuration defensively: an admin may have stored any body. */
export function agentConfigurationOf(body: Record<string, unknown>): AgentConfiguration {
  const configuration = record(record(body.properties).agentConfiguration);
  const proxyUrl = typeof configuration.proxyUrl === "string" ? configuration.proxyUrl : undefined;
  return {
    ...(proxyUrl === undefined ? {} : { proxyUrl }),
    incomingConnectionsPorts: strings(configuration.incomingConnectionsPorts),
    extensionsAllowList: extensions(configuration.extensionsAllowList),
    extensionsBlockList: extensions(configuration.extensionsBlockList),
    proxyBypass: strings(configuration.proxyBypass),
    extensionsEnabled: configuration.extensionsEnabled === "false" ? "false" : "true",
    guestConfigurationEnabled: configuration.guestConfigurationEnabled === "false" ? "false" : "true",
    configMode: configuration.configMode === "monitor" ? "monitor" : "full",
  };
}

export function machineViewOf(resource: StoredResource): MachineView {
  const body = resource.body;
  const properties = record(body.properties);
  return {
    id: resource.id,
    name: text(body.name, resource.id.split("/").pop() ?? ""),
    location: text(body.location),
    osType: text(properties.osType).toLowerCase(),
    status: text(properties.status),
    agentVersion: text(properties.agentVersion),
    tenantId: text(record(body.identity).tenantId),
    agentConfiguration: agentConfigurationOf(body),
  };
}

/** ARM's status change as the heartbeat (or its absence) makes it; `lastStatusChange` moves with it. */
export function setMachineStatus(context: EmulatorContext, machineId: string, status: MachineStatus): void {
  const machine = requireMachine(context, machineId);
  const properties = { ...record(machine.body.properties) };
  if (properties.status === status) return;
  properties.status = status;
  properties.lastStatusChange = new Date(context.clock.now()).toISOString();
  context.state.putResource(machine.id, machineType, { ...machine.body, properties }, context.clock.now());
}

/** Agents from 1.51 on follow the cloud-side gateway association without `azcmagent config set`. */
export function agentFollowsGatewaySetting(agentVersion: string): boolean {
  const [major = 0, minor = 0] = agentVersion.split(".").map((part) => Number.parseInt(part, 10) || 0);
  return major > 1 || (major === 1 && minor >= 51);
}

/** The agent's local `connection.type`; `direct` for a machine the emulator has never configured. */
export function agentConnectionType(context: EmulatorContext, machineId: string): AgentConnectionType {
  const key = resourceKey(machineId);
  const agent = key === undefined ? undefined : agentsOf(context.state).get(key);
  return agent?.connectionType ?? "direct";
}

export function setAgentConnectionType(
  context: EmulatorContext,
  machineId: string,
  connectionType: AgentConnectionType,
): void {
  const key = resourceKey(machineId);
  if (key === undefined) return;
  const agents = agentsOf(context.state);
  const agent = agents.get(key);
  if (agent) agent.connectionType = connectionType;
  else agents.set(key, { connectionType });
}

/** Records the gateway a machine's settings now link, the one its agent uses in gateway mode. */
export function setAgentGateway(
  context: EmulatorContext,
  machineId: string,
  gatewayResourceId: string,
): void {
  const key = resourceKey(machineId);
  if (key === undefined) return;
  const agents = agentsOf(context.state);
  const agent = agents.get(key);
  if (agent) agent.gatewayResourceId = gatewayResourceId;
  else agents.set(key, { connectionType: "direct", gatewayResourceId });
}

/** Machines whose agent is in gateway mode and goes through this gateway. */
export function agentsRoutingThrough(context: EmulatorContext, gatewayResourceId: string): string[] {
  const gatewayKey = resourceKey(gatewayResourceId);
  const machines: string[] = [];
  for (const [key, agent] of agentsOf(context.state)) {
    if (agent.connectionType !== "gateway" || agent.gatewayResourceId === undefined) continue;
    if (resourceKey(agent.gatewayResourceId) === gatewayKey) machines.push(key);
  }
  return machines;
}

/** Is this agent in gateway mode with its gateway gone, so that nothing it sends reaches Azure? */
function isStranded(context: EmulatorContext, machineId: string): boolean {
  const key = resourceKey(machineId);
  const agent = key === undefined ? undefined : agentsOf(context.state).get(key);
  if (agent?.connectionType !== "gateway" || agent.gatewayResourceId === undefined) return false;
  return findStoredResource(context, agent.gatewayResourceId, gatewayResourceType) === undefined;
}

const gatewayResourceType = "Microsoft.HybridCompute/gateways";

/**
 * Stranded agents stop heartbeating; after `strandedAgentDisconnectMs` on the emulator's clock
 * ARM shows their machines `Disconnected`, unless by then the agent has left gateway mode.
 */
export function strandAgentsLater(context: EmulatorContext, machineIds: readonly string[]): void {
  if (machineIds.length === 0) return;
  context.clock.setTimer(context.timings.strandedAgentDisconnectMs, () => {
    for (const machineId of machineIds) {
      if (findMachine(context, machineId) && isStranded(context, machineId)) {
        setMachineStatus(context, machineId, "Disconnected");
      }
    }
  });
}

export function forgetAgent(context: EmulatorContext, machineId: string): void {
  const key = resourceKey(machineId);
  if (key !== undefined) agentsOf(context.state).delete(key);
}
