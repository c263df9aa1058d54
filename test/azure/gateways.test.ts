import { failNextGatewayCreations } from "../../local/emulator/providers/hybridCompute/gateways";
import {
  beginCreateGateway,
  beginDeleteGateway,
  findGateway,
  getGateway,
  listGatewayPage,
  listGateways,
} from "../../shared/azure/gateways";
import { type OperationHandle, readOperationStatus } from "../../shared/azure/longRunningOperation";
import {
  ConflictError,
  NotFoundError,
  PermissionError,
  QuotaError,
  ValidationError,
} from "../../shared/errors";
import {
  collect,
  testGatewayId,
  testLocation,
  testSubscriptionId,
  useArmTestbed,
} from "../support/armTestbed";

const gatewayId = testGatewayId;

describe("Arc gateways", () => {
  const testbed = useArmTestbed();

  async function createGateway(name: string): Promise<OperationHandle> {
    const start = await beginCreateGateway(testbed.context, {
      gatewayId: gatewayId(name),
      location: testLocation,
    });
    if (start.done) throw new Error("expected a long-running creation");
    return start.operation;
  }

  test("creating a gateway returns at once with a handle; it goes Queued → InProgress → Succeeded on virtual time", async () => {
    const start = await beginCreateGateway(testbed.context, {
      gatewayId: gatewayId("gw-west"),
      location: testLocation,
      tags: { owner: "arc-autopilot" },
    });
    expect(start.done).toBe(false);
    if (start.done) return;
    expect(start.result).toMatchObject({
      name: "gw-west",
      provisioningState: "Creating",
      allowedFeatures: ["*"],
    });
    expect(start.result?.gatewayEndpoint).toBeUndefined();
    expect(start.operation).toMatchObject({
      resourceId: gatewayId("gw-west"),
      monitorKind: "azure-asyncoperation",
    });
    // Real gateway PUTs carry no Retry-After: the client's default poll interval applies.
    expect(start.operation?.retryAfterSeconds).toBeUndefined();

    const queued = await readOperationStatus(testbed.context, start.operation);
    expect(queued).toMatchObject({ state: "running", rawStatus: "Queued" });

    await testbed.clock.advance(testbed.emulator.timings.operationQueuedMs);
    expect(await readOperationStatus(testbed.context, start.operation)).toMatchObject({
      state: "running",
      rawStatus: "InProgress",
    });

    await testbed.clock.advance(testbed.emulator.timings.gatewayCreateMs);
    expect(await readOperationStatus(testbed.context, start.operation)).toEqual({
      state: "succeeded",
      rawStatus: "Succeeded",
    });
    const gateway = await getGateway(testbed.context, gatewayId("gw-west"));
    expect(gateway).toMatchObject({
      provisioningState: "Succeeded",
      gatewayType: "Public",
      tags: { owner: "arc-autopilot" },
      gatewayEndpoint: expect.stringMatching(/\.gw\.arc\.azure\.com$/) as string,
    });
  });

  test("putting a gateway that already succeeded is done at once, with no handle", async () => {
    await createGateway("gw-west");
    await testbed.clock.advance(testbed.emulator.timings.gatewayCreateMs);
    const again = await beginCreateGateway(testbed.context, {
      gatewayId: gatewayId("gw-west"),
      location: testLocation,
    });
    expect(again).toMatchObject({ done: true, result: { provisioningState: "Succeeded" } });
  });

  test("a creation that fails is reported failed with the service's error", async () => {
    failNextGatewayCreations(testbed.emulator.state, 1);
    const handle = await createGateway("gw-doomed");
    await testbed.clock.advance(testbed.emulator.timings.gatewayCreateMs);
    expect(await readOperationStatus(testbed.context, handle)).toEqual({
      state: "failed",
      rawStatus: "Failed",
      error: { code: "GatewayProvisioningFailed", message: expect.any(String) as string },
    });
    expect((await getGateway(testbed.context, gatewayId("gw-doomed"))).provisioningState).toBe("Failed");
  });

  test("a sixth gateway in a subscription is a QuotaError", async () => {
    for (const name of ["gw1", "gw2", "gw3", "gw4", "gw5"]) await createGateway(name);
    const sixth = beginCreateGateway(testbed.context, {
      gatewayId: gatewayId("gw6"),
      location: testLocation,
    });
    await expect(sixth).rejects.toBeInstanceOf(QuotaError);
    await expect(sixth).rejects.toMatchObject({ code: "QuotaExceeded", isRetryable: false });
  });

  test("deleting a gateway while it is still being created is a retryable ConflictError", async () => {
    await createGateway("gw-busy");
    const deletion = beginDeleteGateway(testbed.context, gatewayId("gw-busy"));
    await expect(deletion).rejects.toBeInstanceOf(ConflictError);
    await expect(deletion).rejects.toMatchObject({ code: "AnotherOperationInProgress", isRetryable: true });
  });

  test("deleting runs as an operation, after which the gateway is gone and a second delete finds nothing", async () => {
    await createGateway("gw-old");
    await testbed.clock.advance(testbed.emulator.timings.gatewayCreateMs);
    const deletion = await beginDeleteGateway(testbed.context, gatewayId("gw-old"));
    expect(deletion.done).toBe(false);
    if (deletion.done) return;
    expect((await readOperationStatus(testbed.context, deletion.operation)).state).toBe("running");
    expect(await getGateway(testbed.context, gatewayId("gw-old"))).toMatchObject({
      provisioningState: "Deleting",
    });

    await testbed.clock.advance(testbed.emulator.timings.gatewayDeleteMs);
    expect((await readOperationStatus(testbed.context, deletion.operation)).state).toBe("succeeded");
    expect(await findGateway(testbed.context, gatewayId("gw-old"))).toBeUndefined();
    expect(await beginDeleteGateway(testbed.context, gatewayId("gw-old"))).toEqual({
      done: true,
      result: "alreadyGone",
    });
  });

  test("reading a gateway that does not exist: getGateway throws NotFoundError, findGateway says undefined", async () => {
    await expect(getGateway(testbed.context, gatewayId("nope"))).rejects.toBeInstanceOf(NotFoundError);
    await expect(findGateway(testbed.context, gatewayId("nope"))).resolves.toBeUndefined();
  });

  test("gateways are listed by subscription or by resource group", async () => {
    await createGateway("gw-a");
    await beginCreateGateway(testbed.context, {
      gatewayId: gatewayId("gw-b", "rg-other"),
      location: testLocation,
    });
    const all = await collect(listGateways(testbed.context, { subscriptionId: testSubscriptionId }));
    expect(all.map((g) => g.name).sort()).toEqual(["gw-a", "gw-b"]);
    const page = await listGatewayPage(testbed.context, {
      subscriptionId: testSubscriptionId,
      resourceGroup: "rg-other",
    });
    expect(page).toEqual({ items: [expect.objectContaining({ name: "gw-b" }) as unknown] });
  });

  test("without gateways/write the PermissionError names the action and the gateway as scope", async () => {
    testbed.emulator.state.denyRules = [{ action: "Microsoft.HybridCompute/gateways/write" }];
    const creation = beginCreateGateway(testbed.context, {
      gatewayId: gatewayId("gw-x"),
      location: testLocation,
    });
    await expect(creation).rejects.toBeInstanceOf(PermissionError);
    await expect(creation).rejects.toMatchObject({
      action: "Microsoft.HybridCompute/gateways/write",
      scope: gatewayId("gw-x"),
      statusCode: 403,
    });
  });

  test("a location ARM does not know is a ValidationError from its 400", async () => {
    const creation = beginCreateGateway(testbed.context, {
      gatewayId: gatewayId("gw-x"),
      location: "west-europe!",
    });
    await expect(creation).rejects.toBeInstanceOf(ValidationError);
    await expect(creation).rejects.toMatchObject({ statusCode: 400 });
  });

  test("a gateway id that is not a gateway is refused before anything is sent", async () => {
    const machineId = `/subscriptions/${testSubscriptionId}/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/m1`;
    await expect(
      beginCreateGateway(testbed.context, { gatewayId: machineId, location: testLocation }),
    ).rejects.toThrow(/not an Arc gateway/);
  });
});
