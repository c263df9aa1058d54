// Every Resource Graph query arc-autopilot sends, with the reader for its rows. Kept to the KQL
// the local emulator understands (where with ==, =~, in~…; extend with tostring; project; order
// by). Machine settings (the gateway link) and HybridConnectivity resources are not in ARG
// (docs/azure-facts.md §13): read those per machine by id.
import { ValidationError } from "../errors";
import { definedFields, readObject, readString, readStringArray, readTags } from "./armPayload";
import type { ResourceGraphQuery } from "./resourceGraph";

export interface InventoryFilter {
  /** Only these resource groups (case-insensitive); all when absent or empty. */
  readonly resourceGroups?: readonly string[];
}

/** One Arc machine as ARG indexes it: enough to plan, without a GET per machine. */
export interface MachineInventoryRow {
  readonly id: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly tags: Record<string, string>;
  readonly status: string;
  readonly agentVersion?: string;
  readonly osType?: string;
  readonly osName?: string;
  readonly osSku?: string;
  readonly lastStatusChange?: string;
  readonly incomingPorts: string[];
  readonly configMode?: string;
}

export interface GatewayInventoryRow {
  readonly id: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly provisioningState?: string;
  readonly gatewayEndpoint?: string;
}

export function machineInventoryQuery(filter: InventoryFilter = {}): ResourceGraphQuery<MachineInventoryRow> {
  const text = [
    "Resources",
    "| where type =~ 'microsoft.hybridcompute/machines'",
    ...resourceGroupClause(filter),
    "| extend status = tostring(properties.status), agentVersion = tostring(properties.agentVersion)," +
      " osType = tostring(properties.osType), osName = tostring(properties.osName), osSku = tostring(properties.osSku)," +
      " lastStatusChange = tostring(properties.lastStatusChange)," +
      " incomingPorts = properties.agentConfiguration.incomingConnectionsPorts," +
      " configMode = tostring(properties.agentConfiguration.configMode)",
    "| project id, name, subscriptionId, resourceGroup, location, tags, status, agentVersion, osType, osName, osSku," +
      " lastStatusChange, incomingPorts, configMode",
    // A stable order keeps $skipToken pages from overlapping.
    "| order by id asc",
  ].join("\n");
  return { text, parseRow: toMachineInventoryRow };
}

export function gatewayInventoryQuery(filter: InventoryFilter = {}): ResourceGraphQuery<GatewayInventoryRow> {
  const text = [
    "Resources",
    "| where type =~ 'microsoft.hybridcompute/gateways'",
    ...resourceGroupClause(filter),
    "| extend provisioningState = tostring(properties.provisioningState), gatewayEndpoint = tostring(properties.gatewayEndpoint)",
    "| project id, name, subscriptionId, resourceGroup, location, provisioningState, gatewayEndpoint",
    "| order by id asc",
  ].join("\n");
  return { text, parseRow: toGatewayInventoryRow };
}

// Resource group names are letters, digits, `-_.()` (ARM's rule), so they need no escaping
// inside a KQL string literal; anything else is refused before it can change the query.
const resourceGroupName = /^[-\w.()]{1,90}$/;

function resourceGroupClause(filter: InventoryFilter): string[] {
  const groups = filter.resourceGroups ?? [];
  if (groups.length === 0) return [];
  for (const group of groups) {
    if (!resourceGroupName.test(group)) throw new ValidationError(`'${group}' is not a resource group name`);
  }
  return [`| where resourceGroup in~ (${groups.map((g) => `'${g}'`).join(", ")})`];
}

function toMachineInventoryRow(row: unknown): MachineInventoryRow | undefined {
  const base = inventoryBase(row);
  if (!base) return undefined;
  const fields = readObject(row);
  return {
    ...base,
    tags: readTags(fields.tags),
    status: readString(fields.status) ?? "Unknown",
    ...definedFields({
      agentVersion: readString(fields.agentVersion),
      osType: readString(fields.osType),
      osName: readString(fields.osName),
      osSku: readString(fields.osSku),
      lastStatusChange: readString(fields.lastStatusChange),
      configMode: readString(fields.configMode),
    }),
    incomingPorts: readPortList(fields.incomingPorts),
  };
}

