// The shared-operation descriptor and its join, over a fake durable client: the key belongs to
// the thing worked on, so creation and a later retirement of one gateway share it, and a join
// never starts its work over another orchestrator's.
import type { DurableOrchestrationStatus } from "durable-functions";

import { VirtualClock } from "../../local/clock";
import { gatewayCreation } from "../../orchestrations/gateways/gatewayCreation";
import { providerRegistration } from "../../orchestrations/onboarding/providerRegistration";
import { orchestratorNames } from "../../orchestrations/orchestratorNames";
import {
  joinSharedOperation,
  type SharedOperation,
  waiterEventName,
} from "../../orchestrations/sharedOperation";
import { gatewayInstanceKey } from "../../shared/onboarding/instanceIds";
import { installRuntimeClock } from "../../shared/runtimeClock";
import { testGatewayId } from "../support/armTestbed";

const gatewayId = testGatewayId("arc-gw-westeurope");
const joiner = { waiter: "onboard-web-01-0123456789abcdef", observedAt: "2026-01-01T10:00:00.000Z" };

/** A durable client with at most one instance, enough to see what a join does. */
function fakeClient(instance?: {
  name: string;
  runtimeStatus: string;
  lastUpdatedTime?: string;
  output?: unknown;
}) {
  const calls: string[] = [];
  const client = {
    getStatus: (id: string) => {
      if (!instance) return Promise.reject(new Error(`No instance with ID '${id}' found (HTTP 404)`));
      return Promise.resolve({
        name: instance.name,
        runtimeStatus: instance.runtimeStatus,
        createdTime: new Date("2026-01-01T09:00:00Z"),
        lastUpdatedTime: new Date(instance.lastUpdatedTime ?? "2026-01-01T09:30:00Z"),
        output: instance.output,
      } as unknown as DurableOrchestrationStatus);
    },
    startNew: (name: string, options?: { instanceId?: string; input?: unknown }) => {
      calls.push(`start ${name} ${options?.instanceId} ${JSON.stringify(options?.input)}`);
      return Promise.resolve(options?.instanceId ?? "");
    },
    raiseEvent: (id: string, eventName: string) => {
      calls.push(`raise ${eventName} ${id}`);
      return Promise.resolve();
    },
  };
  return { client: client as never, calls };
}

describe("a shared operation", () => {
  test("a gateway's creation is keyed by the gateway, in the gateway's instance id namespace", () => {
    const operation = gatewayCreation({ gatewayId, location: "westeurope", deadlineMinutes: 120 });
    expect(operation).toEqual({
      instanceId: gatewayInstanceKey(gatewayId),
      orchestrator: orchestratorNames.gatewayCreation,
      eventName: "GatewayCreation",
      input: { gatewayId, location: "westeurope", deadlineMinutes: 120 },
    });
    // Same gateway in other casing: the same key, so a retirement built with it collides by design.
    expect(
      gatewayCreation({ gatewayId: gatewayId.toUpperCase(), location: "x", deadlineMinutes: 1 }).instanceId,
    ).toBe(operation.instanceId);
    expect(
      providerRegistration({ subscriptionId: "s1", namespace: "Microsoft.HybridConnectivity" }),
    ).toMatchObject({
      orchestrator: orchestratorNames.providerRegistration,
      eventName: "ProviderRegistration",
    });
  });

  test("nothing running: the join starts the singleton with the waiter in its input", async () => {
    const { client, calls } = fakeClient();
    const operation = gatewayCreation({ gatewayId, location: "westeurope", deadlineMinutes: 120 });
    await expect(joinSharedOperation(client, operation, joiner)).resolves.toEqual({
      state: "waiting",
      instanceId: operation.instanceId,
      started: true,
    });
    expect(calls).toEqual([
      `start gatewayCreation_v1 ${operation.instanceId} ${JSON.stringify({ ...operation.input, waiters: [joiner.waiter] })}`,
    ]);
  });

  test("its own orchestrator running: the join raises Waiter to it", async () => {
    const { client, calls } = fakeClient({ name: "gatewayCreation_v1", runtimeStatus: "Running" });
    const operation = gatewayCreation({ gatewayId, location: "westeurope", deadlineMinutes: 120 });
    await expect(joinSharedOperation(client, operation, joiner)).resolves.toMatchObject({
      state: "waiting",
      started: false,
    });
    expect(calls).toEqual([`raise ${waiterEventName} ${operation.instanceId}`]);
  });

  test("another operation on the same gateway running (a retirement): failed at once, nothing started or raised", async () => {
    const { client, calls } = fakeClient({ name: "gatewayRetirement_v1", runtimeStatus: "Running" });
    const operation = gatewayCreation({ gatewayId, location: "westeurope", deadlineMinutes: 120 });
    const joined = await joinSharedOperation(client, operation, joiner);
    expect(joined).toMatchObject({ state: "ended", outcome: { succeeded: false } });
    expect(joined.state === "ended" && joined.outcome.message).toMatch(/gatewayRetirement_v1 is running/);
    expect(calls).toEqual([]);
  });

  test("another operation that ended after the machine looked: failed, so the gateway is not re-created under it", async () => {
    const { client, calls } = fakeClient({
      name: "gatewayRetirement_v1",
      runtimeStatus: "Completed",
      lastUpdatedTime: "2026-01-01T10:05:00Z",
      output: { succeeded: true, message: "Gateway retired" },
    });
    const operation: SharedOperation = gatewayCreation({
      gatewayId,
      location: "westeurope",
      deadlineMinutes: 120,
    });
    const joined = await joinSharedOperation(client, operation, joiner);
    expect(joined).toMatchObject({ state: "ended", outcome: { succeeded: false } });
    expect(calls).toEqual([]);
  });

  test("another operation that ended before the machine looked: stale, the creation starts", async () => {
    const { client, calls } = fakeClient({ name: "gatewayRetirement_v1", runtimeStatus: "Completed" });
    const operation = gatewayCreation({ gatewayId, location: "westeurope", deadlineMinutes: 120 });
    await expect(joinSharedOperation(client, operation, joiner)).resolves.toMatchObject({
      state: "waiting",
      started: true,
    });
    expect(calls).toHaveLength(1);
  });
});

