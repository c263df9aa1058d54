// Where a machine's gateway lives. Default policy (issue 4): one gateway per subscription and
// region, in the configured resource group, named from a template (`arc-gw-{location}`), and
// capacity-aware: when that gateway already serves `capacity` machines the next name is used
// (`arc-gw-eastus-2`, `-3`…). Azure allows at most 5 gateways per subscription and suggests about
// 2,000 servers per gateway ([docs] azure-management-docs arc-gateway.md; AZURE-FACTS §1); the
// region only places the control plane, any machine in the tenant can use any gateway.
// Pure: the caller lists the subscription's gateways and counts their machines.
import { QuotaError, ValidationError } from "../errors";
import { gatewayResourceId, normalizeResourceId, parseGatewayId } from "../resourceId";

/** Azure's hard limit ([docs] arc-gateway.md "5 Arc gateway resources per subscription"); not a setting. */
export const gatewaysPerSubscription = 5;

export const locationPlaceholder = "{location}";

export interface GatewayPlacementPolicy {
  /** The resource group new gateways are created in, in the machine's subscription. */
  readonly resourceGroup: string;
  /** Gateway name with `{location}`, such as `arc-gw-{location}`. */
  readonly nameTemplate: string;
  /** Machines per gateway before the next gateway for the region is used. */
  readonly capacity: number;
}

/** A gateway that exists in the machine's subscription, with how many machines are attached to it. */
export interface ExistingGateway {
  readonly id: string;
  readonly location: string;
  /** `Creating`, `Succeeded`, `Failed`, `Deleting`… */
  readonly provisioningState: string;
  readonly attachedMachines: number;
}

export interface PlacedMachine {
  readonly subscriptionId: string;
  readonly location: string;
}

export type GatewayPlacement =
  { readonly use: string } | { readonly create: { readonly gatewayId: string; readonly location: string } };

/** A placement, or why there is none, as plain data an activity can return to an orchestrator. */
export type GatewayPlacementOutcome =
  GatewayPlacement | { readonly failed: { readonly code: string; readonly message: string } };

const gatewayNameCharacters = /^[a-zA-Z0-9\-_.]+$/; // the spec's gatewayName pattern (HybridCompute 2025-01-13)

/** Checks a name template: literal parts are gateway-name characters, `{location}` appears, nothing else in braces. */
export function validateGatewayNameTemplate(template: string): string {
  const trimmed = template.trim();
  const literal = trimmed.split(locationPlaceholder).join("");
  const problem = !trimmed.includes(locationPlaceholder)
    ? `it must contain ${locationPlaceholder}: one gateway per region needs a name per region`
    : /[{}]/.test(literal)
      ? `${locationPlaceholder} is the only placeholder`
      : literal !== "" && !gatewayNameCharacters.test(literal)
        ? "gateway names allow only letters, digits, '-', '_' and '.'"
        : trimmed.length > 60
          ? "it is longer than 60 characters"
          : undefined;
  if (problem) {
    throw new ValidationError(
      `Gateway name template '${shorten(trimmed)}' is invalid: ${problem}`,
      "InvalidTemplate",
    );
  }
  return trimmed;
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
      `'${shorten(location)}' is not an Azure region name such as eastus`,
      "InvalidLocation",
    );
  }
  const name = validateGatewayNameTemplate(template).split(locationPlaceholder).join(region);
  return ordinal > 1 ? `${name}-${ordinal}` : name;
}

/**
 * The gateway a machine should use, or the one to create. Throws QuotaError when the region's
 * gateways are all full (or missing) and the subscription already has 5, naming them.
 */
