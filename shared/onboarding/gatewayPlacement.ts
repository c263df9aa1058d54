// Where a machine's gateway lives, as a pure function (the caller lists the gateways and counts
// machines). An Arc gateway serves any Arc machine in the tenant — its region only places its
// control plane — and a subscription holds at most 5 of them, each good for about 2,000 servers
// (docs/azure-facts.md §3). The policy, in order:
//
// 1. The machine's region: the region's gateways in the configured resource group, named from a
//    template (`arc-gw-{location}`, then `-2`, `-3`… once one serves ARC_GATEWAY_CAPACITY
//    machines), are filled in name order; a missing one is created while the subscription has
//    fewer than 5. A failed one is re-created in place (no extra quota).
// 2. Overflow: when no gateway can be created for the region (the subscription already has 5),
//    the machine goes to the existing gateway in the resource group with the most room left —
//    one in the same geography (`geographyOf`) first, any region after that — and the placement
//    carries a warning naming that gateway, its region and why. Gateways still being created
//    count: the machine waits for them as for its own.
// 3. A QuotaError only when every one of those gateways is full as well.
//
// With ARC_GATEWAY_SUBSCRIPTION (`hubSubscriptionId`) every machine in scope uses the gateways of
// that one subscription: they are listed and created there, and its 5-gateway quota applies to
// all machines. Attachment counts are estimates (`withEstimatedAttachments`).
//
// A retiring gateway (tagged `arc-autopilot-retiring`, shared/gateways/retiringTag.ts) is never
// chosen, neither as the region's gateway nor for overflow: its name stays taken and it still
// counts against the quota until its deletion, so the region's next name (`-2`…) is used instead.
import { hasFailed, hasSucceeded, isGoingAway } from "../azure/azureStates";
import { QuotaError, ValidationError } from "../errors";
import { gatewayResourceId, normalizeResourceId, parseGatewayId, sameResourceId } from "../resourceId";
import { shorten } from "../text";
import { locationPlaceholder, validateGatewayNameTemplate } from "../validation/gatewayNameTemplate";
import type { Scope } from "../validation/scope";
import { subscriptionsOfScopes } from "./scope";

/** Azure's hard limit ("5 Arc gateway resources per subscription", docs/azure-facts.md §3); not a setting. */
export const gatewaysPerSubscription = 5;

export interface GatewayPlacementPolicy {
  /** The resource group gateways are created in (and overflow machines are placed from), in the gateway subscription. */
  readonly resourceGroup: string;
  /** Gateway name with `{location}`, such as `arc-gw-{location}`. */
  readonly nameTemplate: string;
  /** Machines per gateway before the next gateway for the region (or another region's) is used. */
  readonly capacity: number;
  /**
   * ARC_GATEWAY_SUBSCRIPTION: the hub subscription whose gateways serve every machine in scope.
   * Absent: each machine's gateways are in its own subscription.
   */
  readonly hubSubscriptionId?: string;
}

/** A gateway that exists in the gateway subscription, with how many machines are attached to it. */
export interface ExistingGateway {
  readonly id: string;
  readonly location: string;
  /** `Creating`, `Succeeded`, `Failed`, `Deleting`… */
  readonly provisioningState: string;
  readonly attachedMachines: number;
  /** Tagged retiring: machines are being moved off it before it is deleted. Never placed on. */
  readonly retiring?: boolean;
}

export interface PlacedMachine {
  readonly subscriptionId: string;
  readonly location: string;
}

export type GatewayPlacement =
  | {
      readonly use: string;
      /** Set when the gateway is not in the machine's region: which one, where, and why. */
      readonly warning?: string;
    }
  | { readonly create: { readonly gatewayId: string; readonly location: string } };

/** A placement, or why there is none, as plain data an activity can return to an orchestrator. */
export type GatewayPlacementOutcome =
  GatewayPlacement | { readonly failed: { readonly code: string; readonly message: string } };

/** The subscription a machine's gateways live in: the hub when one is configured, else its own. */
export function gatewaySubscriptionFor(
  machineSubscriptionId: string,
  policy: GatewayPlacementPolicy,
): string {
  return policy.hubSubscriptionId ?? machineSubscriptionId;
}

/**
 * Whose gateways a machine is placed among, counted against whose machines: with a hub, its
 * gateways (and its 5-gateway quota) serve every subscription in scope, so their load is counted
 * across all of them; without one, the machine's subscription alone.
 */