describe("joins that meet in one process", () => {
  // The pause between raises runs on the app's clock: a virtual one here, moved by hand.
  let clock: VirtualClock;
  let uninstall: () => void;
  beforeEach(() => {
    clock = new VirtualClock(Date.UTC(2026, 0, 1, 10));
    uninstall = installRuntimeClock({
      now: () => clock.now(),
      sleep: (ms) => new Promise<void>((resolve) => clock.setTimer(ms, resolve)),
    });
  });
  afterEach(() => uninstall());

  /** A running singleton (under its own gateway, so no test sees another's raises) that records raises. */
  function runningSingleton(name: string, onRaise?: (raised: unknown[]) => Promise<void>) {
    const raised: unknown[] = [];
    const client = {
      getStatus: () =>
        Promise.resolve({
          name: orchestratorNames.gatewayCreation,
          runtimeStatus: "Running",
          createdTime: new Date("2026-01-01T09:00:00Z"),
          lastUpdatedTime: new Date("2026-01-01T09:30:00Z"),
        } as unknown as DurableOrchestrationStatus),
      startNew: () => Promise.reject(new Error("nothing is started while the singleton runs")),
      raiseEvent: async (_id: string, _eventName: string, data: unknown) => {
        raised.push(data);
        await onRaise?.(raised);
      },
    };
    const operation = gatewayCreation({
      gatewayId: testGatewayId(name),
      location: "westeurope",
      deadlineMinutes: 120,
    });
    const join = (n: number) =>
      joinSharedOperation(client, operation, { ...joiner, waiter: `onboard-m${n}-0123456789abcdef` });
    return { raised, join };
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const waiterIds = (...ns: number[]) => ns.map((n) => `onboard-m${n}-0123456789abcdef`);

  test("share one Waiter event while a raise is on the wire, and each learns it went through", async () => {
    let releaseFirst: () => void = () => undefined;
    const firstOnTheWire = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const { raised, join } = runningSingleton("arc-gw-on-the-wire", async (sent) => {
      if (sent.length === 1) await firstOnTheWire;
    });

    const first = join(1);
    await settle(); // the first raise is on the wire
    const others = [2, 3, 4, 5].map(join);
    await settle();
    releaseFirst();
    await settle();
    await clock.advance(1_000); // the pause after a raise

    const results = await Promise.all([first, ...others]);
    expect(results.every((r) => r.state === "waiting")).toBe(true);
    expect(raised).toEqual([{ instanceId: waiterIds(1)[0] }, { instanceIds: waiterIds(2, 3, 4, 5) }]);
  });

  test("a lone joiner raises at once; those within a second of a raise share the next one", async () => {
    const { raised, join } = runningSingleton("arc-gw-paced");

    await expect(join(1)).resolves.toMatchObject({ state: "waiting" });
    expect(raised).toEqual([{ instanceId: waiterIds(1)[0] }]); // no pause for the first

    await clock.advance(200);
    const second = join(2);
    await settle();
    await clock.advance(300);
    const third = join(3);
    await settle();
    expect(raised).toHaveLength(1); // both wait for the second after the first raise
    await clock.advance(500);
    await expect(Promise.all([second, third])).resolves.toHaveLength(2);
    expect(raised).toEqual([{ instanceId: waiterIds(1)[0] }, { instanceIds: waiterIds(2, 3) }]);
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1, 10) + 1_000);

    await clock.advance(1_500); // long after the last raise: at once again
    await expect(join(4)).resolves.toMatchObject({ state: "waiting" });
    expect(raised.at(-1)).toEqual({ instanceId: waiterIds(4)[0] });
  });
});
