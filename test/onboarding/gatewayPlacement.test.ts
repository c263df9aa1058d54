import { QuotaError, ValidationError } from "../../shared/errors";
import {
  type ExistingGateway,
  gatewayNameFor,
  gatewaysPerSubscription,
  placeGateway,
  tryPlaceGateway,
  validateGatewayNameTemplate,
  withEstimatedAttachments,
} from "../../shared/onboarding/gatewayPlacement";

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

  test("the 6th gateway in a subscription is a QuotaError naming the five", () => {
    const five = ["westus", "westeurope", "northeurope", "southeastasia", "japaneast"].map((region) =>
      gateway(`arc-gw-${region}`, 10, "Succeeded", region),
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
      expect(message).toContain(`arc-gw-${region} (${region}, Succeeded, 10 machines)`);
    }
    expect(message).toMatch(/Subscription s1 already has the 5 Arc gateways Azure allows/);
    expect(message).toMatch(/arc-gw-eastus for region eastus cannot be created/);
    expect(message).toMatch(/delete a gateway|ARC_GATEWAY_CAPACITY|another subscription/);
  });

  test("five full gateways for the machine's own region are a quota error too", () => {
    const full = [
      "arc-gw-eastus",
      "arc-gw-eastus-2",
      "arc-gw-eastus-3",
      "arc-gw-eastus-4",
      "arc-gw-eastus-5",
    ].map((name) => gateway(name, 2000));
    expect(() => placeGateway(machine, full, policy)).toThrow(
      /arc-gw-eastus-6 for region eastus cannot be created/,
    );
  });

  test("the same gateway listed twice counts once", () => {
    const four = [1, 2, 3, 4].map((n) => gateway(`other-${n}`, 0, "Succeeded", "westus"));
    expect(placeGateway(machine, [...four, ...four], policy)).toEqual({
      create: { gatewayId: idOf("arc-gw-eastus"), location: "eastus" },
    });
  });

  test("tryPlaceGateway returns the quota failure as data for an activity's result", () => {
    const five = [1, 2, 3, 4, 5].map((n) => gateway(`other-${n}`, 0, "Succeeded", "westus"));
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
    const counted = withEstimatedAttachments(subscriptionId, existing, { eastus: 2501, westus: 40 }, policy);
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
    const counted = withEstimatedAttachments(subscriptionId, existing.slice(0, 1), { eastus: 2001 }, policy);
    expect(counted[0]?.attachedMachines).toBe(2000);
    expect(placeGateway(machine, counted, policy)).toEqual({
      create: { gatewayId: idOf("arc-gw-eastus-2"), location: "eastus" },
    });
  });
});
