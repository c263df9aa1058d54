import { QuotaError, ValidationError } from "../../shared/errors";
import {
  type ExistingGateway,
  gatewayNameFor,
  type GatewayPlacement,
  gatewaysPerSubscription,
  geographyOf,
  normalizeLocation,
  placeGateway,
  regionsByGeography,
  tryPlaceGateway,
  withEstimatedAttachments,
} from "../../shared/onboarding/gatewayPlacement";
import type { OnboardingSteps } from "../../shared/onboarding/onboardingPlan";
import { planOnboarding } from "../../shared/onboarding/plan";
import { validateGatewayNameTemplate } from "../../shared/validation/gatewayNameTemplate";
import { defaultPolicy, observation } from "./fixtures";

const subscriptionId = "s1";
const policy = { resourceGroup: "arc-gateways", nameTemplate: "arc-gw-{location}", capacity: 2000 };
const machine = { subscriptionId, location: "eastus" };
const idOf = (name: string, group = "arc-gateways", subscription = subscriptionId) =>
  `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.HybridCompute/gateways/${name}`;
const gateway = (
  name: string,
  attachedMachines = 0,
  provisioningState = "Succeeded",
  location = "eastus",
): ExistingGateway => ({
  id: idOf(name),
  location,
  provisioningState,
  attachedMachines,
});

