import { machineResourceOf } from "../../shared/events/machineResourceOf";
import { InvalidResourceIdError } from "../../shared/resourceId";

const machineId = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/web-01";

describe("what a resource id is, relative to Arc machines", () => {
  test.each([
    [machineId, { kind: "machine", machineId }],
    [
      `${machineId.toLowerCase()}/`,
      { kind: "machine", machineId: machineId.toLowerCase().replace("resourcegroups", "resourceGroups") },
    ],
    [
      `${machineId}/providers/Microsoft.HybridCompute/settings/default`,
      { kind: "underMachine", machineId, resourceType: "Microsoft.HybridCompute/settings" },
    ],
    [
      `${machineId}/runCommands/r1`,
      { kind: "underMachine", machineId, resourceType: "Microsoft.HybridCompute/machines/runCommands" },
    ],
    [
      `${machineId}/extensions/e1`,
      { kind: "underMachine", machineId, resourceType: "Microsoft.HybridCompute/machines/extensions" },
    ],
    [
      `${machineId}/providers/Microsoft.HybridConnectivity/endpoints/default/serviceConfigurations/SSH`,
      {
        kind: "underMachine",
        machineId,
        resourceType: "Microsoft.HybridConnectivity/endpoints/serviceConfigurations",
      },
    ],
    [
      "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/gateways/gw",
      { kind: "other", resourceType: "Microsoft.HybridCompute/gateways" },
    ],
    ["/subscriptions/s1/resourceGroups/rg", { kind: "other", resourceType: "resourceGroup" }],
    ["/subscriptions/s1", { kind: "other", resourceType: "subscription" }],
    [
      "/subscriptions/s1/providers/Microsoft.HybridCompute/machines/m",
      { kind: "other", resourceType: "Microsoft.HybridCompute/machines" },
    ],
  ])("%s", (id, expected) => {
    expect(machineResourceOf(id)).toEqual(expected);
  });

  test("text that is not a resource id throws InvalidResourceIdError (callers turn it into malformed)", () => {
    expect(() => machineResourceOf("machines/web-01")).toThrow(InvalidResourceIdError);
  });
});
