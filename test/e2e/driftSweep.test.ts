// The drift sweep end to end: machines drifted behind the app's back (straight through the
// emulator, no Event Grid delivery), a dry run that counts each kind exactly and writes nothing,
// a sweep that repairs every fixable machine through onboarding, and a last sweep that finds no
// drift and writes nothing.
import { setMachineStatus } from "../../local/emulator/providers/hybridCompute/machineRecords";
import { machineInstanceId } from "../../shared/onboarding/instanceIds";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000d1201";
const otherSubscription = "00000000-0000-4000-8000-0000000d1202";
let h: Harness;

harnessPerFile(
  {
    subscriptionId,
    appSettings: {
      ARC_SCOPES: `/subscriptions/${subscriptionId},/subscriptions/${otherSubscription}`,
      ARC_OUTCOME_TOPIC_ENDPOINT: "{emulator}/eventgrid/topics/arc-outcomes/api/events",
    },
    eventSubscription: { subjectBeginsWith: "/subscriptions/no-delivery-in-this-test" },
  },
  (started) => {
    h = started;
  },
);

const connectivity = "?api-version=2024-12-01";
const endpointOf = (id: string) => `${id}/providers/Microsoft.HybridConnectivity/endpoints/default`;
const sshOf = (id: string) => `${endpointOf(id)}/serviceConfigurations/SSH`;
const settingsOf = (id: string) =>
  `${id}/providers/Microsoft.HybridCompute/settings/default?api-version=2025-01-13`;