export function placementScopeFor(
  machineSubscriptionId: string,
  policy: GatewayPlacementPolicy,
  scopes: readonly Scope[],
): { readonly gatewaySubscriptionId: string; readonly machineSubscriptionIds: readonly string[] } {
  return {
    gatewaySubscriptionId: gatewaySubscriptionFor(machineSubscriptionId, policy),
    machineSubscriptionIds:
      policy.hubSubscriptionId === undefined
        ? [machineSubscriptionId]
        : [machineSubscriptionId, ...subscriptionsOfScopes(scopes)],
  };
}

/**
 * Azure regions grouped by geography, the way ARM's locations list groups them
 * (`metadata.geographyGroup` of Subscriptions - List Locations; its "US" is spelled out here).
 * Only used to prefer a nearby gateway's control plane when a machine cannot have one in its own
 * region; any gateway works for any machine (docs/azure-facts.md §3), so a region missing here
 * (a new one, or a sovereign cloud's) is not an error: it simply considers gateways of every region.
 */
export const regionsByGeography: Readonly<Record<string, readonly string[]>> = {
  "United States": [
    "eastus",
    "eastus2",
    "centralus",
    "northcentralus",
    "southcentralus",
    "westcentralus",
    "westus",
    "westus2",
    "westus3",
  ],
  Canada: ["canadacentral", "canadaeast"],
  Mexico: ["mexicocentral"],
  "South America": ["brazilsouth", "brazilsoutheast", "chilecentral"],
  Europe: [
    "northeurope",
    "westeurope",
    "uksouth",
    "ukwest",
    "francecentral",
    "francesouth",
    "germanywestcentral",
    "germanynorth",
    "switzerlandnorth",
    "switzerlandwest",
    "norwayeast",
    "norwaywest",
    "swedencentral",
    "swedensouth",
    "polandcentral",
    "italynorth",
    "spaincentral",
  ],
  "Asia Pacific": [
    "eastasia",
    "southeastasia",
    "japaneast",
    "japanwest",
    "koreacentral",
    "koreasouth",
    "centralindia",
    "southindia",
    "westindia",
    "jioindiawest",
    "jioindiacentral",
    "australiaeast",
    "australiasoutheast",
    "australiacentral",
    "australiacentral2",
    "newzealandnorth",
    "indonesiacentral",
    "malaysiawest",
  ],
  "Middle East": ["uaenorth", "uaecentral", "qatarcentral", "israelcentral"],
  Africa: ["southafricanorth", "southafricawest"],
};

const geographyByRegion: ReadonlyMap<string, string> = new Map(
  Object.entries(regionsByGeography).flatMap(([geography, regions]) =>
    regions.map((region) => [region, geography] as const),
  ),
);

/** The region's geography (`Europe` for `West Europe`), or undefined for a region the map does not know. */
export function geographyOf(location: string): string | undefined {
  return geographyByRegion.get(normalizeLocation(location));
}

/** ARM region names are lowercase without spaces (`East US` and `eastus` are one region). */
export function normalizeLocation(location: string): string {
  return location.replace(/\s+/g, "").toLowerCase();
}

/** The `ordinal`th gateway name for a region: the template's, then `-2`, `-3`… */
export function gatewayNameFor(template: string, location: string, ordinal = 1): string {
  const region = normalizeLocation(location);
  if (!/^[a-z0-9]+$/.test(region)) {
    throw new ValidationError(
      `'${shorten(location, 80)}' is not an Azure region name such as eastus`,
      "InvalidLocation",
    );
  }
  const name = validateGatewayNameTemplate(template).split(locationPlaceholder).join(region);
  return ordinal > 1 ? `${name}-${ordinal}` : name;
}

/**
 * The gateway a machine should use, or the one to create (see the policy at the top). Throws
 * QuotaError only when the gateway subscription already has its 5 gateways and every usable one
 * is full; ValidationError when the machine has no region.
 */
