// The drift sweep's read budget at the pipeline level: every attempt that goes on the wire takes a
// slot, the ARM client's retries included. A read refused with 429 (or 503) and sent again at
// once by the retry policy (Retry-After: 0) still waits for its own slot, and is counted.
import type { TrafficExchange } from "../../local/emulator/trafficLog";
import { beginCreateGateway, getGateway } from "../../shared/azure/gateways";
import { getProviderRegistration } from "../../shared/azure/resourceProviders";
import { noRequests, pacedArm } from "../../shared/drift/readBudget";
import { startArmTestbed, testGatewayId, testLocation, testSubscriptionId } from "../support/armTestbed";

const gatewayId = testGatewayId("gw-budget");
const at = (e: TrafficExchange) => Date.parse(e.time);

/** A testbed whose faults end when the retry policy first sleeps: the first attempt is refused, its retry answered. */
async function refusedOnce(rule: { operationId: string; status: 429 | 503 }) {
  let stopRefusing = () => {};
  const testbed = await startArmTestbed({
    context: { sleep: (ms) => (stopRefusing(), testbed.clock.sleep(ms)) },
  });
  stopRefusing = () => testbed.emulator.configureFaults({ rules: [] });
  const refuse = () =>
    testbed.emulator.configureFaults({
      seed: 1,
      rules: [
        {
          operationId: rule.operationId,
          [rule.status === 429 ? "status429Rate" : "status503Rate"]: 1,
          retryAfterSeconds: 0,
        },
      ],
    });
  return { testbed, refuse };
}

describe("the read budget takes a slot for every attempt", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0)) await close();
  });

  test("ArmContext.send: a 429 then a 200 — the retry waits for the next slot and both are counted", async () => {
    const { testbed, refuse } = await refusedOnce({ operationId: "Gateways_Get", status: 429 });
    cleanup.push(() => testbed.close());
    await beginCreateGateway(testbed.context, { gatewayId, location: testLocation });
    const counts = noRequests();
    const paced = pacedArm(testbed.context, 5, testbed.clock, counts);
    refuse();
    const from = testbed.emulator.exchanges().length;

    const gateway = await getGateway(paced, gatewayId);

    expect(gateway.name).toBe("gw-budget");
    const sent = testbed.emulator.exchanges().slice(from);
    expect(sent.map((e) => e.status)).toEqual([429, 200]);
    // Retry-After: 0 lets the retry policy send again at once; the budget spaces it 1000/5 ms.
    expect(at(sent[1]!) - at(sent[0]!)).toBeGreaterThanOrEqual(200);
    expect(counts).toEqual({ armReads: 2, armWrites: 0, resourceGraphQueries: 0 });
  });

  test("an adopted SDK pipeline (provider reads): a 503 then a 200 — both attempts spaced and counted", async () => {
    const { testbed, refuse } = await refusedOnce({ operationId: "Providers_Get", status: 503 });
    cleanup.push(() => testbed.close());
    const counts = noRequests();
    const paced = pacedArm(testbed.context, 2, testbed.clock, counts);
    refuse();
    const from = testbed.emulator.exchanges().length;

    await getProviderRegistration(paced, testSubscriptionId, "Microsoft.HybridCompute");

    const sent = testbed.emulator.exchanges().slice(from);
    expect(sent.map((e) => e.status)).toEqual([503, 200]);
    expect(at(sent[1]!) - at(sent[0]!)).toBeGreaterThanOrEqual(500);
    expect(counts.armReads).toBe(2);
  });

  test("reads in flight at once, a quarter refused: no second of traffic holds more than the budget, and the count is the traffic", async () => {
    const testbed = await startArmTestbed({
      emulator: {
        faults: {
          seed: 7,
          rules: [{ operationId: "Gateways_Get", status429Rate: 0.25, retryAfterSeconds: 0 }],
        },
      },
    });
    cleanup.push(() => testbed.close());
    const ids = Array.from({ length: 4 }, (_, i) => testGatewayId(`gw-budget-${i}`));
    for (const id of ids)
      await beginCreateGateway(testbed.context, { gatewayId: id, location: testLocation });
    const counts = noRequests();
    // Several reads wait at once: each until its own slot comes, on timers that fire in time order.
    const { clock } = testbed;
    const waits = {
      now: () => clock.now(),
      sleep: (ms: number) => new Promise<void>((r) => clock.setTimer(ms, r)),
    };
    const paced = pacedArm(testbed.context, 3, waits, counts);
    const from = testbed.emulator.exchanges().length;

    let finished = false;
    const reads = Promise.all(
      [...ids, ...ids, ...ids].map((id) => getGateway(paced, id).catch(() => undefined)),
    ).finally(() => (finished = true));
    while (!finished) {
      await clock.runAllTimers();
      await new Promise((r) => setImmediate(r));
    }
    await reads;

    const sent = testbed.emulator.exchanges().slice(from);
    expect(sent.filter((e) => e.status === 429).length).toBeGreaterThan(0);
    const perSecond = new Map<number, number>();
    for (const e of sent) {
      const second = Math.floor(at(e) / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(3);
    expect(counts.armReads).toBe(sent.length);
  });

  test("contexts paced one after another share the first one's token and TLS settings (so its HTTP agent)", async () => {
    const testbed = await startArmTestbed();
    cleanup.push(() => testbed.close());
    let tokens = 0;
    const tlsSettings = new Set<unknown>();
    const credential = testbed.emulator.credential;
    const base = testbed.createContext({
      // Valid for an hour of real time: the SDK's token cache reads the wall clock.
      credential: {
        getToken: async (scopes, options) => {
          tokens++;
          const token = await credential.getToken(scopes, options);
          return token && { ...token, expiresOnTimestamp: Date.now() + 3_600_000 };
        },
      },
      attemptPolicies: [
        { name: "tlsSpy", sendRequest: (r, next) => (tlsSettings.add(r.tlsSettings), next(r)) },
      ],
    });
    await beginCreateGateway(base, { gatewayId, location: testLocation });
    for (let batch = 0; batch < 3; batch++) {
      const paced = pacedArm(base, 5, testbed.clock, noRequests());
      await getGateway(paced, gatewayId);
    }
    expect(tokens).toBe(1);
    // The HTTP client keeps one agent per TLS settings object.
    await getProviderRegistration(
      pacedArm(base, 5, testbed.clock, noRequests()),
      testSubscriptionId,
      "Microsoft.HybridCompute",
    );
    expect(tlsSettings.size).toBe(1);
  });
});
