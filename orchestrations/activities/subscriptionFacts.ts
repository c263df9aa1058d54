// What every machine of a subscription shares, read once and reused for a short while by the
// activities of one Function App instance (USER-NEEDS 3: "cache the result per subscription"):
// the Microsoft.HybridConnectivity registration, once Registered, and the gateway picture used
// for placement. A burst of 1,000 joining machines then costs one provider GET, one gateway list
// and one Resource Graph query per subscription instead of 1,000 of each. Concurrent callers share
// one read in flight. Only facts that are safe to be a little stale are kept: a Registered
// provider stays registered, and a stale gateway picture only makes a machine ask the gateway's
// singleton, which knows better (DESIGN decision 3).
import type { ArmContext } from "../../shared/azure/armContext";
import { listGateways } from "../../shared/azure/gateways";
import { queryResourceGraphPage } from "../../shared/azure/resourceGraph";
import { machineCountsByLocationQuery } from "../../shared/azure/resourceGraphQueries";
import { getProviderRegistration, type RegistrationState } from "../../shared/azure/resourceProviders";
import type { ExistingGateway } from "../../shared/onboarding/gatewayPlacement";

/** How long a Registered provider is taken as registered without asking again. */
export const registeredTtlMs = 10 * 60_000;
/** How long a subscription's gateway picture is reused. */
export const gatewayPictureTtlMs = 60_000;

export interface GatewayPicture {
  readonly gateways: readonly Omit<ExistingGateway, "attachedMachines">[];
  /** Arc machines per normalised location in the subscription (Resource Graph). */
  readonly machinesByLocation: Readonly<Record<string, number>>;
}

interface Entry<T> {
  readonly value: Promise<T>;
  readonly at: number;
}

export class SubscriptionFacts {
  readonly #registeredAt = new Map<string, number>();
  readonly #pictures = new Map<string, Entry<GatewayPicture>>();

  constructor(private readonly arm: ArmContext) {}

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

  /** The subscription's gateways and how many Arc machines each region has. */
  gatewayPicture(subscriptionId: string): Promise<GatewayPicture> {
    return this.#cached(this.#pictures, subscriptionId.toLowerCase(), gatewayPictureTtlMs, async () => {
      const gateways: Omit<ExistingGateway, "attachedMachines">[] = [];
      for await (const gateway of listGateways(this.arm, { subscriptionId })) {
        gateways.push({
          id: gateway.id,
          location: gateway.location,
          provisioningState: gateway.provisioningState,
        });
      }
      const machinesByLocation: Record<string, number> = {};
      let skipToken: string | undefined;
      do {
        const page = await queryResourceGraphPage(
          this.arm,
          { subscriptions: [subscriptionId], query: machineCountsByLocationQuery() },
          skipToken,
        );
        for (const row of page.rows)
          machinesByLocation[row.location] = (machinesByLocation[row.location] ?? 0) + row.machines;
        skipToken = page.skipToken;
      } while (skipToken !== undefined);
      return { gateways, machinesByLocation };
    });
  }

  /** Forgets what is known about a subscription's gateways (after this instance changed them). */
  forgetGateways(subscriptionId: string): void {
    this.#pictures.delete(subscriptionId.toLowerCase());
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