export function placeGateway(
  machine: PlacedMachine,
  existing: readonly ExistingGateway[],
  policy: GatewayPlacementPolicy,
): GatewayPlacement {
  if (machine.location.trim() === "") {
    throw new ValidationError("The machine reports no location, so it has no region to place a gateway in");
  }
  const subscriptionId = gatewaySubscriptionFor(machine.subscriptionId, policy);
  const inSubscription = gatewaysIn(subscriptionId, existing);
  const location = normalizeLocation(machine.location);
  // Every gateway in the subscription counts against its quota, whatever its state or group.
  const quotaReached = inSubscription.size >= gatewaysPerSubscription;
  let regionGateways = 0;
  // 1. The region's own gateways, in name order. A free name turns up by ordinal count+1 at the latest.
  for (let ordinal = 1; ordinal <= inSubscription.size + 1; ordinal++) {
    const gatewayId = gatewayResourceId({
      subscriptionId,
      resourceGroup: policy.resourceGroup,
      gatewayName: gatewayNameFor(policy.nameTemplate, location, ordinal),
    });
    const found = inSubscription.get(normalizeResourceId(gatewayId));
    if (!found) {
      if (!quotaReached) return { create: { gatewayId, location } };
      break; // no new gateway for this region: another region's must do
    }
    regionGateways++;
    // Being deleted or retired: the name is busy until it is gone, and machines must not attach to it.
    if (isGoingAway(found.provisioningState) || found.retiring === true) continue;
    // A failed creation is retried in place (PUT on the same name), which costs no quota.
    if (hasFailed(found.provisioningState)) return { create: { gatewayId: found.id, location } };
    if (found.attachedMachines >= policy.capacity) continue;
    return { use: found.id };
  }
  // 2. Overflow: the quota is reached, so the machine shares a gateway of another region.
  const [best] = rankOverflowGateways(location, [...inSubscription.values()], policy);
  if (best) {
    return {
      use: best.id,
      warning: overflowWarning(location, best, regionGateways, subscriptionId, policy),
    };
  }
  // 3. Nothing has room anywhere and nothing more may be created.
  throw quotaError(location, inSubscription, subscriptionId, policy);
}

/**
 * The gateways a machine of `location` may overflow to, best first: live gateways (ready or being
 * created) in the policy's resource group with room left — gateways elsewhere in the subscription
 * are someone else's, so they count against the quota but take no machines of ours. Same
 * geography first (when the region's geography is known), then the most room left, then a ready
 * gateway before one still being created, then by id so the choice is repeatable.
 */
export function rankOverflowGateways(
  location: string,
  gateways: readonly ExistingGateway[],
  policy: GatewayPlacementPolicy,
): ExistingGateway[] {
  const geography = geographyOf(location);
  const group = policy.resourceGroup.toLowerCase();
  const key = (gateway: ExistingGateway) => {
    const ready = hasSucceeded(gateway.provisioningState);
    const near = geography !== undefined && geographyOf(gateway.location) === geography;
    return { near, room: policy.capacity - gateway.attachedMachines, ready };
  };
  return gateways
    .filter((gateway) => {
      const parsed = tryParseGatewayId(gateway.id);
      return (
        parsed !== undefined &&
        parsed.resourceGroup.toLowerCase() === group &&
        gateway.retiring !== true &&
        liveStates.has(gateway.provisioningState.toLowerCase()) &&
        gateway.attachedMachines < policy.capacity
      );
    })
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka.near !== kb.near) return ka.near ? -1 : 1;
      if (ka.room !== kb.room) return kb.room - ka.room;
      if (ka.ready !== kb.ready) return ka.ready ? -1 : 1;
      return normalizedOrSelf(a.id) < normalizedOrSelf(b.id) ? -1 : 1;
    });
}

/** States in which a gateway carries (or is about to carry) machines. */
const liveStates: ReadonlySet<string> = new Set(["succeeded", "creating", "updating", "accepted"]);

/** Where the placing machine is, so it is not counted as attached already (it is in Resource Graph's count). */
export interface PlacingMachines {
  readonly location: string;
  /** How many machines of that region are being placed now (default 1). */
  readonly machines?: number;
}

/**
 * Attachment counts for placement, estimated: the gateway link (machine settings) is not in
 * Resource Graph (docs/azure-facts.md §13), and reading every machine's settings on the event path
 * would cost a GET per machine. The estimate replays the placement policy over the machine counts
 * per region: a region's machines — less the `placing` ones, not yet attached — fill that region's
 * gateways in name order (template name, `-2`, `-3`…) up to `capacity` each. When the
 * subscription has its 5 gateways, what a region's own gateways cannot hold overflowed as
 * `placeGateway` sends it: one machine at a time to the gateway `rankOverflowGateways` puts first
 * (regions in name order). Below the quota the rest of a region is taken as not attached yet
 * (those machines would get a gateway of their own). A gateway named otherwise counts only the
 * overflow it is given; an exact count needs each machine's link (the list-gateways runbook and
 * gateway retirement read them: shared/gateways/attachedMachines.ts).
 *
 * `gatewaySubscriptionId` is where the gateways are (the hub, or the machines' own subscription);
 * `machinesByLocation` counts every machine that uses them (with a hub, across the scope).
 */
