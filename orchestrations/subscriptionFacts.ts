// What every machine of a subscription shares, read once and reused for a short while by the
// activities of one Function App instance, cached per subscription:
// the Microsoft.HybridConnectivity registration, once Registered, and the gateway picture used
// for placement. A burst of 1,000 joining machines then costs one provider GET, one gateway list
// and one Resource Graph query per subscription instead of 1,000 of each. Concurrent callers share
// one read in flight. Only facts that are safe to be a little stale are kept: a Registered
// provider stays registered, and a stale gateway picture only makes a machine ask the gateway's
// singleton, which knows better (orchestrations/activities/sharedOperations.ts).
//
// Gateways this instance has just decided to create are remembered too (`notePlannedGateway`),
// so the machines of a burst that plan before the first PUT reaches ARM see them: without that,
// machines of six regions planning together would all decide to create a gateway, and the sixth
// PUT would hit the 5-per-subscription quota (docs/azure-facts.md §3) instead of sharing one.
import type { ArmContext } from "../shared/azure/armContext";
import { hasFailed, isDeletedState } from "../shared/azure/azureStates";
import { findGateway, listGateways } from "../shared/azure/gateways";
import { queryResourceGraph } from "../shared/azure/resourceGraph";
import { machineCountsByLocationQuery } from "../shared/azure/resourceGraphQueries";
import { getProviderRegistration, type RegistrationState } from "../shared/azure/resourceProviders";
import { isRetiring } from "../shared/gateways/retiringTag";
import type { ExistingGateway } from "../shared/onboarding/gatewayPlacement";
import { normalizeResourceId } from "../shared/resourceId";

/** How long a Registered provider is taken as registered without asking again. */
export const registeredTtlMs = 10 * 60_000;
/** How long a subscription's gateway picture is reused. */
export const gatewayPictureTtlMs = 60_000;
/**
 * How long a gateway this instance decided to create counts while ARM does not list it yet: long
 * enough to cover its machine's path from plan to PUT and a picture read in between, short enough
 * that a creation that never happened (or was refused) stops attracting machines soon.
 */
export const plannedGatewayTtlMs = 5 * 60_000;

type ListedGateway = Omit<ExistingGateway, "attachedMachines">;

export interface GatewayPicture {
  /** The gateways of the gateway subscription, as ARM lists them. */
  readonly gateways: readonly ListedGateway[];
  /** Arc machines per normalised location across the machine subscriptions (Resource Graph). */
  readonly machinesByLocation: Readonly<Record<string, number>>;
}

/** Whose gateways, counted against whose machines. */
export interface GatewayPictureScope {
  /** Where the gateways are: the hub (ARC_GATEWAY_SUBSCRIPTION), or the machine's own subscription. */
  readonly gatewaySubscriptionId: string;
  /** Whose machines use them: with a hub, every subscription in scope; else the machine's own. */
  readonly machineSubscriptionIds: readonly string[];
}

interface Entry<T> {
  readonly value: Promise<T>;
  readonly at: number;
}

export class SubscriptionFacts {
  readonly #registeredAt = new Map<string, number>();
  readonly #pictures = new Map<string, Entry<GatewayPicture>>();
  /** Gateway subscription → normalised gateway id → the gateway decided on, and when. */
  readonly #planned = new Map<
    string,
    Map<string, { readonly gateway: ListedGateway; readonly at: number }>
  >();

  readonly #linked = new Map<string, Entry<"live" | "gone" | "retiring">>();

  constructor(private readonly arm: ArmContext) {}

