// Issue 10, "one clock under the local host": 1,000 machines join Arc within one minute of
// virtual time, ARM throttling on, no gateway and no HybridConnectivity registration yet (their
// singletons create them). The app's ARM retries sleep on the host's virtual clock, so the
// emulator's throttle buckets refill while they wait and every machine onboards — on wall-clock
// sleeps the same burst ended with RetriesExhausted failures. Measured speed lives in
// `npm run bench` (BENCHMARKS.md), not here.
import { machineInstanceId } from "../../shared/onboarding/instanceIds";
import type { OnboardingResult } from "../../shared/onboarding/onboardingResult";
import { type Harness, harnessPerFile, runFor } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000a1001";
const machines = 1_000;
const joinSeconds = 60;
let h: Harness;

harnessPerFile(
  {
    subscriptionId,
    // Throttling is on (the emulator's default). The 1,000 runs' exchanges are the shapes the
    // smaller stories already put in the suite's traffic log; this run keeps none.
    emulator: { trafficLog: null },
  },
  (started) => {
    h = started;
  },
);

test("1,000 machines joining within one virtual minute, throttled, all onboard on virtual time", async () => {
  const startedAt = h.clock.now();
  const ids: string[] = [];
  const perSecond = Math.ceil(machines / joinSeconds);
  for (let second = 0; ids.length < machines; second++) {
    for (let i = 0; i < perSecond && ids.length < machines; i++) {
      ids.push(h.connect({ name: `burst-${String(ids.length).padStart(4, "0")}`, location: "eastus" }));
    }
    await runFor(h, 1_000);
  }
  expect(h.clock.now() - startedAt).toBeLessThanOrEqual(joinSeconds * 1_000);

  await h.host.runUntilIdle();

  const outcomes = ids.map((id) => {
    const status = h.host.engine.getStatus(machineInstanceId(id));
    const output = status?.output as OnboardingResult | undefined;
    return `${status?.runtimeStatus ?? "missing"} ${output?.outcome ?? ""} ${output?.code ?? ""}`.trim();
  });
  const tally = new Map<string, number>();
  for (const outcome of outcomes) tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
  expect(Object.fromEntries(tally)).toEqual({ "Completed onboarded": machines });

  // The emulator did throttle: the retries waited on virtual time, not around the throttle.
  const throttled = h.host.traffic().filter((exchange) => exchange.status === 429).length;
  expect(throttled).toBeGreaterThan(0);
  // One gateway and one registration, made by their singletons.
  const writes = h.host.traffic().filter((exchange) => exchange.method !== "GET" && exchange.status < 300);
  expect(writes.filter((e) => /\/gateways\/[^/?]+\?/i.test(e.url) && e.method === "PUT")).toHaveLength(1);
  expect(writes.filter((e) => /hybridconnectivity\/register/i.test(e.url))).toHaveLength(1);
}, 120_000);
