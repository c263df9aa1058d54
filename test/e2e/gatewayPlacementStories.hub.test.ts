// Issue 9, item 4, with a hub: ARC_GATEWAY_SUBSCRIPTION names one subscription whose gateways
// serve every subscription in scope — a gateway serves any Arc machine of the tenant, across
// subscriptions (docs/azure-facts.md §3). Gateways are listed and created only there, its
// 5-gateway quota holds for all machines together, and the provider is still registered in each
// machine's own subscription. (Its own file: the app reads its settings once per process.)
import { gatewayType } from "../../local/emulator/providers/hybridCompute/gateways";
import { presetProviderRegistration } from "../../local/emulator/providers/resourceProviders";
import { geographyOf } from "../../shared/onboarding/gatewayPlacement";
import type { OnboardingResult } from "../../shared/onboarding/onboardingResult";
import { parseGatewayId } from "../../shared/resourceId";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const hub = "00000000-0000-4000-8000-0000000a0910";
const [alpha, beta, gamma] = [
  "00000000-0000-4000-8000-0000000a0911",
  "00000000-0000-4000-8000-0000000a0912",
  "00000000-0000-4000-8000-0000000a0913",
] as const;
let h: Harness;

harnessPerFile(
  {
    subscriptionId: alpha,
    appSettings: {
      // The hub itself is not in scope: no machine of it is touched, only its gateways are used.
      ARC_SCOPES: [alpha, beta, gamma].map((s) => `/subscriptions/${s}`).join(","),
      ARC_GATEWAY_SUBSCRIPTION: hub,
    },
  },
  (started) => {
    h = started;
  },
);

const path = (url: string) => new URL(url).pathname.toLowerCase();
const gatewaysOf = (subscriptionId: string) =>
  h.host.emulator!.state.listResources({ type: gatewayType, subscriptionId });

function linkOf(machineId: string): string {
  const settings = h.host.emulator!.state.getResource(
    `${machineId}/providers/Microsoft.HybridCompute/settings/default`,
  );
  const body = settings?.body as { properties?: { gatewayProperties?: { gatewayResourceId?: string } } };
  return body?.properties?.gatewayProperties?.gatewayResourceId ?? "";
}

const placementWarnings = (result: OnboardingResult) =>
  result.warnings.filter((w) => /serves this machine of region/.test(w));

async function onboard(machines: readonly [string, string, string][]) {
  const ids = machines.map(([name, subscriptionId, location]) =>
    h.connect({ name, subscriptionId, location }),
  );
  const results: OnboardingResult[] = [];
  for (const id of ids) results.push(await h.outcome(id));
  expect(results.map((r) => `${r.machineId.split("/").pop()}: ${r.outcome} ${r.code ?? ""}`)).toEqual(
    machines.map(([name]) => `${name}: onboarded `),
  );
  return { ids, results };
}

test("machines of three subscriptions share the hub's gateways; the provider is registered in each of theirs", async () => {
  // Only alpha has the provider already; beta's and gamma's are registered by their singletons.
  presetProviderRegistration(h.host.emulator!.state, alpha, "Microsoft.HybridConnectivity", "Registered");
  const from = h.host.traffic().length;

  const { ids } = await onboard([
    ["a-eastus", alpha, "eastus"],
    ["a-westeurope", alpha, "westeurope"],
    ["b-eastus", beta, "eastus"],
    ["b-japaneast", beta, "japaneast"],
    ["c-westeurope", gamma, "westeurope"],
  ]);

  // Gateways exist only in the hub, one per region, shared across subscriptions.
  for (const subscription of [alpha, beta, gamma]) expect(gatewaysOf(subscription)).toEqual([]);
  expect(
    gatewaysOf(hub)
      .map((g) => parseGatewayId(g.id).gatewayName)
      .sort(),
  ).toEqual(["arc-gw-eastus", "arc-gw-japaneast", "arc-gw-westeurope"]);
  const hubGateway = (name: string) =>
    `/subscriptions/${hub}/resourceGroups/arc-gateways/providers/Microsoft.HybridCompute/gateways/${name}`.toLowerCase();
  expect(ids.map((id) => linkOf(id).toLowerCase())).toEqual([
    hubGateway("arc-gw-eastus"),
    hubGateway("arc-gw-westeurope"),
    hubGateway("arc-gw-eastus"),
    hubGateway("arc-gw-japaneast"),
    hubGateway("arc-gw-westeurope"),
  ]);
  // Provider registration stays per machine subscription: beta and gamma, never the hub.
  const registers = h.host
    .traffic()
    .slice(from)
    .filter(
      (e) => e.method === "POST" && path(e.url).endsWith("/providers/microsoft.hybridconnectivity/register"),
    )
    .map((e) => path(e.url).split("/")[2]);
  expect(registers.sort()).toEqual([beta, gamma]);
  // The hub's load is estimated from the machines of every subscription in scope, in one query.
  const graphQueries = h.host
    .traffic()
    .slice(from)
    .filter((e) => path(e.url) === "/providers/microsoft.resourcegraph/resources");
  expect(graphQueries.length).toBeGreaterThan(0);
  for (const query of graphQueries) {
    expect((query.requestBody as { subscriptions: string[] }).subscriptions.sort()).toEqual([
      alpha,
      beta,
      gamma,
    ]);
  }
});

test("the hub's 5-gateway quota holds for all subscriptions: more regions share its gateways, with the warning", async () => {
  const { ids, results } = await onboard([
    ["a-australiaeast", alpha, "australiaeast"],
    ["b-brazilsouth", beta, "brazilsouth"],
    ["c-northeurope", gamma, "northeurope"],
    ["a-centralus", alpha, "centralus"],
  ]);

  for (const subscription of [alpha, beta, gamma]) expect(gatewaysOf(subscription)).toEqual([]);
  const hubGateways = gatewaysOf(hub);
  expect(hubGateways).toHaveLength(5);
  // No 6th gateway was attempted in the hub.
  expect(h.host.traffic().filter((e) => e.status === 409)).toEqual([]);
  const regionOf = new Map(
    hubGateways.map((g) => [g.id.toLowerCase(), (g.body as { location: string }).location] as const),
  );
  let offRegion = 0;
  for (const [index, result] of results.entries()) {
    const link = linkOf(ids[index]!).toLowerCase();
    const machineRegion = result.machineId.split("/").pop()!.split("-")[1]!;
    const gatewayRegion = regionOf.get(link);
    expect(gatewayRegion).toBeDefined(); // a hub gateway
    if (gatewayRegion === machineRegion) {
      expect(placementWarnings(result)).toEqual([]);
      continue;
    }
    offRegion++;
    const near = [...regionOf.values()].some((r) => geographyOf(r) === geographyOf(machineRegion));
    if (near) expect(geographyOf(gatewayRegion!)).toBe(geographyOf(machineRegion));
    expect(placementWarnings(result)).toEqual([
      expect.stringContaining(
        `${machineRegion} has no gateway and hub subscription ${hub} (ARC_GATEWAY_SUBSCRIPTION) already has the 5 Arc gateways Azure allows`,
      ) as unknown,
    ]);
  }
  // Three regions had hub gateways after the first story and two more fit: two of these four share.
  expect(offRegion).toBe(2);
});