export function withEstimatedAttachments(
  gatewaySubscriptionId: string,
  gateways: readonly Omit<ExistingGateway, "attachedMachines">[],
  machinesByLocation: Readonly<Record<string, number>>,
  policy: GatewayPlacementPolicy,
  placing?: PlacingMachines,
): ExistingGateway[] {
  const byId = gatewaysIn(gatewaySubscriptionId, gateways);
  const estimates = new Map<string, number>();
  const leftovers: [string, number][] = [];
  const placingLocation = placing ? normalizeLocation(placing.location) : undefined;
  const regions = Object.entries(machinesByLocation)
    .map(([location, count]) => [normalizeLocation(location), count] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [location, count] of regions) {
    const less = location === placingLocation ? (placing?.machines ?? 1) : 0;
    let remaining = Math.max(0, count - less);
    for (let ordinal = 1; ordinal <= byId.size && remaining > 0; ordinal++) {
      let name: string;
      try {
        name = gatewayNameFor(policy.nameTemplate, location, ordinal);
      } catch {
        break; // not a region name: nothing of ours can be named after it
      }
      const key = normalizeResourceId(
        gatewayResourceId({
          subscriptionId: gatewaySubscriptionId,
          resourceGroup: policy.resourceGroup,
          gatewayName: name,
        }),
      );
      const gateway = byId.get(key);
      if (!gateway || !liveStates.has(gateway.provisioningState.toLowerCase())) continue;
      const attached = Math.min(remaining, policy.capacity);
      estimates.set(key, attached);
      remaining -= attached;
    }
    if (remaining > 0) leftovers.push([location, remaining]);
  }
  if (byId.size >= gatewaysPerSubscription) {
    const counted = () =>
      [...byId.entries()].map(([key, gateway]) => ({
        ...gateway,
        attachedMachines: estimates.get(key) ?? 0,
      }));
    for (const [location, count] of leftovers) {
      for (let machine = 0; machine < count; machine++) {
        const [best] = rankOverflowGateways(location, counted(), policy);
        if (!best) break; // everything is full: the rest is not attached anywhere we know of
        const key = normalizeResourceId(best.id);
        estimates.set(key, (estimates.get(key) ?? 0) + 1);
      }
    }
  }
  return gateways.map((gateway) => ({
    ...gateway,
    attachedMachines: estimates.get(normalizedOrSelf(gateway.id)) ?? 0,
  }));
}

/** The gateways of one subscription, each once, keyed by normalised id; anything else is left out. */
function gatewaysIn<T extends { readonly id: string }>(
  subscriptionId: string,
  gateways: readonly T[],
): Map<string, T> {
  const subscription = subscriptionId.toLowerCase();
  const found = new Map<string, T>();
  for (const gateway of gateways) {
    const parsed = tryParseGatewayId(gateway.id);
    // Not a gateway id, or another subscription's: nothing we can place on or count.
    if (parsed === undefined || parsed.subscriptionId.toLowerCase() !== subscription) continue;
    const key = normalizeResourceId(gatewayResourceId(parsed));
    if (!found.has(key)) found.set(key, gateway);
  }
  return found;
}

function tryParseGatewayId(id: string): ReturnType<typeof parseGatewayId> | undefined {
  try {
    return parseGatewayId(id);
  } catch {
    return undefined;
  }
}

function normalizedOrSelf(id: string): string {
  try {
    return normalizeResourceId(id);
  } catch {
    return id;
  }
}

/** placeGateway with its QuotaError or ValidationError as data, for an activity's return value. */
export function tryPlaceGateway(
  machine: PlacedMachine,
  existing: readonly ExistingGateway[],
  policy: GatewayPlacementPolicy,
): GatewayPlacementOutcome {
  try {
    return placeGateway(machine, existing, policy);
  } catch (error) {
    if (error instanceof QuotaError || error instanceof ValidationError) {
      return { failed: { code: error.code, message: error.message } };
    }
    throw error;
  }
}

