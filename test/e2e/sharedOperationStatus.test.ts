// The waiting machine's check on its singleton (readSharedOperation), through the app's own
// activity on the local host with its real durable client: running, ended with the outcome it
// returned, ended without one (terminated), and gone.
import { invokeActivity } from "../../local/host/durable/activities/activityInvocation";
import { functionCatalog } from "../../local/host/durable/orchestrator/functionCatalog";
import { gatewayInstanceKey } from "../../shared/onboarding/instanceIds";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000a0841";
let h: Harness;

harnessPerFile({ subscriptionId }, (started) => {
  h = started;
  started.registerHybridConnectivity();
});

async function readSharedOperation(instanceId: string): Promise<unknown> {
  const invoker = h.host.functionsHost.invoker;
  const outcome = await invokeActivity(
    invoker,
    functionCatalog(invoker),
    "readSharedOperation_v1",
    JSON.stringify({ instanceId }),
  );
  if (outcome.kind !== "completed") throw new Error(outcome.reason);
  return JSON.parse(outcome.result ?? "null");
}

test("a running singleton reads as running; once it has completed, as ended with its outcome", async () => {
  const machineId = h.connect({ name: "status-01", location: "norwayeast" });
  const singleton = gatewayInstanceKey(h.gatewayId("arc-gw-norwayeast"));
  expect(await h.host.runUntil(() => h.host.statuses({ instanceIdPrefix: singleton }).length > 0)).toBe(true);

  expect(await readSharedOperation(singleton)).toEqual({ ok: true, value: { state: "running" } });

  expect((await h.outcome(machineId)).outcome).toBe("onboarded");
  await h.host.runUntilIdle();
  expect(await readSharedOperation(singleton)).toEqual({
    ok: true,
    value: {
      state: "ended",
      runtimeStatus: "Completed",
      outcome: { succeeded: true, message: "Gateway arc-gw-norwayeast is ready" },
    },
  });
});

test("a terminated singleton reads as ended without an outcome; an unknown one as purged", async () => {
  const id = h.host.engine.start("gatewayCreation_v1", {
    gatewayId: h.gatewayId("arc-gw-polandcentral"),
    location: "polandcentral",
    deadlineMinutes: 15,
  });
  h.host.engine.terminate(id, "test");
  await h.host.runUntilIdle();

  expect(await readSharedOperation(id)).toEqual({
    ok: true,
    value: { state: "ended", runtimeStatus: "Terminated" },
  });
  expect(await readSharedOperation("gw-never-started")).toEqual({
    ok: true,
    value: { state: "ended", runtimeStatus: "Purged" },
  });
});