describe("gateway placement: one gateway per subscription and region, capacity-aware", () => {
  test("the first machine in a region creates the region's gateway in the configured resource group", () => {
    expect(placeGateway(machine, [], policy)).toEqual({
      create: { gatewayId: idOf("arc-gw-eastus"), location: "eastus" },
    });
  });

  test("the region's gateway is used while it has room, whatever its casing in ARM", () => {
    const existing = { ...gateway("ARC-GW-EASTUS", 1999), id: idOf("ARC-GW-EASTUS", "ARC-GATEWAYS") };
    expect(placeGateway(machine, [existing], policy)).toEqual({ use: existing.id });
  });

  test("a gateway still being created is used: the machine waits for it instead of creating another", () => {
    expect(placeGateway(machine, [gateway("arc-gw-eastus", 0, "Creating")], policy)).toEqual({
      use: idOf("arc-gw-eastus"),
    });
  });

  test("a full gateway sends the next machine to arc-gw-eastus-2, then -3", () => {
    expect(placeGateway(machine, [gateway("arc-gw-eastus", 2000)], policy)).toEqual({
      create: { gatewayId: idOf("arc-gw-eastus-2"), location: "eastus" },
    });
    expect(
      placeGateway(machine, [gateway("arc-gw-eastus", 2000), gateway("arc-gw-eastus-2", 5)], policy),
    ).toEqual({
      use: idOf("arc-gw-eastus-2"),
    });
    expect(
      placeGateway(machine, [gateway("arc-gw-eastus", 2000), gateway("arc-gw-eastus-2", 2000)], {
        ...policy,
      }),
    ).toEqual({ create: { gatewayId: idOf("arc-gw-eastus-3"), location: "eastus" } });
  });

  test("capacity is the policy's: with 2 per gateway the third machine goes to the second gateway", () => {
    expect(placeGateway(machine, [gateway("arc-gw-eastus", 2)], { ...policy, capacity: 2 })).toEqual({
      create: { gatewayId: idOf("arc-gw-eastus-2"), location: "eastus" },
    });
  });

  test("a failed gateway is re-created in place (same name, no extra quota)", () => {
    const existing = [1, 2, 3, 4]
      .map((n) => gateway(`other-${n}`, 0, "Succeeded", "westus"))
      .concat(gateway("arc-gw-eastus", 0, "Failed"));
    expect(placeGateway(machine, existing, policy)).toEqual({
      create: { gatewayId: idOf("arc-gw-eastus"), location: "eastus" },
    });
  });

  test("a gateway being deleted is passed over: its name is busy and nothing may attach to it", () => {
    expect(placeGateway(machine, [gateway("arc-gw-eastus", 0, "Deleting")], policy)).toEqual({
      create: { gatewayId: idOf("arc-gw-eastus-2"), location: "eastus" },
    });
  });

  test("regions are normalised: 'East US' is eastus", () => {
    expect(
      placeGateway({ subscriptionId, location: "East US" }, [gateway("arc-gw-eastus", 3)], policy),
    ).toEqual({
      use: idOf("arc-gw-eastus"),
    });
  });

  test("gateways of other regions, other names or other subscriptions are not used", () => {
    const elsewhere = [
      gateway("arc-gw-westeurope", 0, "Succeeded", "westeurope"),
      gateway("hand-made", 0),
      { ...gateway("arc-gw-eastus", 0), id: idOf("arc-gw-eastus", "arc-gateways", "s2") },
    ];
    expect(placeGateway(machine, elsewhere, policy)).toEqual({
      create: { gatewayId: idOf("arc-gw-eastus"), location: "eastus" },
    });
  });

  // Before issue 9 a 6th region in a full subscription was a QuotaError outright; a gateway serves
  // machines of any region (docs/azure-facts.md §3), so now that is only so when all five are full.
  test("five full gateways and a 6th region: a QuotaError naming the five", () => {
    const five = ["westus", "westeurope", "northeurope", "southeastasia", "japaneast"].map((region) =>
      gateway(`arc-gw-${region}`, 2000, "Succeeded", region),
    );
    expect(five).toHaveLength(gatewaysPerSubscription);
    let error: unknown;
    try {
      placeGateway(machine, five, policy);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QuotaError);
    expect(error).toMatchObject({ code: "GatewayQuotaExceeded", isRetryable: false });
    const message = (error as Error).message;
    for (const region of ["westus", "westeurope", "northeurope", "southeastasia", "japaneast"]) {
      expect(message).toContain(`arc-gw-${region} (${region}, Succeeded, 2000 machines)`);
    }
    expect(message).toMatch(
      /Every Arc gateway is full: subscription s1 already has the 5 Arc gateways Azure allows/,
    );
    expect(message).toMatch(/this machine of region eastus/);
    expect(message).toMatch(/ARC_GATEWAY_CAPACITY.*delete a gateway.*ARC_GATEWAY_SUBSCRIPTION/);
  });

  test("five full gateways for the machine's own region are a quota error too", () => {
    const full = [
      "arc-gw-eastus",
      "arc-gw-eastus-2",
      "arc-gw-eastus-3",
      "arc-gw-eastus-4",
      "arc-gw-eastus-5",
    ].map((name) => gateway(name, 2000));
    expect(() => placeGateway(machine, full, policy)).toThrow(QuotaError);
  });

  test("the same gateway listed twice counts once", () => {
    const four = [1, 2, 3, 4].map((n) => gateway(`other-${n}`, 0, "Succeeded", "westus"));
    expect(placeGateway(machine, [...four, ...four], policy)).toEqual({
      create: { gatewayId: idOf("arc-gw-eastus"), location: "eastus" },
    });
  });

  test("tryPlaceGateway returns the quota failure as data for an activity's result", () => {
    const five = [1, 2, 3, 4, 5].map((n) => gateway(`other-${n}`, 2000, "Succeeded", "westus"));
    expect(tryPlaceGateway(machine, five, policy)).toEqual({
      failed: { code: "GatewayQuotaExceeded", message: expect.stringContaining("other-1") as unknown },
    });
    expect(tryPlaceGateway({ subscriptionId, location: "" }, [], policy)).toEqual({
      failed: { code: "ValidationFailed", message: expect.stringContaining("no location") as unknown },
    });
  });
});

