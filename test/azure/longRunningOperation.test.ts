// Monitors read one GET at a time, whatever their kind; the orchestrator does the waiting.
import { failNextGatewayCreations } from "../../local/emulator/providers/hybridCompute/gateways";
import { apiVersions } from "../../shared/azure/apiVersions";
import {
  type OperationHandle,
  operationHandleFrom,
  readOperationStatus,
} from "../../shared/azure/longRunningOperation";
import { ValidationError } from "../../shared/errors";
import { testGatewayId, testLocation, useArmTestbed } from "../support/armTestbed";

const gatewayId = testGatewayId("gw-lro");

describe("reading long-running operations", () => {
  const testbed = useArmTestbed();

  /** Starts a gateway creation and keeps only its Location monitor, as for a provider that sends no Azure-AsyncOperation. */
  async function locationHandle(): Promise<OperationHandle> {
    const response = await testbed.context.send({
      method: "PUT",
      path: gatewayId,
      apiVersion: apiVersions.hybridCompute,
      body: { location: testLocation, properties: { gatewayType: "Public", allowedFeatures: ["*"] } },
    });
    const handle = operationHandleFrom(
      {
        headers: {
          get: (name) => (name === "azure-asyncoperation" ? undefined : response.headers.get(name)),
        },
      },
      gatewayId,
    );
    if (!handle) throw new Error("expected a Location header");
    return handle;
  }

  test("a Location monitor answers 202 while running and 200 when done", async () => {
    const handle = await locationHandle();
    expect(handle.monitorKind).toBe("location");
    expect(await readOperationStatus(testbed.context, handle)).toMatchObject({
      state: "running",
      rawStatus: "HTTP 202",
    });
    await testbed.clock.advance(testbed.emulator.timings.gatewayCreateMs);
    expect(await readOperationStatus(testbed.context, handle)).toEqual({
      state: "succeeded",
      rawStatus: "HTTP 200",
    });
  });

  test("a Location monitor's 4xx is the operation failing, with its error", async () => {
    failNextGatewayCreations(testbed.emulator.state, 1);
    const handle = await locationHandle();
    await testbed.clock.advance(testbed.emulator.timings.gatewayCreateMs);
    expect(await readOperationStatus(testbed.context, handle)).toEqual({
      state: "failed",
      rawStatus: "HTTP 400",
      error: { code: "GatewayProvisioningFailed", message: expect.any(String) as string },
    });
  });

  test("a running operation says when to look again", async () => {
    const handle = await locationHandle();
    const status = await readOperationStatus(testbed.context, handle);
    expect(status.retryAfterSeconds).toBeGreaterThan(0);
  });

  test("reading a status never waits: each call is one GET and virtual time stands still", async () => {
    const handle = await locationHandle();
    const before = testbed.clock.now();
    for (let i = 0; i < 3; i++) await readOperationStatus(testbed.context, handle);
    expect(testbed.clock.now()).toBe(before);
    expect(testbed.sleeps).toEqual([]);
  });

  test("a monitor URL on another host is refused before our token is sent anywhere", async () => {
    const handle = await locationHandle();
    const elsewhere: OperationHandle = {
      ...handle,
      monitorKind: "azure-asyncoperation",
      monitorUrl:
        "https://attacker.example.com/subscriptions/s/providers/Microsoft.HybridCompute/locations/x/operationStatus/1",
    };
    await expect(readOperationStatus(testbed.context, elsewhere)).rejects.toBeInstanceOf(ValidationError);
    await expect(readOperationStatus(testbed.context, elsewhere)).rejects.toThrow(/attacker\.example\.com/);
  });

  test("without monitor headers the resource's own provisioningState is polled", async () => {
    await locationHandle();
    const handle: OperationHandle = {
      resourceId: gatewayId,
      monitorKind: "provisioning-state",
      monitorUrl: `${testbed.context.endpoint}${gatewayId}?api-version=${apiVersions.hybridCompute}`,
    };
    expect(await readOperationStatus(testbed.context, handle)).toMatchObject({
      state: "running",
      rawStatus: "Creating",
    });
    await testbed.clock.advance(testbed.emulator.timings.gatewayCreateMs);
    expect(await readOperationStatus(testbed.context, handle)).toEqual({
      state: "succeeded",
      rawStatus: "Succeeded",
    });
  });
});