export function placeGateway(
  machine: PlacedMachine,
  existing: readonly ExistingGateway[],
  policy: GatewayPlacementPolicy,
): GatewayPlacement {
  if (machine.location.trim() === "") {
    throw new ValidationError("The machine reports no location, so it has no region to place a gateway in");
  }
  const subscription = machine.subscriptionId.toLowerCase();
  const inSubscription = new Map<string, ExistingGateway>();
  for (const gateway of existing) {
    let key: string;
    try {
      key = normalizeResourceId(gatewayResourceId(parseGatewayId(gateway.id)));
    } catch {
      continue; // not a gateway id: nothing we can place on or count
    }
    if (parseGatewayId(gateway.id).subscriptionId.toLowerCase() === subscription)
      inSubscription.set(key, gateway);
  }
  const location = normalizeLocation(machine.location);
  // A free name turns up by ordinal count+1 at the latest, so the loop always ends.
  for (let ordinal = 1; ordinal <= inSubscription.size + 1; ordinal++) {
    const gatewayId = gatewayResourceId({
      subscriptionId: machine.subscriptionId,
      resourceGroup: policy.resourceGroup,
      gatewayName: gatewayNameFor(policy.nameTemplate, location, ordinal),
    });
    const found = inSubscription.get(normalizeResourceId(gatewayId));
    if (!found) {
      if (inSubscription.size >= gatewaysPerSubscription)
        throw quotaError(machine, location, gatewayId, inSubscription, policy);
      return { create: { gatewayId, location } };
    }
    const state = found.provisioningState.toLowerCase();
    // Being deleted: the name is busy until it is gone, and machines must not attach to it.
    if (state === "deleting" || state === "deleted") continue;
    // A failed creation is retried in place (PUT on the same name), which costs no quota.
    if (state === "failed" || state === "canceled") return { create: { gatewayId: found.id, location } };
    if (found.attachedMachines >= policy.capacity) continue;
    return { use: found.id };
  }
  // Unreachable: the loop above returns or throws by ordinal count+1.
  throw quotaError(machine, location, "", inSubscription, policy);
}

/**
 * Attachment counts for placement, estimated: the gateway link (machine settings) is not in Resource
 * Graph, and reading every machine's settings on the event path would cost a GET per machine in the
 * subscription. Our policy sends a region's machines to that region's gateways in name order
 * (template name, `-2`, `-3`…), so the region's machine count — less the `placing` machines not yet
 * attached — fills those gateways up to `capacity` each, in that order. A gateway named otherwise
 * (made by hand) counts as empty; the drift sweep and gateway retirement count exactly.
 */
export function withEstimatedAttachments(
  subscriptionId: string,
  gateways: readonly Omit<ExistingGateway, "attachedMachines">[],
  machinesByLocation: Readonly<Record<string, number>>,
  policy: GatewayPlacementPolicy,
  placing = 1,
): ExistingGateway[] {
  const byId = new Map(gateways.map((gateway) => [normalizedOrSelf(gateway.id), gateway]));
  const estimates = new Map<string, number>();
  for (const [location, count] of Object.entries(machinesByLocation)) {
    let remaining = Math.max(0, count - placing);
    for (let ordinal = 1; ordinal <= gateways.length && remaining > 0; ordinal++) {
      let name: string;
      try {
        name = gatewayNameFor(policy.nameTemplate, location, ordinal);
      } catch {
        break; // not a region name: nothing of ours can be named after it
      }
      const key = normalizeResourceId(
        gatewayResourceId({ subscriptionId, resourceGroup: policy.resourceGroup, gatewayName: name }),
      );
      const gateway = byId.get(key);
      if (
        !gateway ||
        !["succeeded", "creating", "updating", "accepted"].includes(gateway.provisioningState.toLowerCase())
      )
        continue;
      const attached = Math.min(remaining, policy.capacity);
      estimates.set(key, attached);
      remaining -= attached;
    }
  }
  return gateways.map((gateway) => ({
    ...gateway,
    attachedMachines: estimates.get(normalizedOrSelf(gateway.id)) ?? 0,
  }));
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

function quotaError(
  machine: PlacedMachine,
  location: string,
  wanted: string,
  gateways: ReadonlyMap<string, ExistingGateway>,
  policy: GatewayPlacementPolicy,
): QuotaError {
  const listed = [...gateways.values()]
    .map(
      (g) =>
        `${parseGatewayId(g.id).gatewayName} (${g.location || "no location"}, ${g.provisioningState}, ${g.attachedMachines} machines)`,
    )
    .join(", ");
  const name = wanted ? parseGatewayId(wanted).gatewayName : `a gateway for ${location}`;
  return new QuotaError(
    `Subscription ${machine.subscriptionId} already has the ${gatewaysPerSubscription} Arc gateways Azure allows ` +
      `(${listed}), so ${name} for region ${location} cannot be created. ` +
      `Gateways serve machines of any region, so either delete a gateway that is no longer needed, ` +
      `raise ARC_GATEWAY_CAPACITY (now ${policy.capacity}; Azure suggests about 2,000 machines per gateway) ` +
      `if the existing ones are full, or onboard these machines into another subscription.`,
    "GatewayQuotaExceeded",
  );
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