describe("gateway names", () => {
  test.each([
    ["arc-gw-{location}", "eastus", 1, "arc-gw-eastus"],
    ["arc-gw-{location}", "East US 2", 1, "arc-gw-eastus2"],
    ["arc-gw-{location}", "eastus", 2, "arc-gw-eastus-2"],
    ["{location}.gw", "westeurope", 3, "westeurope.gw-3"],
  ])("%s in %s, number %i, is %s", (template, location, ordinal, expected) => {
    expect(gatewayNameFor(template, location, ordinal)).toBe(expected);
  });

  test("eastus's second gateway and eastus2's first never collide", () => {
    expect(gatewayNameFor("arc-gw-{location}", "eastus", 2)).not.toBe(
      gatewayNameFor("arc-gw-{location}", "eastus2", 1),
    );
  });

  test.each([
    ["arc-gw"],
    ["arc-{region}-{location}"],
    ["arc gw {location}"],
    ["{location}/x"],
    [`${"x".repeat(60)}{location}`],
  ])("template %p is refused", (template) => {
    expect(() => validateGatewayNameTemplate(template)).toThrow(ValidationError);
  });

  test("a region name that could smuggle characters into a resource id is refused", () => {
    expect(() => gatewayNameFor("arc-gw-{location}", "east/../us")).toThrow(/not an Azure region name/);
  });
});

describe("withEstimatedAttachments: a region's machines fill its gateways in name order", () => {
  const existing = [
    { id: idOf("arc-gw-eastus"), location: "eastus", provisioningState: "Succeeded" },
    { id: idOf("arc-gw-eastus-2"), location: "eastus", provisioningState: "Succeeded" },
    { id: idOf("hand-made"), location: "eastus", provisioningState: "Succeeded" },
    { id: idOf("arc-gw-westus"), location: "westus", provisioningState: "Failed" },
  ];

  test("2,501 machines (one being placed): 2,000 on the first, 500 on the second, none on others", () => {
    const counted = withEstimatedAttachments(subscriptionId, existing, { eastus: 2501, westus: 40 }, policy, {
      location: "eastus",
    });
    expect(counted.map((g) => [g.id.split("/").pop(), g.attachedMachines])).toEqual([
      ["arc-gw-eastus", 2000],
      ["arc-gw-eastus-2", 500],
      ["hand-made", 0],
      ["arc-gw-westus", 0], // a failed gateway carries nobody
    ]);
    // So the next machine goes to the second gateway, which has room.
    expect(placeGateway(machine, counted, policy)).toEqual({ use: idOf("arc-gw-eastus-2") });
  });

  test("a full first gateway and no second: the second is created", () => {
    const counted = withEstimatedAttachments(subscriptionId, existing.slice(0, 1), { eastus: 2001 }, policy, {
      location: "eastus",
    });
    expect(counted[0]?.attachedMachines).toBe(2000);
    expect(placeGateway(machine, counted, policy)).toEqual({
      create: { gatewayId: idOf("arc-gw-eastus-2"), location: "eastus" },
    });
  });
});

