// Throttling and transient faults on virtual time: the context's retry policy sleeps on the
// testbed's clock, so a Retry-After of minutes is skipped, not waited out.
import { beginCreateGateway, getGateway } from "../../shared/azure/gateways";
import { getProviderRegistration } from "../../shared/azure/resourceProviders";
import { ThrottledError, TransientArmError } from "../../shared/errors";
import {
  type ArmTestbed,
  startArmTestbed,
  testGatewayId,
  testLocation,
  testSubscriptionId,
} from "../support/armTestbed";

const gatewayId = testGatewayId("gw-retry");

describe("retries on virtual time", () => {
  let testbed: ArmTestbed | undefined;

  afterEach(() => testbed?.close());

  test("a 429 is retried after its Retry-After, without real sleeping, and the read succeeds", async () => {
    // One read token, refilled at 0.05/s: the second read is refused with Retry-After 20 s.
    testbed = await startArmTestbed({
      emulator: { throttling: { reads: { capacity: 1, refillPerSecond: 0.05 } } },
    });
    await beginCreateGateway(testbed.context, { gatewayId, location: testLocation });
    await getGateway(testbed.context, gatewayId);
    const before = testbed.clock.now();
    const realStart = Date.now();

    const gateway = await getGateway(testbed.context, gatewayId);

    expect(gateway.name).toBe("gw-retry");
    expect(testbed.sleeps).toEqual([20_000]);
    expect(testbed.clock.now() - before).toBeGreaterThanOrEqual(20_000);
    expect(Date.now() - realStart).toBeLessThan(5_000);
  });

  test("a 429 that persists exhausts the retries and surfaces as a ThrottledError carrying Retry-After", async () => {
    testbed = await startArmTestbed({
      emulator: {
        faults: { seed: 1, rules: [{ operationId: "Gateways_Get", status429Rate: 1, retryAfterSeconds: 7 }] },
      },
    });
    const read = getGateway(testbed.context, gatewayId);
    await expect(read).rejects.toBeInstanceOf(ThrottledError);
    await expect(read).rejects.toMatchObject({ statusCode: 429, retryAfterMs: 7_000, isRetryable: true });
    expect(testbed.sleeps.slice(0, 4)).toEqual([7_000, 7_000, 7_000, 7_000]);
  });

  test("a Retry-After longer than the context waits is handed straight to the caller for a durable timer", async () => {
    testbed = await startArmTestbed({
      emulator: {
        faults: {
          seed: 1,
          rules: [{ operationId: "Gateways_Get", status429Rate: 1, retryAfterSeconds: 300 }],
        },
      },
      context: { maxRetryAfterMs: 60_000 },
    });
    await expect(getGateway(testbed.context, gatewayId)).rejects.toMatchObject({
      name: "ThrottledError",
      retryAfterMs: 300_000,
    });
    expect(testbed.sleeps).toEqual([]);
  });

  test("500s are retried up to the context's limit, then surface as a TransientArmError", async () => {
    testbed = await startArmTestbed({
      emulator: { faults: { seed: 1, rules: [{ operationId: "Gateways_Get", status500Rate: 1 }] } },
    });
    const read = getGateway(testbed.context, gatewayId);
    await expect(read).rejects.toBeInstanceOf(TransientArmError);
    await expect(read).rejects.toMatchObject({
      statusCode: 500,
      code: "InternalServerError",
      isRetryable: true,
    });
    // The emulator's injected 500s carry Retry-After: 1, which the policy honours.
    expect(testbed.sleeps).toEqual([1_000, 1_000, 1_000, 1_000]);
  });

  test("a 503 honours its Retry-After, then surfaces as a TransientArmError", async () => {
    testbed = await startArmTestbed({
      emulator: {
        faults: { seed: 1, rules: [{ operationId: "Gateways_Get", status503Rate: 1, retryAfterSeconds: 3 }] },
      },
    });
    const read = getGateway(testbed.context, gatewayId);
    await expect(read).rejects.toMatchObject({ name: "TransientArmError", statusCode: 503 });
    expect(testbed.sleeps.slice(0, 4)).toEqual([3_000, 3_000, 3_000, 3_000]);
  });

  test("a dropped connection is retried, then surfaces as a TransientArmError", async () => {
    testbed = await startArmTestbed({
      emulator: { faults: { seed: 1, rules: [{ operationId: "Gateways_Get", resetRate: 1 }] } },
      context: { maxRetries: 2 },
    });
    await expect(getGateway(testbed.context, gatewayId)).rejects.toBeInstanceOf(TransientArmError);
    expect(testbed.sleeps).toHaveLength(2);
  });

  test("calls through an Azure SDK client retry on the same policy and clock", async () => {
    testbed = await startArmTestbed({
      emulator: {
        faults: {
          seed: 1,
          rules: [{ operationId: "Providers_Get", status503Rate: 1, retryAfterSeconds: 2 }],
        },
      },
    });
    const read = getProviderRegistration(testbed.context, testSubscriptionId, "Microsoft.HybridCompute");
    await expect(read).rejects.toMatchObject({ name: "TransientArmError", statusCode: 503 });
    expect(testbed.sleeps.slice(0, 4)).toEqual([2_000, 2_000, 2_000, 2_000]);
  });
});
