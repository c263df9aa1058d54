// The drift sweep's timer: every firing of one period of ARC_DRIFT_SCHEDULE — on time, a
// duplicate, a past-due one after the host was down — starts at most one sweep, the period's
// (`drift-<period start>`); the next period's firing starts the next.
import { resolve } from "node:path";

import { timerPayload } from "../../local/host/functions/timerTriggers";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000d1203";
let h: Harness;

harnessPerFile(
  {
    subscriptionId,
    extraModules: [resolve(__dirname, "../../functions/driftSweep.ts")],
    eventSubscription: { subjectBeginsWith: "/subscriptions/no-delivery-in-this-test" },
  },
  (started) => {
    h = started;
  },
);

async function fire(pastDue: boolean): Promise<void> {
  const fn = h.host.functionsHost.invoker.find("driftSweep");
  if (!fn) throw new Error("driftSweep is not registered");
  const now = h.clock.now();
  await h.host.functionsHost.invoker.invoke(fn.name, {
    [fn.triggerName]: timerPayload(pastDue, { last: now - 6 * 3_600_000, next: now, lastUpdated: now }),
  });
}

const sweeps = () =>
  h.host.engine
    .list({}, { showInput: false })
    .filter((s) => s.name === "driftSweep_v1")
    .map((s) => s.instanceId);

test("two firings in one period start one sweep; the next period's firing starts the next", async () => {
  expect(h.host.functionsHost.invoker.find("driftSweep")?.trigger.schedule).toBe("0 0 */6 * * *");
  // The harness clock starts at 2026-11-23T08:00Z: the period that began at 06:00.
  await fire(false);
  await h.host.runFor(60 * 60_000);
  await fire(true);
  await fire(false);
  expect(sweeps()).toEqual(["drift-20261123t060000z"]);
  expect(h.host.engine.getStatus("drift-20261123t060000z")?.runtimeStatus).toBe("Completed");

  await h.host.runFor(4 * 60 * 60_000); // 13:00: the 12:00 period
  await fire(true);
  await h.host.runUntilIdle();
  expect(sweeps()).toEqual(["drift-20261123t060000z", "drift-20261123t120000z"]);
});