function toGatewayInventoryRow(row: unknown): GatewayInventoryRow | undefined {
  const base = inventoryBase(row);
  if (!base) return undefined;
  const fields = readObject(row);
  return {
    ...base,
    ...definedFields({
      provisioningState: readString(fields.provisioningState),
      gatewayEndpoint: readString(fields.gatewayEndpoint),
    }),
  };
}

function inventoryBase(row: unknown) {
  const fields = readObject(row);
  const id = readString(fields.id);
  const subscriptionId = readString(fields.subscriptionId);
  const resourceGroup = readString(fields.resourceGroup);
  if (!id || !subscriptionId || !resourceGroup) return undefined;
  return {
    id,
    name: readString(fields.name) ?? id.slice(id.lastIndexOf("/") + 1),
    subscriptionId,
    resourceGroup,
    location: readString(fields.location) ?? "",
  };
}

/** A dynamic array comes back as an array, or as its JSON text when a query wraps it in tostring(). */
function readPortList(value: unknown): string[] {
  if (typeof value === "string" && value.trim().startsWith("[")) {
    try {
      return readStringArray(JSON.parse(value) as unknown);
    } catch {
      return [];
    }
  }
  return readStringArray(value);
}

export interface MachineCountRow {
  /** Normalised region name (`eastus`). */
  readonly location: string;
  readonly machines: number;
}

/** Arc machines per region: what gateway placement estimates attachments from (settings are not in ARG). */
export function machineCountsByLocationQuery(): ResourceGraphQuery<MachineCountRow> {
  const text = [
    "Resources",
    "| where type =~ 'microsoft.hybridcompute/machines'",
    "| summarize machines = count() by location",
    "| order by location asc",
  ].join("\n");
  return {
    text,
    parseRow: (row) => {
      const fields = readObject(row);
      const location = readString(fields.location);
      const machines = fields.machines;
      if (!location || typeof machines !== "number" || !Number.isInteger(machines) || machines < 0)
        return undefined;
      return { location: location.replace(/\s+/g, "").toLowerCase(), machines };
    },
  };
}

export interface MachineSelection {
  /** Only this resource group (case-insensitive); the whole subscription when absent. */
  readonly resourceGroup?: string;
  /** Only machines carrying every one of these tags, each with this value (values compare case-insensitively). */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface MachineIdRow {
  readonly id: string;
  readonly location: string;
}

/**
 * The ids of the Arc machines a runbook targets: a subscription (the request names it), narrowed
 * to a resource group and to tags. Tag names are looked up as written on the resources; names and
 * values go into KQL string literals escaped, so a value can never change the query.
 */
export function machineIdsQuery(selection: MachineSelection = {}): ResourceGraphQuery<MachineIdRow> {
  const text = [
    "Resources",
    "| where type =~ 'microsoft.hybridcompute/machines'",
    ...(selection.resourceGroup === undefined
      ? []
      : resourceGroupClause({ resourceGroups: [selection.resourceGroup] })),
    ...Object.entries(selection.tags ?? {}).map(
      ([name, value]) => `| where tostring(tags[${kqlString(name)}]) =~ ${kqlString(value)}`,
    ),
    "| project id, location",
    "| order by id asc",
  ].join("\n");
  return {
    text,
    parseRow: (row) => {
      const fields = readObject(row);
      const id = readString(fields.id);
      return id ? { id, location: readString(fields.location) ?? "" } : undefined;
    },
  };
}

/** A KQL string literal: single quotes, with `\` and `'` escaped (control characters refused). */
export function kqlString(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(value))
    throw new ValidationError("A KQL string may not hold control characters");
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
