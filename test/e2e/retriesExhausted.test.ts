// When Azure keeps failing after every retry (ARM's own, then the activity's durable retries), the
// machine's run ends with a failure that says so — it does not fail as an orchestration without
// an outcome, and nothing is left running.
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000a0408";
let h: Harness;

harnessPerFile(
  {
    subscriptionId,
    // No in-request retries: the activity's durable retry policy is what is exercised here.
    appSettings: { ARC_ARM_MAX_RETRIES: "0" },
    // Requests answered 500 on purpose break the contract; this run keeps its own log.
    emulator: { trafficLog: null },
  },
  (started) => {
    h = started;
    started.registerHybridConnectivity();
  },
);

test("a settings PUT answered 500 every time ends the run as failed with RetriesExhausted", async () => {
  await h.readyGateway("arc-gw-eastus2", "eastus2");
  h.host.emulator!.configureFaults({
    rules: [
      {
        method: "PUT",
        pathPattern: "/machines/stubborn-01/providers/Microsoft.HybridCompute/settings/default$",
        status500Rate: 1,
      },
    ],
  });
  const machineId = h.connect({ name: "stubborn-01", location: "eastus2" });

  const result = await h.outcome(machineId);

  expect(result).toMatchObject({ runtimeStatus: "Completed", outcome: "failed", code: "RetriesExhausted" });
  expect(result.reason).toMatch(/Azure kept failing after retries/);
  const puts = h.host
    .traffic()
    .filter(
      (e) => e.method === "PUT" && e.url.includes("stubborn-01/providers/Microsoft.HybridCompute/settings"),
    );
  expect(puts.length).toBe(5); // the activity retry policy's five attempts, spaced by durable timers
  expect(puts.every((e) => e.status === 500)).toBe(true);
});