  /**
   * How the gateway a machine's settings name stands: `gone` (not found, being deleted, or its
   * creation failed: deleted behind the app's back, its machines are stranded), `retiring`
   * (tagged: its machines are moved off), or `live`. One GET per gateway, reused for
   * `gatewayPictureTtlMs`, so a fleet's plans cost a read per gateway, not per machine.
   */
  linkedGatewayState(gatewayId: string): Promise<"live" | "gone" | "retiring"> {
    return this.#cached(this.#linked, normalizedOrSelf(gatewayId), gatewayPictureTtlMs, async () => {
      const gateway = await findGateway(this.arm, gatewayId);
      if (
        gateway === undefined ||
        isDeletedState(gateway.provisioningState) ||
        hasFailed(gateway.provisioningState)
      )
        return "gone";
      return isRetiring(gateway.tags) ? "retiring" : "live";
    });
  }

  /**
   * The provider's state. A Registered answer is reused for `registeredTtlMs`; any other state is
   * read every time (not even shared between concurrent callers), so how many reads a fleet costs
   * before registration does not depend on how its activities happened to overlap.
   */
  async providerState(subscriptionId: string, namespace: string): Promise<RegistrationState> {
    const key = `${subscriptionId}/${namespace}`.toLowerCase();
    const registeredAt = this.#registeredAt.get(key);
    if (registeredAt !== undefined && this.arm.now() - registeredAt < registeredTtlMs) return "Registered";
    const state = await getProviderRegistration(this.arm, subscriptionId, namespace);
    if (state.toLowerCase() === "registered") this.#registeredAt.set(key, this.arm.now());
    else this.#registeredAt.delete(key);
    return state;
  }

  /**
   * The gateway subscription's gateways and how many Arc machines each region has across the
   * machine subscriptions: one gateway list and one Resource Graph query (which takes several
   * subscriptions at once, docs/azure-facts.md §13). A plain subscription id means that
   * subscription for both.
   */
  gatewayPicture(scope: string | GatewayPictureScope): Promise<GatewayPicture> {
    const { gatewaySubscriptionId, machineSubscriptionIds } =
      typeof scope === "string" ? { gatewaySubscriptionId: scope, machineSubscriptionIds: [scope] } : scope;
    const machines = [...new Set(machineSubscriptionIds.map((s) => s.toLowerCase()))].sort();
    const key = `${gatewaySubscriptionId.toLowerCase()}|${machines.join(",")}`;
    return this.#cached(this.#pictures, key, gatewayPictureTtlMs, async () => {
      const gateways: ListedGateway[] = [];
      for await (const gateway of listGateways(this.arm, { subscriptionId: gatewaySubscriptionId })) {
        gateways.push({
          id: gateway.id,
          location: gateway.location,
          provisioningState: gateway.provisioningState,
          // Read from the gateway's tags each time, never remembered: placement skips it after a restart too.
          ...(isRetiring(gateway.tags) ? { retiring: true } : {}),
        });
      }
      const machinesByLocation: Record<string, number> = {};
      // Every page, with queryResourceGraph's guard against a $skipToken handed back twice.
      const query = { subscriptions: machines, query: machineCountsByLocationQuery() };
      for await (const page of queryResourceGraph(this.arm, query)) {
        for (const row of page.rows)
          machinesByLocation[row.location] = (machinesByLocation[row.location] ?? 0) + row.machines;
      }
      return { gateways, machinesByLocation };
    });
  }

  /**
   * The picture's gateways plus the ones this instance decided to create that ARM does not list
   * yet, as `Creating`. Synchronous on purpose: a caller that reads this, places and notes its
   * own decision without awaiting in between cannot interleave with another plan.
   */
  gatewaysWithPlanned(gatewaySubscriptionId: string, listed: readonly ListedGateway[]): ListedGateway[] {
    const planned = this.#planned.get(gatewaySubscriptionId.toLowerCase());
    if (!planned) return [...listed];
    const now = this.arm.now();
    const known = new Set(listed.map((gateway) => normalizedOrSelf(gateway.id)));
    const extra: ListedGateway[] = [];
    for (const [key, entry] of planned) {
      if (now - entry.at >= plannedGatewayTtlMs) planned.delete(key);
      else if (!known.has(key)) extra.push(entry.gateway);
    }
    return [...listed, ...extra];
  }

  /** Remembers a gateway this instance decided to create, for `gatewaysWithPlanned`. */
  notePlannedGateway(
    gatewaySubscriptionId: string,
    gateway: { readonly id: string; readonly location: string },
  ): void {
    const subscription = gatewaySubscriptionId.toLowerCase();
    let planned = this.#planned.get(subscription);
    if (!planned) {
      planned = new Map();
      this.#planned.set(subscription, planned);
    }
    const key = normalizedOrSelf(gateway.id);
    if (!planned.has(key)) {
      planned.set(key, {
        gateway: { id: gateway.id, location: gateway.location, provisioningState: "Creating" },
        at: this.arm.now(),
      });
    }
  }

  /** Forgets what is known about the gateways of a gateway subscription (after this instance changed them). */
  forgetGateways(gatewaySubscriptionId: string): void {
    const prefix = `${gatewaySubscriptionId.toLowerCase()}|`;
    for (const key of [...this.#pictures.keys()]) if (key.startsWith(prefix)) this.#pictures.delete(key);
    this.#planned.delete(gatewaySubscriptionId.toLowerCase());
  }

  #cached<T>(map: Map<string, Entry<T>>, key: string, ttlMs: number, read: () => Promise<T>): Promise<T> {
    const now = this.arm.now();
    const hit = map.get(key);
    if (hit && now - hit.at < ttlMs) return hit.value;
    const value = read();
    map.set(key, { value, at: now });
    // A failed read is not remembered: the next caller reads again.
    value.catch(() => {
      if (map.get(key)?.value === value) map.delete(key);
    });
    return value;
  }
}

function normalizedOrSelf(id: string): string {
  try {
    return normalizeResourceId(id);
  } catch {
    return id;
  }
}
