// The gateways an operator sees (the list-gateways runbook): for each, its state, endpoint, the
// machines attached to it COUNTED from each machine's own link (settings/default, one GET per
// machine in ARC_SCOPES: the link is in no Resource Graph table, docs/azure-facts.md §4, §13),
// the room left below ARC_GATEWAY_CAPACITY (Azure's planning figure is about 2,000 servers per
// gateway, §3), whether it is being retired (its tag, retiringTag.ts), and the allow-list for the
// machines behind it (allowList.ts). Reads only: one gateway list per subscription, one Resource
// Graph query, and the settings GETs a few at a time (attachedMachines.ts).
import type { ArmContext } from "../azure/armContext";
import { listGateways } from "../azure/gateways";
import { queryResourceGraph } from "../azure/resourceGraph";
import { machineIdsQuery } from "../azure/resourceGraphQueries";
import type { Settings } from "../config";
import { isInScope, subscriptionsOfScopes } from "../onboarding/scope";
import { parseGatewayId, resourceIdKey } from "../resourceId";
import { scopeVerdict } from "../runbooks/targetScope";
import { type AllowListEntry, gatewayAllowList } from "./allowList";
import { gatewayLinksOf } from "./attachedMachines";
import { retiringSince } from "./retiringTag";

export interface GatewayView {
  readonly id: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  /** The gateway's provisioningState: `Creating`, `Succeeded`, `Failed`, `Deleting`… */
  readonly state: string;
  /** `<prefix>.gw.arc.azure.com`, once created. */
  readonly endpoint?: string;
  /** Machines in ARC_SCOPES whose settings name this gateway. */
  readonly attachedMachines: number;
  /** ARC_GATEWAY_CAPACITY. */
  readonly capacity: number;
  readonly capacityLeft: number;
  readonly retiring: boolean;
  /** When it was marked retiring (the tag's value). */
  readonly retiringSince?: string;
  /** The regions of its machines (its own when none): what the allow-list's regional hosts are for. */
  readonly regions: readonly string[];
  readonly allowList: readonly AllowListEntry[];
}

export interface GatewayInventory {
  readonly gateways: readonly GatewayView[];
  /** How many machines' links were read to count attachments. */
  readonly machinesCounted: number;
}

type InventorySettings = Pick<
  Settings,
  "ARC_SCOPES" | "ARC_GATEWAY_RESOURCE_GROUP" | "ARC_GATEWAY_SUBSCRIPTION" | "ARC_GATEWAY_CAPACITY"
>;

/**
 * Every gateway in scope of `subscriptionId` (default: where the app keeps gateways — the hub,
 * or each subscription of ARC_SCOPES), with attachments counted over every machine in ARC_SCOPES.
 */
export async function gatewayInventory(
  arm: ArmContext,
  settings: InventorySettings,
  request: { readonly subscriptionId?: string } = {},
): Promise<GatewayInventory> {
  const scopeSubscriptions = subscriptionsOfScopes(settings.ARC_SCOPES);
  const gatewaySubscriptions =
    request.subscriptionId !== undefined
      ? [request.subscriptionId.toLowerCase()]
      : settings.ARC_GATEWAY_SUBSCRIPTION !== undefined
        ? [settings.ARC_GATEWAY_SUBSCRIPTION.toLowerCase()]
        : scopeSubscriptions;

  const listed = [];
  for (const subscriptionId of gatewaySubscriptions) {
    for await (const gateway of listGateways(arm, { subscriptionId })) {
      if (scopeVerdict("gateway", gateway.id, settings).inScope) listed.push(gateway);
    }
  }

  // Every machine in scope, and the gateway its own settings name.
  const machines: { id: string; location: string }[] = [];
  if (scopeSubscriptions.length > 0 && listed.length > 0) {
    for await (const page of queryResourceGraph(arm, {
      subscriptions: scopeSubscriptions,
      query: machineIdsQuery(),
    })) {
      for (const row of page.rows) if (isInScope(row.id, settings.ARC_SCOPES)) machines.push(row);
    }
  }
  const links = await gatewayLinksOf(
    arm,
    machines.map((m) => m.id),
  );
  const counts = new Map<string, { machines: number; regions: Set<string> }>();
  for (const [index, link] of links.entries()) {
    if (!link.gatewayResourceId) continue;
    const key = resourceIdKey(link.gatewayResourceId);
    const entry = counts.get(key) ?? { machines: 0, regions: new Set<string>() };
    entry.machines++;
    const location = machines[index]?.location;
    if (location) entry.regions.add(location.replace(/\s+/g, "").toLowerCase());
    counts.set(key, entry);
  }

  const capacity = settings.ARC_GATEWAY_CAPACITY;
  const gateways = listed.map((gateway): GatewayView => {
    const counted = counts.get(resourceIdKey(gateway.id));
    const attachedMachines = counted?.machines ?? 0;
    const regions = counted && counted.regions.size > 0 ? [...counted.regions].sort() : [gateway.location];
    const since = retiringSince(gateway.tags);
    const ref = parseGatewayId(gateway.id);
    return {
      id: gateway.id,
      name: gateway.name,
      subscriptionId: ref.subscriptionId,
      resourceGroup: ref.resourceGroup,
      location: gateway.location,
      state: gateway.provisioningState,
      ...(gateway.gatewayEndpoint ? { endpoint: gateway.gatewayEndpoint } : {}),
      attachedMachines,
      capacity,
      capacityLeft: Math.max(0, capacity - attachedMachines),
      retiring: since !== undefined,
      ...(since !== undefined ? { retiringSince: since } : {}),
      regions,
      allowList: gatewayAllowList(gateway.gatewayEndpoint, regions),
    };
  });
  return { gateways, machinesCounted: links.length };
}
