// Issue 9, item 4: gateway placement beyond five regions. A subscription holds at most 5 Arc
// gateways, and a gateway serves any Arc machine of the tenant — its region only places its
// control plane (docs/azure-facts.md §3). So a fleet in seven regions of one subscription all
// onboards: five regions get a gateway, the other machines share the one with most room left in
// their geography, and their results say so in `warnings`.
//
// The hub-subscription story (ARC_GATEWAY_SUBSCRIPTION) is in gatewayPlacementStories.hub.test.ts:
// the app reads its settings once per process and a test file runs one harness, so a second
// configuration needs a second file.
import { gatewayType } from "../../local/emulator/providers/hybridCompute/gateways";
import { geographyOf } from "../../shared/onboarding/gatewayPlacement";
import type { OnboardingResult } from "../../shared/onboarding/onboardingResult";
import { parseGatewayId } from "../../shared/resourceId";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const fleet = "00000000-0000-4000-8000-0000000a0901";
let h: Harness;

harnessPerFile({ subscriptionId: fleet }, (started) => {
  h = started;
});

/** The gateway the machine's settings link names, and that gateway's region in the emulator. */
function linkedGateway(machineId: string): { id: string; name: string; location: string } {
  const settings = h.host.emulator!.state.getResource(
    `${machineId}/providers/Microsoft.HybridCompute/settings/default`,
  );
  const body = settings?.body as { properties?: { gatewayProperties?: { gatewayResourceId?: string } } };
  const id = body?.properties?.gatewayProperties?.gatewayResourceId ?? "";
  const gateway = h.host.emulator!.state.getResource(id);
  return {
    id,
    name: parseGatewayId(id).gatewayName,
    location: (gateway?.body as { location?: string } | undefined)?.location ?? "",
  };
}

const placementWarnings = (result: OnboardingResult) =>
  result.warnings.filter((w) => /serves this machine of region/.test(w));

test("machines in 7 regions of one subscription all onboard on 5 gateways; those placed elsewhere say why", async () => {
  h.registerHybridConnectivity();
  const regions = [
    "eastus",
    "westeurope",
    "japaneast",
    "australiaeast",
    "brazilsouth",
    "westus2",
    "northeurope",
  ];
  // All at once, as a fleet joining does: plans run while no gateway exists yet, so the ones this
  // instance decided to create must count, or a 6th region would PUT a 6th gateway.
  const machineIds = regions.map((location) => h.connect({ name: `vm-${location}`, location }));

  const results = [];
  for (const id of machineIds) results.push(await h.outcome(id));

  expect(results.map((r) => `${r.machineId.split("/").pop()}: ${r.outcome} ${r.code ?? ""}`)).toEqual(
    regions.map((location) => `vm-${location}: onboarded `),
  );
  const gateways = h.host.emulator!.state.listResources({ type: gatewayType, subscriptionId: fleet });
  expect(gateways).toHaveLength(5);
  // Nothing was refused for quota: no 6th gateway was ever attempted.
  expect(h.host.traffic().filter((e) => e.status === 409)).toEqual([]);

  const offRegion: string[] = [];
  for (const [index, result] of results.entries()) {
    const region = regions[index]!;
    const gateway = linkedGateway(machineIds[index]!);
    expect(gateways.map((g) => g.id.toLowerCase())).toContain(gateway.id.toLowerCase());
    if (gateway.location === region) {
      expect(placementWarnings(result)).toEqual([]);
    } else {
      offRegion.push(region);
      // Every region here has a partner of its geography (but brazilsouth), so the gateway shared
      // is one of the machine's geography whenever that geography got one.
      const near = gateways.some(
        (g) => geographyOf((g.body as { location: string }).location) === geographyOf(region),
      );
      if (near) expect(geographyOf(gateway.location)).toBe(geographyOf(region));
      // The warning names the gateway, its region, and why this region has none.
      expect(placementWarnings(result)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^Gateway ${gateway.name} in ${gateway.location} serves this machine of region ${region}: ` +
              `${region} has no gateway and subscription ${fleet} already has the 5 Arc gateways Azure allows`,
          ),
        ) as unknown,
      ]);
    }
  }
  expect(offRegion).toHaveLength(2);
});

test("a later machine in an 8th region shares a gateway of its own geography when one exists", async () => {
  const gateways = h.host.emulator!.state.listResources({ type: gatewayType, subscriptionId: fleet });
  const locations = gateways.map((g) => (g.body as { location: string }).location);
  // Whichever five regions got a gateway, one of them is in the United States or Europe.
  const [region, geography] = locations.some((l) => ["eastus", "westus2"].includes(l))
    ? ["centralus", ["eastus", "westus2"]]
    : ["uksouth", ["westeurope", "northeurope"]];
  const id = h.connect({ name: "vm-late", location: region });

  const result = await h.outcome(id);

  expect(result.outcome).toBe("onboarded");
  const gateway = linkedGateway(id);
  expect(geography).toContain(gateway.location);
  expect(placementWarnings(result)).toEqual([
    expect.stringContaining(
      `most room left of the gateways in ${region === "centralus" ? "United States" : "Europe"}`,
    ) as unknown,
  ]);
  expect(h.host.emulator!.state.listResources({ type: gatewayType, subscriptionId: fleet })).toHaveLength(5);
});