/**
 * Places one machine among its gateway subscription's gateways, their attachments estimated
 * without it (`withEstimatedAttachments`): the placement, and the listed gateway it names (the one
 * to use, or one to create that is listed already), as counted.
 */
export function placeMachine(
  machine: PlacedMachine,
  gatewaySubscriptionId: string,
  gateways: readonly Omit<ExistingGateway, "attachedMachines">[],
  machinesByLocation: Readonly<Record<string, number>>,
  policy: GatewayPlacementPolicy,
): { readonly placement: GatewayPlacementOutcome; readonly target?: ExistingGateway } {
  const existing = withEstimatedAttachments(gatewaySubscriptionId, gateways, machinesByLocation, policy, {
    location: machine.location,
  });
  const placement = tryPlaceGateway(
    { subscriptionId: machine.subscriptionId, location: machine.location },
    existing,
    policy,
  );
  const targetId =
    "use" in placement ? placement.use : "create" in placement ? placement.create.gatewayId : "";
  const target = targetId ? existing.find((g) => sameResourceId(g.id, targetId)) : undefined;
  return { placement, ...(target ? { target } : {}) };
}

function subscriptionLabel(subscriptionId: string, policy: GatewayPlacementPolicy): string {
  return policy.hubSubscriptionId === undefined
    ? `subscription ${subscriptionId}`
    : `hub subscription ${subscriptionId} (ARC_GATEWAY_SUBSCRIPTION)`;
}

function overflowWarning(
  location: string,
  chosen: ExistingGateway,
  regionGateways: number,
  subscriptionId: string,
  policy: GatewayPlacementPolicy,
): string {
  const name = parseGatewayId(chosen.id).gatewayName;
  const where = normalizeLocation(chosen.location) || "an unknown region";
  const why =
    regionGateways === 0
      ? `${location} has no gateway and ${subscriptionLabel(subscriptionId, policy)} already has the ${gatewaysPerSubscription} Arc gateways Azure allows`
      : `${location}'s gateway${regionGateways > 1 ? "s are" : " is"} full or unusable and ${subscriptionLabel(subscriptionId, policy)} already has the ${gatewaysPerSubscription} Arc gateways Azure allows`;
  const geography = geographyOf(location);
  const chosenGeography = geographyOf(chosen.location);
  const how =
    geography === undefined
      ? `${location} is in no geography arc-autopilot knows, so gateways of every region were considered`
      : chosenGeography === geography
        ? `it has the most room left of the gateways in ${geography}`
        : `no gateway in ${geography} has room, and it has the most room left of the others`;
  const room = Math.max(0, policy.capacity - chosen.attachedMachines);
  const state = hasSucceeded(chosen.provisioningState) ? "" : `, still ${chosen.provisioningState}`;
  return (
    `Gateway ${name} in ${where} serves this machine of region ${location}: ${why}. ` +
    `A gateway serves machines of any region (its region only places its control plane); ` +
    `${how} (${room} of its ${policy.capacity} places free, by estimate${state}).`
  );
}

function quotaError(
  location: string,
  gateways: ReadonlyMap<string, ExistingGateway>,
  subscriptionId: string,
  policy: GatewayPlacementPolicy,
): QuotaError {
  const listed = [...gateways.values()]
    .map(
      (g) =>
        `${parseGatewayId(g.id).gatewayName} (${g.location || "no location"}, ${g.provisioningState}, ${g.attachedMachines} machines)`,
    )
    .join(", ");
  return new QuotaError(
    `Every Arc gateway is full: ${subscriptionLabel(subscriptionId, policy)} already has the ${gatewaysPerSubscription} ` +
      `Arc gateways Azure allows (${listed}), and none of those in resource group ${policy.resourceGroup} that can take ` +
      `machines has room for another (ARC_GATEWAY_CAPACITY is ${policy.capacity}), so no gateway can be found or ` +
      `created for this machine of region ${location}. A gateway serves machines of any region, so either raise ` +
      `ARC_GATEWAY_CAPACITY (Azure suggests about 2,000 machines per gateway), delete a gateway that is no longer ` +
      `needed, or use the gateways of another subscription (ARC_GATEWAY_SUBSCRIPTION).`,
    "GatewayQuotaExceeded",
  );
}
