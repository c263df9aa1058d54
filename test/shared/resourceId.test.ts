import {
  defaultEndpointId,
  formatResourceId,
  gatewayResourceId,
  isResourceId,
  machineResourceId,
  machineSettingsId,
  normalizeResourceId,
  parentResourceOf,
  parseGatewayId,
  parseMachineId,
  parseResourceId,
  resourceIdKey,
  resourceNameOf,
  resourceTypeOf,
  runCommandResourceId,
  sameResourceId,
  serviceConfigurationId,
} from "../../shared/resourceId";

const machine = "/subscriptions/1111/resourceGroups/rg-Arc/providers/Microsoft.HybridCompute/machines/Web-01";

describe("ARM resource ids", () => {
  test("a machine id parses into subscription, resource group and one provider block", () => {
    expect(parseResourceId(machine)).toEqual({
      subscriptionId: "1111",
      resourceGroup: "rg-Arc",
      providers: [{ namespace: "Microsoft.HybridCompute", types: [{ type: "machines", name: "Web-01" }] }],
    });
  });

  test("an extension resource under a machine keeps both provider blocks and its parent", () => {
    const id = `${machine}/providers/Microsoft.HybridConnectivity/endpoints/default/serviceConfigurations/SSH`;
    const parsed = parseResourceId(id);
    expect(parsed.providers).toHaveLength(2);
    expect(resourceTypeOf(parsed)).toBe("Microsoft.HybridConnectivity/endpoints/serviceConfigurations");
    expect(resourceNameOf(parsed)).toBe("SSH");
    expect(formatResourceId(parentResourceOf(parsed)!)).toBe(machine);
    expect(id).toBe(serviceConfigurationId(machine, "SSH"));
  });

  test("ids compare case-insensitively and format with ARM's keyword casing", () => {
    const shouted = machine.toUpperCase().replace("RESOURCEGROUPS", "resourcegroups");
    expect(sameResourceId(machine, shouted)).toBe(true);
    expect(normalizeResourceId(shouted)).toBe(machine.toLowerCase());
    expect(formatResourceId(parseResourceId(`${shouted}/`))).toContain("/resourceGroups/RG-ARC/providers/");
  });

  test("a subscription-level provider id has a namespace and no types", () => {
    const parsed = parseResourceId("/subscriptions/1111/providers/Microsoft.HybridConnectivity");
    expect(parsed.providers).toEqual([{ namespace: "Microsoft.HybridConnectivity", types: [] }]);
  });

  test.each([
    ["", "empty"],
    ["/resourceGroups/rg", "must start with /subscriptions/"],
    ["/subscriptions/", "subscription id is missing"],
    ["/subscriptions/1111//resourceGroups/rg", "empty segment"],
    ["/subscriptions/1111/resourceGroups/rg/providers/NoDot/machines/m", "namespace"],
    ["/subscriptions/1111/resourceGroups/rg/providers/Microsoft.HybridCompute/machines", "has no name"],
    ["/subscriptions/1111/resourceGroups/rg/oops/x", "expected 'providers'"],
    ["/subscriptions/1111/resourceGroups/rg/providers/Microsoft.X/a/b?c=d", "'?'"],
  ])("%j is refused (%s)", (id, reason) => {
    expect(() => parseResourceId(id)).toThrow(reason);
    expect(isResourceId(id)).toBe(false);
  });

  test("builders produce the ids arc-autopilot sends", () => {
    expect(machineResourceId(parseMachineId(machine))).toBe(machine);
    expect(machineSettingsId(machine)).toBe(`${machine}/providers/Microsoft.HybridCompute/settings/default`);
    expect(runCommandResourceId(machine, "set-ports")).toBe(`${machine}/runCommands/set-ports`);
    expect(defaultEndpointId(machine)).toBe(
      `${machine}/providers/Microsoft.HybridConnectivity/endpoints/default`,
    );
    const gateway = gatewayResourceId({
      subscriptionId: "1111",
      resourceGroup: "rg",
      gatewayName: "gw-eastus",
    });
    expect(parseGatewayId(gateway)).toEqual({
      subscriptionId: "1111",
      resourceGroup: "rg",
      gatewayName: "gw-eastus",
    });
  });

  test("a machine reference can be read from any resource under the machine", () => {
    expect(parseMachineId(defaultEndpointId(machine))).toEqual({
      subscriptionId: "1111",
      resourceGroup: "rg-Arc",
      machineName: "Web-01",
    });
  });

  test("a non-machine id is not taken for a machine, nor a machine for a gateway", () => {
    expect(() =>
      parseMachineId("/subscriptions/1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm"),
    ).toThrow("not an Arc machine");
    expect(() => parseGatewayId(machine)).toThrow("not an Arc gateway");
  });
});

test("resourceIdKey: one key for an id in any casing, and a lowercased key for text that is no id", () => {
  expect(resourceIdKey(machine.toUpperCase())).toBe(resourceIdKey(machine));
  expect(resourceIdKey(machine)).toBe(normalizeResourceId(machine));
  expect(resourceIdKey("Not-An-Id")).toBe("not-an-id");
});
