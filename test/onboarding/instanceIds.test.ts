import {
  gatewayInstanceKey,
  machineInstanceId,
  providerInstanceId,
} from "../../shared/onboarding/instanceIds";

const machineId =
  "/subscriptions/s1/resourceGroups/rg-servers/providers/Microsoft.HybridCompute/machines/Web-01";
// Durable forbids `/`, `\`, `#`, `?` and control characters; everything we emit is from this set instead.
const allowed = /^[a-z0-9\-_.]+$/;

describe("Durable instance ids", () => {
  test("a machine's id is readable, stable and case-insensitive like ARM ids", () => {
    const id = machineInstanceId(machineId);
    expect(id).toMatch(/^onboard-web-01-[0-9a-f]{16}$/);
    expect(machineInstanceId(machineId.toUpperCase().replace("/SUBSCRIPTIONS/", "/subscriptions/"))).toBe(id);
    expect(machineInstanceId(`${machineId}/`)).toBe(id);
  });

  test("two machines with the same name in different resource groups get different instances", () => {
    expect(machineInstanceId(machineId)).not.toBe(
      machineInstanceId(machineId.replace("rg-servers", "rg-other")),
    );
  });

  test("an event about a machine's extension resource maps to the machine's own instance", () => {
    expect(machineInstanceId(`${machineId}/providers/Microsoft.HybridCompute/settings/default`)).toBe(
      machineInstanceId(machineId),
    );
  });

  test("the longest machine name still fits 100 characters with no character a backend forbids", () => {
    const longest = machineId.replace("Web-01", "M".repeat(54));
    const id = machineInstanceId(longest);
    expect(id.length).toBeLessThanOrEqual(100);
    expect(id).toMatch(allowed);
  });

  test("a gateway's singleton key is its normalised id, shortened", () => {
    const gatewayId =
      "/subscriptions/s1/resourceGroups/arc-gateways/providers/Microsoft.HybridCompute/gateways/arc-gw-eastus";
    const key = gatewayInstanceKey(gatewayId);
    expect(key).toMatch(/^gateway-arc-gw-eastus-[0-9a-f]{16}$/);
    expect(gatewayInstanceKey(gatewayId.toLowerCase())).toBe(key);
    expect(gatewayInstanceKey(gatewayId.replace("/s1/", "/s2/"))).not.toBe(key);
    expect(
      gatewayInstanceKey(gatewayId.replace("arc-gw-eastus", "g".repeat(300))).length,
    ).toBeLessThanOrEqual(100);
  });

  test("the provider registration singleton is one per subscription", () => {
    const id = providerInstanceId("S1", "Microsoft.HybridConnectivity");
    expect(id).toMatch(/^register-microsoft\.hybridconnectivity-[0-9a-f]{16}$/);
    expect(providerInstanceId("s1", "microsoft.hybridconnectivity")).toBe(id);
    expect(providerInstanceId("s2", "Microsoft.HybridConnectivity")).not.toBe(id);
  });

  test("ids that are not of the right kind are refused", () => {
    expect(() =>
      machineInstanceId("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm"),
    ).toThrow(/not an Arc machine/);
    expect(() => gatewayInstanceKey(machineId)).toThrow(/not an Arc gateway/);
  });
});
