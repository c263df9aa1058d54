// Placement never picks a gateway tagged retiring: not as the region's gateway (the next name is
// used), not for overflow; it still counts against the subscription's 5.
import { type ExistingGateway, placeGateway } from "../../shared/onboarding/gatewayPlacement";

const subscriptionId = "s1";
const policy = { resourceGroup: "arc-gateways", nameTemplate: "arc-gw-{location}", capacity: 2000 };
const idOf = (name: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/arc-gateways/providers/Microsoft.HybridCompute/gateways/${name}`;
const gateway = (name: string, location: string, retiring = false): ExistingGateway => ({
  id: idOf(name),
  location,
  provisioningState: "Succeeded",
  attachedMachines: 0,
  ...(retiring ? { retiring } : {}),
});

test("the region's retiring gateway is skipped: its next name is created", () => {
  expect(
    placeGateway({ subscriptionId, location: "eastus" }, [gateway("arc-gw-eastus", "eastus", true)], policy),
  ).toEqual({
    create: { gatewayId: idOf("arc-gw-eastus-2"), location: "eastus" },
  });
});

test("with the quota reached, overflow goes to a gateway that is not retiring, and never to a retiring one", () => {
  const five = [
    gateway("arc-gw-eastus", "eastus", true),
    gateway("arc-gw-westus", "westus", true),
    gateway("arc-gw-westus2", "westus2"),
    gateway("arc-gw-centralus", "centralus", true),
    gateway("arc-gw-northeurope", "northeurope", true),
  ];
  expect(placeGateway({ subscriptionId, location: "eastus" }, five, policy)).toMatchObject({
    use: idOf("arc-gw-westus2"),
  });
  const allRetiring = five.map((g) => ({ ...g, retiring: true }));
  expect(() => placeGateway({ subscriptionId, location: "eastus" }, allRetiring, policy)).toThrow(
    /Every Arc gateway is full/,
  );
});
