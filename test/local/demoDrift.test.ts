// `npm run dev`'s drift act: after the retirement, a little drift is made behind the app's back
// (no event, no ARM request) on machines the demo onboarded, and the sweep's report is told.
import { driftReportSummary, runDemoDriftSweep, seedDemoDrift } from "../../local/dev/demoDrift";
import { demoSubscriptionIds } from "../../local/emulator/demoFleet";
import { type Harness, harnessPerFile } from "../e2e/onboardingHarness";
import { recordingView } from "./recordingView";

const subscriptionId = demoSubscriptionIds[0];
let h: Harness;

harnessPerFile({ subscriptionId }, (started) => {
  h = started;
  started.registerHybridConnectivity();
});

const link = (machineId: string) =>
  (
    h.host.emulator!.state.getResource(`${machineId}/providers/Microsoft.HybridCompute/settings/default`)
      ?.body.properties as { gatewayProperties?: { gatewayResourceId?: string } } | undefined
  )?.gatewayProperties?.gatewayResourceId;

test("three onboarded machines drift and one joins unseen: no event, no ARM request", async () => {
  await h.readyGateway("arc-gw-eastus", "eastus");
  const machines = ["demo-a", "demo-b", "demo-c", "demo-d"].map((name) => h.connect({ name }));
  for (const id of machines) expect((await h.outcome(id)).outcome).toBe("onboarded");
  await h.host.runUntilIdle();
  const events = h.host.emulator!.publishedEvents().length;
  const traffic = h.host.traffic().length;

  const seeded = seedDemoDrift(h.host);

  expect(seeded.map((s) => [s.machineId.split("/").pop(), s.drift])).toEqual([
    ["demo-a", "its gateway link removed by hand"],
    ["demo-b", "its SSH endpoint deleted"],
    ["demo-c", "its SSH service configuration moved to port 2222"],
    ["web-eus-03", "joined Arc while its event was lost"],
  ]);
  const state = h.host.emulator!.state;
  expect(link(machines[0]!)).toBeUndefined();
  expect(
    state.getResource(`${machines[1]}/providers/Microsoft.HybridConnectivity/endpoints/default`),
  ).toBeUndefined();
  expect(
    state.getResource(
      `${machines[2]}/providers/Microsoft.HybridConnectivity/endpoints/default/serviceConfigurations/SSH`,
    )?.body.properties,
  ).toMatchObject({ port: 2222 });
  expect(link(machines[3]!)).toBeDefined();
  expect(state.getResource(seeded[3]!.machineId)).toBeDefined();
  expect(h.host.emulator!.publishedEvents().length).toBe(events);
  expect(h.host.traffic().length).toBe(traffic);
});

test("the report is told in a few lines: counts, compliance, each finding with its command, the cost", () => {
  const text = driftReportSummary("Completed", {
    report: {
      dryRun: false,
      machines: 11,
      durationSeconds: 42,
      kinds: { "in-desired-state": 7, "not-attached": 1, "needs-local-action": 1, stranded: 0 },
      outcomes: { compliant: 7, "repair-started": 1, reported: 1 },
      repairs: { onboarded: 1 },
      compliance: [{ scope: "/subscriptions/s1", machines: 9, inDesiredState: 7, percent: 77.8 }],
      findings: [
        {
          machineId: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/m1",
          kind: "not-attached",
          outcome: "repair-started",
          repairResult: "onboarded",
          reason: "not attached to a gateway",
        },
        {
          machineId: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/m2",
          kind: "needs-local-action",
          outcome: "reported",
          reason: "monitor mode",
          localAction: { commands: ["azcmagent config set config.mode full"] },
        },
      ],
      requests: { armReads: 30, armWrites: 0, resourceGraphQueries: 2 },
    },
  });
  expect(text.split("\n")).toEqual([
    "demo: drift sweep report (repairs started): 11 machine(s) in 42 s",
    "  kinds: in-desired-state 7, not-attached 1, needs-local-action 1",
    "  outcomes: compliant 7, repair-started 1, reported 1",
    "  repairs: onboarded 1",
    "  compliance /subscriptions/s1: 7/9 in their desired state (77.8%)",
    "  m1: not-attached → repair-started (onboarded) — not attached to a gateway",
    "  m2: needs-local-action → reported — monitor mode (run on the machine: azcmagent config set config.mode full)",
    "  cost: 2 Resource Graph queries, 30 ARM reads, 0 ARM writes",
  ]);
  expect(driftReportSummary("Failed", null)).toBe("demo: the drift sweep ended Failed");
});

test("the sweep goes through POST /api/drift/sweeps: it finds the drift, repairs it, and its report is told", async () => {
  const { view, lines } = recordingView();
  const before = h.host.traffic().length;
  const started = await runDemoDriftSweep(h.host, view);
  expect(started.status).toBe(202);
  await h.host.waitForInstance(started.operationId!);
  await h.host.runUntilIdle();

  expect(lines[0]).toMatch(/^demo: drift behind the app's back \(no event\): /);
  expect(lines[1]).toBe("demo: sweeping for drift: POST /api/drift/sweeps");
  expect(lines[2]).toBe(`demo: drift sweep accepted; its status: GET /api/operations/${started.operationId}`);
  const report = lines[3]!.split("\n");
  expect(report[0]).toMatch(/^demo: drift sweep report \(repairs started\): \d+ machine\(s\) in /);
  // This file's first test left demo-a unlinked and demo-b without endpoint; this one adds demo-c, demo-d and web-eus-03.
  expect(lines[0]).toContain("demo-c its gateway link removed by hand; demo-d its SSH endpoint deleted");
  expect(report).toContain("  kinds: never-onboarded 1, not-attached 2, endpoint-missing 2");
  expect(report).toContain("  outcomes: repair-started 5");
  expect(report).toContain("  repairs: onboarded 5");
  expect(report).toContain(
    "  web-eus-03: never-onboarded → repair-started (onboarded) — 3 steps: attachGateway, createDefaultEndpoint, createSshServiceConfiguration",
  );
  expect(report.find((l) => l.startsWith("  cost:"))).toMatch(/Resource Graph queries, \d+ ARM reads/);
  // The repairs happened: writes went out after the sweep started.
  expect(
    h.host
      .traffic()
      .slice(before)
      .some((e) => e.method === "PUT"),
  ).toBe(true);
});
