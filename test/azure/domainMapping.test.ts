// ARM bodies as they really come: fields missing, nulls for "unset", flags as strings.
import { toArcGateway } from "../../shared/azure/gateways";
import { toArcMachine } from "../../shared/azure/machines";
import { toMachineSettings } from "../../shared/azure/machineSettings";
import { machineInventoryQuery } from "../../shared/azure/resourceGraphQueries";
import { toRunCommandView } from "../../shared/azure/runCommands";

const machineId = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/m1";

describe("mapping ARM bodies onto domain objects", () => {
  test("a machine with nulls and string flags becomes a complete ArcMachine", () => {
    const machine = toArcMachine({
      id: machineId,
      name: "m1",
      location: "westeurope",
      tags: { owner: "ops", bad: null },
      properties: {
        status: "Connected",
        agentVersion: "1.50.0",
        osType: "linux",
        osSku: null,
        lastStatusChange: "2026-01-01T00:00:00Z",
        agentConfiguration: {
          incomingConnectionsPorts: ["22", null],
          extensionsAllowList: [
            { publisher: "Microsoft.CPlat.Core", type: "RunCommandHandlerLinux" },
            { type: "x" },
          ],
          extensionsBlockList: null,
          extensionsEnabled: "false",
          configMode: "monitor",
          proxyUrl: null,
        },
      },
    });
    expect(machine).toEqual({
      id: machineId,
      name: "m1",
      subscriptionId: "s1",
      resourceGroup: "rg",
      location: "westeurope",
      tags: { owner: "ops" },
      status: "Connected",
      agentVersion: "1.50.0",
      osType: "linux",
      lastStatusChange: "2026-01-01T00:00:00Z",
      agentConfiguration: {
        incomingConnectionsPorts: ["22"],
        extensionsAllowList: [{ publisher: "Microsoft.CPlat.Core", type: "RunCommandHandlerLinux" }],
        extensionsBlockList: [],
        extensionsEnabled: false,
        guestConfigurationEnabled: true,
        configMode: "monitor",
      },
    });
  });

  test("a machine without properties gets the agent's defaults and an Unknown status", () => {
    const machine = toArcMachine({ name: "m1" }, machineId);
    expect(machine?.status).toBe("Unknown");
    expect(machine?.agentConfiguration).toEqual({
      incomingConnectionsPorts: [],
      extensionsAllowList: [],
      extensionsBlockList: [],
      extensionsEnabled: true,
      guestConfigurationEnabled: true,
      configMode: "full",
    });
  });

  test("a list entry without a usable id is dropped rather than guessed", () => {
    expect(toArcMachine({ name: "m1" })).toBeUndefined();
    expect(
      toArcMachine({
        id: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/v",
      }),
    ).toBeUndefined();
  });

  test("a gateway still creating has no endpoint yet", () => {
    const gateway = toArcGateway({
      id: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/gateways/gw1",
      name: "gw1",
      location: "westeurope",
      properties: {
        provisioningState: "Creating",
        gatewayId: "f0e1",
        gatewayType: "Public",
        allowedFeatures: ["*"],
      },
    });
    expect(gateway).toEqual({
      id: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/gateways/gw1",
      name: "gw1",
      location: "westeurope",
      provisioningState: "Creating",
      gatewayId: "f0e1",
      gatewayType: "Public",
      allowedFeatures: ["*"],
      tags: {},
    });
  });

  test("settings with a null or missing gateway link mean 'not attached'", () => {
    expect(toMachineSettings({ properties: { gatewayProperties: { gatewayResourceId: null } } })).toEqual({});
    expect(toMachineSettings({ properties: { tenantId: "t" } })).toEqual({});
    expect(toMachineSettings(undefined)).toEqual({});
  });

  test("a run command without an instance view reads as Unknown execution", () => {
    const id = `${machineId}/runCommands/rc1`;
    expect(toRunCommandView({ id, name: "rc1", properties: { provisioningState: "Creating" } }, id)).toEqual({
      id,
      name: "rc1",
      provisioningState: "Creating",
      executionState: "Unknown",
    });
  });

  test("an inventory row reads the ports whether ARG returns an array or its JSON text", () => {
    const { parseRow } = machineInventoryQuery();
    const base = {
      id: machineId,
      name: "m1",
      subscriptionId: "s1",
      resourceGroup: "rg",
      location: "westeurope",
    };
    expect(parseRow({ ...base, incomingPorts: ["22"] })?.incomingPorts).toEqual(["22"]);
    expect(parseRow({ ...base, incomingPorts: '["22","3389"]' })?.incomingPorts).toEqual(["22", "3389"]);
    expect(parseRow({ ...base, incomingPorts: "" })?.incomingPorts).toEqual([]);
    expect(parseRow({ name: "no id" })).toBeUndefined();
  });

  test("an inventory filter refuses a resource group name that could change the query", () => {
    expect(machineInventoryQuery({ resourceGroups: ["rg-1", "Prod.West"] }).text).toContain(
      "| where resourceGroup in~ ('rg-1', 'Prod.West')",
    );
    expect(() => machineInventoryQuery({ resourceGroups: ["rg' or 1==1 //"] })).toThrow(
      /not a resource group/,
    );
  });
});
