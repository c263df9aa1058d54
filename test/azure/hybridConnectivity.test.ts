import {
  deleteDefaultEndpoint,
  deleteSshServiceConfiguration,
  getDefaultEndpoint,
  getSshServiceConfiguration,
  putDefaultEndpoint,
  putSshServiceConfiguration,
} from "../../shared/azure/hybridConnectivity";
import { registerProvider } from "../../shared/azure/resourceProviders";
import { PreconditionError, ValidationError } from "../../shared/errors";
import { connectTestMachine, testSubscriptionId, useArmTestbed } from "../support/armTestbed";

describe("SSH connectivity for a machine", () => {
  const testbed = useArmTestbed();
  let machineId: string;

  beforeEach(() => {
    machineId = connectTestMachine(testbed, { name: "ssh-01" });
  });

  async function registerHybridConnectivity(): Promise<void> {
    await registerProvider(testbed.context, testSubscriptionId, "Microsoft.HybridConnectivity");
    await testbed.clock.advance(testbed.emulator.timings.providerRegistrationMs);
  }

  test("before Microsoft.HybridConnectivity is registered, an endpoint is a PreconditionError naming it", async () => {
    const endpoint = putDefaultEndpoint(testbed.context, machineId);
    await expect(endpoint).rejects.toBeInstanceOf(PreconditionError);
    await expect(endpoint).rejects.toMatchObject({
      code: "MissingSubscriptionRegistration",
      isRetryable: false,
    });
    await expect(endpoint).rejects.toThrow(/Microsoft\.HybridConnectivity/);
  });

  test("once registered: the default endpoint, then the SSH configuration on port 22, both read back", async () => {
    await registerHybridConnectivity();
    await expect(getDefaultEndpoint(testbed.context, machineId)).resolves.toBeUndefined();
    await expect(getSshServiceConfiguration(testbed.context, machineId)).resolves.toBeUndefined();

    await expect(putDefaultEndpoint(testbed.context, machineId)).resolves.toMatchObject({ type: "default" });
    await expect(putSshServiceConfiguration(testbed.context, machineId, 22)).resolves.toMatchObject({
      serviceName: "SSH",
      port: 22,
    });

    await expect(getDefaultEndpoint(testbed.context, machineId)).resolves.toMatchObject({
      id: `${machineId}/providers/Microsoft.HybridConnectivity/endpoints/default`,
      type: "default",
    });
    await expect(getSshServiceConfiguration(testbed.context, machineId)).resolves.toMatchObject({
      id: `${machineId}/providers/Microsoft.HybridConnectivity/endpoints/default/serviceConfigurations/SSH`,
      port: 22,
    });
  });

  test("changing the port replaces the configuration", async () => {
    await registerHybridConnectivity();
    await putDefaultEndpoint(testbed.context, machineId);
    await putSshServiceConfiguration(testbed.context, machineId, 22);
    await putSshServiceConfiguration(testbed.context, machineId, 2222);
    await expect(getSshServiceConfiguration(testbed.context, machineId)).resolves.toMatchObject({
      port: 2222,
    });
  });

  test("disabling SSH deletes the configuration, then the endpoint; deleting again finds nothing", async () => {
    await registerHybridConnectivity();
    await putDefaultEndpoint(testbed.context, machineId);
    await putSshServiceConfiguration(testbed.context, machineId, 22);

    await expect(deleteSshServiceConfiguration(testbed.context, machineId)).resolves.toBe("deleted");
    await expect(deleteDefaultEndpoint(testbed.context, machineId)).resolves.toBe("deleted");
    await expect(getDefaultEndpoint(testbed.context, machineId)).resolves.toBeUndefined();
    await expect(deleteDefaultEndpoint(testbed.context, machineId)).resolves.toBe("alreadyGone");
  });

  test("a port outside 1–65535 is refused before anything is sent", async () => {
    await expect(putSshServiceConfiguration(testbed.context, machineId, 70000)).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(putSshServiceConfiguration(testbed.context, machineId, 22.5)).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
