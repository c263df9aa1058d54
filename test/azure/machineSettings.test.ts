import { beginCreateGateway } from "../../shared/azure/gateways";
import {
  attachMachineToGateway,
  detachMachineFromGateway,
  getMachineSettings,
} from "../../shared/azure/machineSettings";
import { ConflictError, PermissionError, ValidationError } from "../../shared/errors";
import { connectTestMachine, testGatewayId, testLocation, useArmTestbed } from "../support/armTestbed";

const gatewayId = testGatewayId("gw-main");

describe("a machine's gateway link", () => {
  const testbed = useArmTestbed();
  let machineId: string;

  beforeEach(() => {
    machineId = connectTestMachine(testbed, { name: "app-01" });
  });

  async function createReadyGateway(): Promise<void> {
    await beginCreateGateway(testbed.context, { gatewayId, location: testLocation });
    await testbed.clock.advance(testbed.emulator.timings.gatewayCreateMs);
  }

  test("a machine never attached has no gateway", async () => {
    await expect(getMachineSettings(testbed.context, machineId)).resolves.toEqual({});
  });

  test("attaching links the machine to the gateway; detaching clears the link", async () => {
    await createReadyGateway();

    await expect(attachMachineToGateway(testbed.context, machineId, gatewayId)).resolves.toEqual({
      gatewayResourceId: gatewayId,
    });
    await expect(getMachineSettings(testbed.context, machineId)).resolves.toEqual({
      gatewayResourceId: gatewayId,
    });

    const from = testbed.emulator.exchanges().length;
    await expect(detachMachineFromGateway(testbed.context, machineId)).resolves.toEqual({});
    await expect(getMachineSettings(testbed.context, machineId)).resolves.toEqual({});
    // What the CLI sends to detach: the link set to null, not left out.
    const [put] = testbed.emulator
      .exchanges()
      .slice(from)
      .filter((e) => e.method === "PUT");
    expect(put?.requestBody).toEqual({ properties: { gatewayProperties: { gatewayResourceId: null } } });
  });

  test("attaching twice is harmless: the second PUT answers the same link", async () => {
    await createReadyGateway();
    await attachMachineToGateway(testbed.context, machineId, gatewayId);
    await expect(attachMachineToGateway(testbed.context, machineId, gatewayId)).resolves.toEqual({
      gatewayResourceId: gatewayId,
    });
  });

  test("attaching to a gateway that is still being created is a ConflictError", async () => {
    await beginCreateGateway(testbed.context, { gatewayId, location: testLocation });
    await expect(attachMachineToGateway(testbed.context, machineId, gatewayId)).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  test("attaching to a gateway that does not exist is a ValidationError from ARM's 400", async () => {
    const attach = attachMachineToGateway(testbed.context, machineId, gatewayId);
    await expect(attach).rejects.toBeInstanceOf(ValidationError);
    await expect(attach).rejects.toMatchObject({ statusCode: 400 });
  });

  test("an id that is not a gateway's is refused before anything is sent", async () => {
    await expect(attachMachineToGateway(testbed.context, machineId, machineId)).rejects.toThrow(
      /not an Arc gateway/,
    );
  });

  test("without settings/write the PermissionError names the action and the settings resource", async () => {
    await createReadyGateway();
    testbed.emulator.state.denyRules = [{ action: "Microsoft.HybridCompute/settings/write" }];
    const attach = attachMachineToGateway(testbed.context, machineId, gatewayId);
    await expect(attach).rejects.toBeInstanceOf(PermissionError);
    await expect(attach).rejects.toMatchObject({
      action: "Microsoft.HybridCompute/settings/write",
      scope: `${machineId}/providers/Microsoft.HybridCompute/settings/default`,
    });
  });
});