// Issue 9, item 4. A subscription holds at most 5 gateways, and a gateway serves any Arc machine
// of the tenant — its region only places its control plane (docs/azure-facts.md §3) — so a region
// that cannot have a gateway of its own shares another region's, nearest geography first.
describe("gateway placement beyond 5 regions: the gateway with most room left, same geography first", () => {
  const at = (name: string, region: string, attached: number, state = "Succeeded") =>
    gateway(name, attached, state, region);
  // Five regions already have their gateway: two in the US, two in Europe, one in Asia Pacific.
  const five = [
    at("arc-gw-eastus", "eastus", 1500),
    at("arc-gw-centralus", "centralus", 900),
    at("arc-gw-westeurope", "westeurope", 100),
    at("arc-gw-uksouth", "uksouth", 50),
    at("arc-gw-japaneast", "japaneast", 10),
  ];
  const placeIn = (location: string, existing: readonly ExistingGateway[] = five) =>
    placeGateway({ subscriptionId, location }, existing, policy);
  const useOf = (placement: GatewayPlacement) => ("use" in placement ? placement.use : undefined);
  const warningOf = (placement: GatewayPlacement) => ("use" in placement ? placement.warning : undefined);

  test("region preference: a machine uses its region's gateway with room, even when others have more", () => {
    const placement = placeIn("eastus");
    expect(placement).toEqual({ use: idOf("arc-gw-eastus") });
    expect(warningOf(placement)).toBeUndefined();
  });

  test("region preference: below the quota a new region gets a gateway of its own, not a neighbour's", () => {
    expect(placeIn("westus2", five.slice(0, 4))).toEqual({
      create: { gatewayId: idOf("arc-gw-westus2"), location: "westus2" },
    });
  });

  test("the 6th region goes to the same geography's gateway with most room left, with a warning", () => {
    // westus2 is in the United States: centralus (1,100 free) beats eastus (500), although
    // japaneast and the European gateways have more room.
    const placement = placeIn("westus2");
    expect(useOf(placement)).toBe(idOf("arc-gw-centralus"));
    const warning = warningOf(placement) ?? "";
    expect(warning).toMatch(/^Gateway arc-gw-centralus in centralus serves this machine of region westus2/);
    expect(warning).toMatch(
      /westus2 has no gateway and subscription s1 already has the 5 Arc gateways Azure allows/,
    );
    expect(warning).toMatch(/most room left of the gateways in United States \(1100 of its 2000 places free/);
  });

  test("the 7th region, with the 6th counted, picks again: most room left in its own geography", () => {
    // northeurope (Europe): uksouth has 1,950 free, westeurope 1,900.
    const seventh = placeIn("northeurope");
    expect(useOf(seventh)).toBe(idOf("arc-gw-uksouth"));
    expect(warningOf(seventh)).toMatch(/arc-gw-uksouth in uksouth serves this machine of region northeurope/);
    // Once uksouth has filled up past westeurope, the next European machine goes to westeurope.
    const later = five.map((g) => (g.id === idOf("arc-gw-uksouth") ? { ...g, attachedMachines: 150 } : g));
    expect(useOf(placeIn("francecentral", later))).toBe(idOf("arc-gw-westeurope"));
  });

  test("no room in the geography: the gateway with most room left anywhere, and the warning says so", () => {
    const usFull = five.map((g) =>
      g.location === "eastus" || g.location === "centralus" ? { ...g, attachedMachines: 2000 } : g,
    );
    const placement = placeIn("southcentralus", usFull);
    expect(useOf(placement)).toBe(idOf("arc-gw-japaneast"));
    expect(warningOf(placement)).toMatch(
      /no gateway in United States has room, and it has the most room left of the others/,
    );
  });

  test("a region the geography map does not know considers every region's gateway", () => {
    const placement = placeIn("atlantis");
    expect(useOf(placement)).toBe(idOf("arc-gw-japaneast"));
    expect(warningOf(placement)).toMatch(/atlantis is in no geography arc-autopilot knows/);
  });

  test("a full region's machines overflow too once its next gateway cannot be created", () => {
    const eastusFull = five.map((g) => (g.location === "eastus" ? { ...g, attachedMachines: 2000 } : g));
    const placement = placeIn("eastus", eastusFull);
    expect(useOf(placement)).toBe(idOf("arc-gw-centralus"));
    expect(warningOf(placement)).toMatch(/eastus's gateway is full or unusable/);
  });

  test("a gateway still being created counts: machines are placed on it and wait for it", () => {
    const creating = five.map((g) =>
      g.location === "centralus" ? { ...g, provisioningState: "Creating" } : g,
    );
    const placement = placeIn("westus2", creating);
    expect(useOf(placement)).toBe(idOf("arc-gw-centralus"));
    expect(warningOf(placement)).toMatch(/still Creating/);
  });

  test("failed, deleting, full or foreign gateways are not overflow targets", () => {
    const existing = [
      at("arc-gw-eastus", "eastus", 2000),
      at("arc-gw-centralus", "centralus", 0, "Failed"),
      at("arc-gw-westus", "westus", 0, "Deleting"),
      { ...at("someone-elses", "westus3", 0), id: idOf("someone-elses", "other-group") },
      at("arc-gw-japaneast", "japaneast", 1999),
    ];
    expect(useOf(placeIn("westus2", existing))).toBe(idOf("arc-gw-japaneast"));
  });

  test("QuotaError only when every gateway is full: one free place anywhere is used", () => {
    const allFull = five.map((g) => ({ ...g, attachedMachines: 2000 }));
    expect(() => placeIn("westus2", allFull)).toThrow(QuotaError);
    const oneLeft = allFull.map((g) => (g.location === "japaneast" ? { ...g, attachedMachines: 1999 } : g));
    expect(useOf(placeIn("westus2", oneLeft))).toBe(idOf("arc-gw-japaneast"));
  });

  test("the warning reaches the plan's warnings; the machine waits for or attaches to that gateway", () => {
    const placement = placeIn("westus2");
    const plan = planOnboarding(
      observation({
        gatewayPlacement: placement,
        targetGateway: { id: idOf("arc-gw-centralus"), provisioningState: "Creating", location: "centralus" },
      }),
      defaultPolicy,
    ) as OnboardingSteps;
    expect(plan.kind).toBe("steps");
    expect(plan.warnings).toContain(warningOf(placement));
    // The wait names the gateway's region (its singleton PUTs it there if need be), not the machine's.
    expect(plan.steps.filter((step) => step.kind === "waitForGateway")).toEqual([
      expect.objectContaining({ gatewayId: idOf("arc-gw-centralus"), location: "centralus" }) as unknown,
    ]);
  });
});

describe("a hub subscription (ARC_GATEWAY_SUBSCRIPTION) serves every subscription in scope", () => {
  const hub = "hub";
  const hubPolicy = { ...policy, hubSubscriptionId: hub };
  const inHub = (name: string, region: string, attached = 0, state = "Succeeded"): ExistingGateway => ({
    id: idOf(name, "arc-gateways", hub),
    location: region,
    provisioningState: state,
    attachedMachines: attached,
  });

  test("a machine of any subscription gets its region's gateway created in the hub", () => {
    expect(placeGateway({ subscriptionId: "s2", location: "eastus" }, [], hubPolicy)).toEqual({
      create: { gatewayId: idOf("arc-gw-eastus", "arc-gateways", hub), location: "eastus" },
    });
  });

  test("machines of two subscriptions share the hub's gateway; gateways in their own subscriptions are ignored", () => {
    const existing = [inHub("arc-gw-eastus", "eastus", 10), gateway("arc-gw-eastus", 0)];
    for (const subscription of ["s1", "s2"]) {
      expect(placeGateway({ subscriptionId: subscription, location: "eastus" }, existing, hubPolicy)).toEqual(
        {
          use: idOf("arc-gw-eastus", "arc-gateways", hub),
        },
      );
    }
  });

  test("the hub's 5-gateway quota applies to all machines: a 6th region overflows within the hub", () => {
    const five = ["eastus", "westeurope", "uksouth", "japaneast", "australiaeast"].map((region) =>
      inHub(`arc-gw-${region}`, region, region === "uksouth" ? 300 : 100),
    );
    const placement = placeGateway({ subscriptionId: "s3", location: "northeurope" }, five, hubPolicy);
    expect(placement).toMatchObject({ use: idOf("arc-gw-westeurope", "arc-gateways", hub) });
    expect("use" in placement && placement.warning).toMatch(
      /hub subscription hub \(ARC_GATEWAY_SUBSCRIPTION\) already has the 5/,
    );
    const full = five.map((g) => ({ ...g, attachedMachines: 2000 }));
    expect(() => placeGateway({ subscriptionId: "s3", location: "northeurope" }, full, hubPolicy)).toThrow(
      /hub subscription hub \(ARC_GATEWAY_SUBSCRIPTION\) already has the 5 Arc gateways/,
    );
  });

  test("estimates count the machines of every subscription, summed per region, on the hub's gateways", () => {
    const counted = withEstimatedAttachments(
      hub,
      [inHub("arc-gw-eastus", "eastus"), inHub("arc-gw-eastus-2", "eastus")],
      { eastus: 2100 }, // e.g. 1,200 in one subscription and 900 in another
      hubPolicy,
      { location: "eastus" },
    );
    expect(counted.map((g) => g.attachedMachines)).toEqual([2000, 99]);
  });
});

describe("withEstimatedAttachments with the quota reached: what a region cannot hold overflows as placement would", () => {
  const listed = (name: string, region: string, state = "Succeeded") => ({
    id: idOf(name),
    location: region,
    provisioningState: state,
  });
  const five = [
    listed("arc-gw-eastus", "eastus"),
    listed("arc-gw-centralus", "centralus"),
    listed("arc-gw-westeurope", "westeurope"),
    listed("arc-gw-uksouth", "uksouth"),
    listed("arc-gw-japaneast", "japaneast", "Creating"),
  ];
  const attached = (gateways: readonly ExistingGateway[]): Record<string, number> =>
    Object.fromEntries(gateways.map((g) => [g.id.split("/").pop() ?? g.id, g.attachedMachines]));

  test("regions without a gateway are spread over their geography's gateways, most room first", () => {
    const counted = withEstimatedAttachments(
      subscriptionId,
      five,
      { eastus: 10, centralus: 4, westus2: 8, northeurope: 3, westeurope: 1 },
      policy,
    );
    // westus2's 8 level the US gateways: centralus takes 7 (to 11), then they alternate.
    expect(attached(counted)).toEqual({
      "arc-gw-eastus": 10 + 1,
      "arc-gw-centralus": 4 + 7,
      "arc-gw-westeurope": 1 + 1,
      "arc-gw-uksouth": 2,
      "arc-gw-japaneast": 0,
    });
    // So the next westus2 machine (one being placed) goes where placement would put it.
    expect(placeGateway({ subscriptionId, location: "westus2" }, counted, policy)).toMatchObject({
      use: idOf("arc-gw-centralus"),
    });
  });

  test("the machine being placed is not counted, only in its own region", () => {
    const counted = withEstimatedAttachments(subscriptionId, five, { westus2: 1, eastus: 5 }, policy, {
      location: "westus2",
    });
    expect(attached(counted)).toMatchObject({ "arc-gw-eastus": 5, "arc-gw-centralus": 0 });
  });

  test("below the quota a region's extra machines are not put on other regions' gateways", () => {
    const counted = withEstimatedAttachments(
      subscriptionId,
      five.slice(0, 4),
      { westus2: 30, eastus: 5 },
      policy,
    );
    expect(attached(counted)).toEqual({
      "arc-gw-eastus": 5,
      "arc-gw-centralus": 0,
      "arc-gw-westeurope": 0,
      "arc-gw-uksouth": 0,
    });
  });

  test("once everything is full the rest is left uncounted, and placement says QuotaError", () => {
    const small = { ...policy, capacity: 3 };
    const counted = withEstimatedAttachments(subscriptionId, five, { eastus: 3, westus2: 40 }, small);
    expect(counted.every((g) => g.attachedMachines === 3)).toBe(true);
    expect(() => placeGateway({ subscriptionId, location: "westus2" }, counted, small)).toThrow(QuotaError);
  });
});

describe("the region to geography map", () => {
  test.each([
    ["eastus", "United States"],
    ["West US 2", "United States"],
    ["westeurope", "Europe"],
    ["uksouth", "Europe"],
    ["japaneast", "Asia Pacific"],
    ["australiaeast", "Asia Pacific"],
    ["brazilsouth", "South America"],
    ["uaenorth", "Middle East"],
    ["southafricanorth", "Africa"],
    ["canadacentral", "Canada"],
  ])("%s is in %s", (region, geography) => {
    expect(geographyOf(region)).toBe(geography);
  });

  test("an unknown region has no geography (placement then considers every region)", () => {
    expect(geographyOf("atlantis")).toBeUndefined();
  });

  test("every region is a normalised ARM name and belongs to one geography only", () => {
    const all = Object.values(regionsByGeography).flat();
    expect(new Set(all).size).toBe(all.length);
    for (const region of all) expect(normalizeLocation(region)).toBe(region);
  });
});
