// Arc machines (Microsoft.HybridCompute/machines) by resource id at HybridCompute 2025-01-13.
// Not through @azure/arm-hybridcompute: npm 3.0.0 speaks 2021-05-20, knows no
// agentConfiguration, and its deserializer drops nested properties it does not know (docs/azure-facts.md §14).
import { UnexpectedArmError } from "../errors";
import { machineResourceId, parseMachineId } from "../resourceId";
import { apiVersions } from "./apiVersions";
import type { ArmContext } from "./armContext";
import {
  definedFields,
  readFlag,
  readObject,
  readProperties,
  readString,
  readStringArray,
  readTags,
} from "./armPayload";
import { hybridComputeResources, type HybridComputeScope, reportedIdOr } from "./hybridComputeResources";

/** The API enum plus `AwaitingConnection`; ARM may add more, so any string is possible. */
export type MachineStatus = "Connected" | "Disconnected" | "Error" | "AwaitingConnection" | (string & {});

export interface ExtensionIdentity {
  readonly publisher: string;
  readonly type: string;
}

/** What the agent was told locally with `azcmagent config` (read-only in ARM, docs/azure-facts.md §5, §7). */
export interface AgentConfiguration {
  readonly incomingConnectionsPorts: string[];
  readonly extensionsAllowList: ExtensionIdentity[];
  readonly extensionsBlockList: ExtensionIdentity[];
  /** Absent means the agent's default, enabled. */
  readonly extensionsEnabled: boolean;
  readonly guestConfigurationEnabled: boolean;
  /** `monitor` blocks Run Command and incoming-connection changes. Absent means `full`. */
  readonly configMode: "full" | "monitor" | (string & {});
  readonly proxyUrl?: string;
}

export interface ArcMachine {
  readonly id: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly tags: Record<string, string>;
  /** `Unknown` when ARM sent none. */
  readonly status: MachineStatus;
  readonly provisioningState?: string;
  readonly agentVersion?: string;
  readonly osType?: string;
  readonly osName?: string;
  readonly osVersion?: string;
  readonly osSku?: string;
  readonly lastStatusChange?: string;
  readonly agentConfiguration: AgentConfiguration;
}

export type MachineScope = HybridComputeScope;

const machines = hybridComputeResources({
  collection: "machines",
  label: "Arc machine",
  resourceId: (id) => machineResourceId(parseMachineId(id)),
  parse: toArcMachine,
});

/** The machine, or NotFoundError. */
export const getMachine = machines.get;

/** The machine, or undefined when it does not exist (ARM's 404). */
export const findMachine = machines.find;

/** One page of machines in a subscription or resource group; pass `nextLink` back for the next. */
export const listMachinePage = machines.listPage;

/** Every machine in a subscription or resource group, following nextLink. */
export const listMachines = machines.listAll;

/**
 * Replaces the machine's tags with a PATCH (Machines_Update: `{ tags }`, synchronous, 200 with the
 * machine; docs/azure-facts.md §5). ARM's `tags` in a PATCH is the whole set: read, merge, then send.
 * Like any ARM write it yields a `Microsoft.HybridCompute/machines/write` event.
 */
export async function updateMachineTags(
  context: ArmContext,
  machineId: string,
  tags: Readonly<Record<string, string>>,
): Promise<ArcMachine> {
  const id = machineResourceId(parseMachineId(machineId));
  const response = await context.send({
    method: "PATCH",
    path: id,
    apiVersion: apiVersions.hybridCompute,
    body: { tags: { ...tags } },
  });
  const machine = toArcMachine(response.body, id);
  if (!machine)
    throw new UnexpectedArmError(`The machine PATCH of ${id} answered no machine`, "MissingMachine");
  return machine;
}

/**
 * Maps a Machine body onto the domain object. `fallbackId` is the id asked for, used when the
 * body has none; without either the entry cannot be addressed and is dropped (undefined).
 */
export function toArcMachine(body: unknown, fallbackId?: string): ArcMachine | undefined {
  const id = reportedIdOr(body, parseMachineId, fallbackId);
  if (id === undefined) return undefined;
  const resource = readObject(body);
  const ref = parseMachineId(id);
  const properties = readProperties(body);
  const optional = {
    provisioningState: readString(properties.provisioningState),
    agentVersion: readString(properties.agentVersion),
    osType: readString(properties.osType),
    osName: readString(properties.osName),
    osVersion: readString(properties.osVersion),
    osSku: readString(properties.osSku),
    lastStatusChange: readString(properties.lastStatusChange),
  };
  return {
    id,
    name: readString(resource.name) ?? ref.machineName,
    subscriptionId: ref.subscriptionId,
    resourceGroup: ref.resourceGroup,
    location: readString(resource.location) ?? "",
    tags: readTags(resource.tags),
    status: readString(properties.status) ?? "Unknown",
    ...definedFields(optional),
    agentConfiguration: toAgentConfiguration(properties.agentConfiguration),
  };
}

function toAgentConfiguration(value: unknown): AgentConfiguration {
  const configuration = readObject(value);
  const proxyUrl = readString(configuration.proxyUrl);
  return {
    incomingConnectionsPorts: readStringArray(configuration.incomingConnectionsPorts),
    extensionsAllowList: toExtensionList(configuration.extensionsAllowList),
    extensionsBlockList: toExtensionList(configuration.extensionsBlockList),
    extensionsEnabled: readFlag(configuration.extensionsEnabled, true),
    guestConfigurationEnabled: readFlag(configuration.guestConfigurationEnabled, true),
    configMode: readString(configuration.configMode) ?? "full",
    ...(proxyUrl ? { proxyUrl } : {}),
  };
}

function toExtensionList(value: unknown): ExtensionIdentity[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    const extension = readObject(entry);
    const publisher = readString(extension.publisher);
    const type = readString(extension.type);
    return publisher && type ? [{ publisher, type }] : [];
  });
}
