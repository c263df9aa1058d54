// Issue 4, story 3 (the slow half): a gateway whose creation outlives the deadline fails every
// waiting machine with the reason, and a machine whose singleton vanished is rescued by its own
// backstop timer and one re-read of Azure. Nothing is left running either way.
import { gatewayInstanceKey, machineInstanceId } from "../../shared/onboarding/instanceIds";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000a0404";
let h: Harness;

harnessPerFile(
  {
    subscriptionId,
    appSettings: { ARC_GATEWAY_DEADLINE_MINUTES: "15" },
    // Far longer than the deadline: Azure's "can take up to 2 hours", and then some.
    emulator: { timings: { gatewayCreateMs: 5 * 3_600_000 } },
  },
  (started) => {
    h = started;
    started.registerHybridConnectivity();
  },
);

const running = () =>
  h.host.statuses().filter((s) => s.runtimeStatus === "Running" || s.runtimeStatus === "Pending");

test("a creation still running at the deadline fails every waiting machine with what to do", async () => {
  const started = h.clock.now();
  const ids = [
    h.connect({ name: "slow-01", location: "brazilsouth" }),
    h.connect({ name: "slow-02", location: "brazilsouth" }),
  ];

  const results = [];
  for (const id of ids) results.push(await h.outcome(id));

  for (const result of results) {
    expect(result).toMatchObject({ outcome: "failed", code: "GatewayCreationFailed" });
    expect(result.reason).toMatch(/arc-gw-brazilsouth was not ready within 15 minutes/);
    // What the operator can do: the onboard runbook, or a write to the machine.
    expect(result.reason).toMatch(
      /for each, the onboard runbook \(POST \/api\/machines\/onboard\) or a new write to the machine \(a tag change, for one\) starts its onboarding/,
    );
  }
  // Released by the singleton at its deadline, not by their own backstops (15 min later).
  expect(h.clock.now() - started).toBeLessThan(20 * 60_000);
  const reads = h.host
    .traffic()
    .filter((e) => e.method === "GET" && e.url.includes("/gateways/arc-gw-brazilsouth?"));
  expect(reads).toHaveLength(1); // the singleton's look before its PUT; none by the machines
  await h.host.runUntilIdle();
  expect(running()).toEqual([]);
});

test("a machine whose singleton is gone finds out at its next check, reads Azure once, and fails with the state", async () => {
  const machineId = h.connect({ name: "orphan-01", location: "koreacentral" });
  const gatewayId = h.gatewayId("arc-gw-koreacentral");
  const singleton = gatewayInstanceKey(gatewayId);
  expect(await h.host.runUntil(() => h.host.statuses({ instanceIdPrefix: singleton }).length > 0)).toBe(true);
  h.host.engine.terminate(singleton, "test: the singleton is lost");
  const terminatedAt = h.clock.now();

  const result = await h.outcome(machineId);

  expect(result).toMatchObject({ outcome: "failed", code: "GatewayNotReady" });
  expect(result.reason).toMatch(
    /arc-gw-koreacentral was not ready after its orchestration ended Terminated \(Creating\)/,
  );
  // Its status check (every 5 minutes), not its backstop (the 15-minute deadline and 15 more).
  const ended = Date.parse(
    h.host.statuses({ instanceIdPrefix: machineInstanceId(machineId) })[0]!.lastUpdatedTime,
  );
  expect(ended - terminatedAt).toBeLessThanOrEqual(5 * 60_000);
  const reads = h.host
    .traffic()
    .filter((e) => e.method === "GET" && e.url.includes("/gateways/arc-gw-koreacentral?"));
  expect(reads).toHaveLength(2); // the singleton's look before its PUT, and the machine's one re-read
  expect(running()).toEqual([]);
});