test("dry run counts every drift kind exactly; the sweep repairs the fixable ones; the next finds none and writes nothing", async () => {
  h.registerHybridConnectivity();
  const gatewayId = await h.readyGateway("arc-gw-eastus", "eastus");
  const ids: Record<string, string[]> = {};
  const seed = async (kind: string, make: (name: string) => Promise<string> | string) => {
    ids[kind] = [];
    for (let i = 0; i < 3; i++) ids[kind].push(await make(`${kind}-${i}`));
  };
  await seed("in-desired-state", (name) => h.onboardedBehindTheBack({ name, gatewayResourceId: gatewayId }));
  await seed("never-onboarded", (name) => h.connect({ name }));
  await seed("not-attached", async (name) => {
    const id = await h.onboardedBehindTheBack({ name, gatewayResourceId: gatewayId });
    // Onboarded once by the app, then the link removed by hand.
    h.host.engine.start("onboardMachine_v1", { machineId: id, trigger: "event" }, machineInstanceId(id));
    await h.host.waitForInstance(machineInstanceId(id));
    await h.armRequest("PUT", settingsOf(id), {
      properties: { gatewayProperties: { gatewayResourceId: null } },
    });
    return id;
  });
  await seed("endpoint-missing", async (name) => {
    const id = await h.onboardedBehindTheBack({ name, gatewayResourceId: gatewayId });
    await h.armRequest("DELETE", endpointOf(id) + connectivity);
    return id;
  });
  await seed("ssh-configuration", async (name) => {
    const id = await h.onboardedBehindTheBack({ name, gatewayResourceId: gatewayId });
    await h.armRequest("PUT", sshOf(id) + connectivity, { properties: { serviceName: "SSH", port: 2222 } });
    return id;
  });
  await seed("provider-not-registered", (name) =>
    h.connect({ name, subscriptionId: otherSubscription, gatewayResourceId: gatewayId }),
  );
  await seed("needs-local-action", (name) =>
    h.onboardedBehindTheBack({ name, gatewayResourceId: gatewayId, configMode: "monitor" }),
  );
  await seed("not-connected", (name) => h.connect({ name, status: "Disconnected" }));

  // 1. dry run: exact counts, nothing written
  let from = h.host.traffic().length;
  const dry = await h.driftSweep({ dryRun: true });
  expect(dry.report.machines).toBe(24);
  expect(dry.report.kinds).toEqual({
    "in-desired-state": 3,
    "never-onboarded": 3,
    "not-attached": 3,
    "endpoint-missing": 3,
    "ssh-configuration": 3,
    "provider-not-registered": 3,
    "needs-local-action": 3,
    "not-connected": 3,
  });
  expect(dry.report.outcomes).toEqual({ compliant: 3, "would-repair": 15, reported: 6 });
  expect(dry.report.compliance).toEqual([
    { scope: `/subscriptions/${subscriptionId}`, machines: 21, inDesiredState: 3, percent: 14.3 },
    { scope: `/subscriptions/${otherSubscription}`, machines: 3, inDesiredState: 0, percent: 0 },
  ]);
  const monitor = dry.report.findings.find((f) => f.kind === "needs-local-action")!;
  expect(monitor.localAction?.commands.join("\n")).toMatch(/azcmagent config set config.mode full/);
  expect(h.writesSince(from, { exceptResourceGraph: true })).toEqual([]);
  // The read budget (20% of 25/s): never more than 5 GETs in any second of the emulator's clock.
  const perSecond = new Map<number, number>();
  for (const e of h.host.traffic().slice(from)) {
    if (e.method !== "GET") continue;
    const second = Math.floor(Date.parse(e.time) / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(dry.report.readBudget.readsPerSecond);
  expect(dry.report.readBudget).toEqual({ sharePercent: 20, readsPerSecond: 5 });
  expect([...perSecond.values()].reduce((a, b) => a + b, 0)).toBe(dry.report.requests.armReads);
  expect(dry.report.requests.resourceGraphQueries).toBeGreaterThanOrEqual(2);
  expect(dry.report.requests.armReads).toBeGreaterThan(24);

  // 2. the disconnected machines come back; the sweep repairs every fixable machine
  for (const id of ids["not-connected"]!) setMachineStatus(h.host.emulator!.context(), id, "Connected");
  const repair = await h.driftSweep();
  expect(repair.report.kinds).toMatchObject({
    "in-desired-state": 3,
    "pending-now-connected": 3,
    "needs-local-action": 3,
  });
  expect(repair.report.outcomes).toEqual({ compliant: 3, "repair-started": 18, reported: 3 });
  expect(repair.report.repairs).toEqual({ onboarded: 18 });
  // The outcome topic hears of each sweep: its summary, without the machines.
  const sweepEvents = h.host
    .emulator!.topicEvents("arc-outcomes")
    .map((received) => received.event as unknown as { eventType: string; subject: string; data: unknown })
    .filter((e) => e.eventType === "ArcAutopilot.DriftSweepCompleted");
  expect(sweepEvents.map((e) => [e.subject, (e.data as { outcomes?: unknown }).outcomes])).toEqual([
    [`/drift/sweeps/${dry.report.sweepId}`, dry.report.outcomes],
    [`/drift/sweeps/${repair.report.sweepId}`, repair.report.outcomes],
  ]);
  expect(JSON.stringify(sweepEvents)).not.toContain("findings");
  // The reconnected machines changed in Resource Graph; the rest of the drift is read again as drift.
  expect(repair.report.readInFull).toEqual({ "not-in-desired-state": 18, changed: 3, rotation: 1 });
  expect(repair.report.findings.find((f) => f.kind === "needs-local-action")).toBeDefined();
  for (const kind of Object.keys(ids).filter((k) => k !== "in-desired-state" && k !== "needs-local-action")) {
    for (const id of ids[kind]!) {
      const outcome = await h.outcome(id);
      expect([kind, outcome.outcome]).toEqual([kind, "onboarded"]);
    }
  }

  // 3. nothing left but what needs a person; nothing written
  from = h.host.traffic().length;
  const last = await h.driftSweep();
  expect(last.report.kinds).toEqual({ "in-desired-state": 21, "needs-local-action": 3 });
  // Incremental: what was not in its desired state is read again, of the 3 unchanged compliant
  // machines only a rotation share (minutes since the last sweep, of 24 h: one); the rest carried.
  expect(last.report.readInFull).toEqual({ "not-in-desired-state": 21, rotation: 1 });
  expect(last.report.carried).toBe(2);
  expect(last.report.findings.every((f) => f.kind === "needs-local-action" && f.outcome === "reported")).toBe(
    true,
  );
  expect(h.writesSince(from, { exceptResourceGraph: true })).toEqual([]);
});
