// A retiring gateway's machines and the drift sweep (issue 12: "attached to a gateway that ... is
// retiring"). While the gateway's retirement runs (retireGateway_v1 under its key) they are its to
// move: the sweep reports them stranded and writes nothing to them. Once no retirement runs (here
// an operator cancelled it; one that ended blocked, or a tag set by hand, is the same) nothing
// else would ever move them: the next sweep has each Connected one's onboarding link it to a live,
// non-retiring gateway, and leaves a Disconnected one reported until its agent is back.
import { setMachineStatus } from "../../local/emulator/providers/hybridCompute/machineRecords";
import { gatewayInstanceKey, machineInstanceId } from "../../shared/onboarding/instanceIds";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000d1207";
let h: Harness;

harnessPerFile(
  { subscriptionId, eventSubscription: { subjectBeginsWith: "/subscriptions/no-delivery-in-this-test" } },
  (started) => {
    h = started;
  },
);

const settingsOf = (id: string) => `${id}/providers/Microsoft.HybridCompute/settings/default`;

test("a retiring gateway's machines: left to its running retirement, moved to a live gateway once none runs", async () => {
  h.registerHybridConnectivity();
  const live = await h.readyGateway("arc-gw-eastus", "eastus");
  const retiring = await h.readyGateway("arc-gw-retiring", "eastus");
  const held = await h.onboardedBehindTheBack({ name: "held-0", gatewayResourceId: retiring });
  // Its onboarding waits for the agent to come back, so the retirement waits for that onboarding
  // (it never moves a machine beside a running onboarding): the retirement stays running.
  const away = await h.onboardedBehindTheBack({ name: "away-0", gatewayResourceId: retiring });
  setMachineStatus(h.host.emulator!.context(), away, "Disconnected");
  h.host.engine.start("onboardMachine_v1", { machineId: away, trigger: "runbook" }, machineInstanceId(away));
  const retirement = h.host.engine.start(
    "retireGateway_v1",
    { gatewayId: retiring },
    gatewayInstanceKey(retiring),
  );
  expect(
    await h.host.runUntil(() =>
      JSON.stringify(h.host.engine.getStatus(retirement)?.customStatus ?? "").includes("being onboarded"),
    ),
  ).toBe(true);
  expect(h.host.emulator!.state.getResource(retiring)?.body.tags).toHaveProperty(["arc-autopilot-retiring"]);

  // 1. The retirement runs: both are stranded and left to it; the sweep writes nothing.
  let from = h.host.traffic().length;
  const during = await h.driftSweep();
  expect(during.report.kinds).toEqual({ stranded: 2 });
  expect(during.report.outcomes).toEqual({ reported: 2 });
  expect(during.report.findings.find((f) => f.machineId === held)).toMatchObject({
    kind: "stranded",
    outcome: "reported",
    reason: expect.stringMatching(/arc-gw-retiring is being retired/) as string,
  });
  expect(h.writesSince(from, { exceptResourceGraph: true })).toEqual([]);
  expect(h.host.engine.getStatus(retirement)?.runtimeStatus).toBe("Running");
  expect(h.gatewayLink(held)).toBe(retiring);

  // 2. An operator cancels the retirement: the gateway keeps its tag, and nobody would move its
  // machines. The sweep moves the Connected one to the live gateway through its onboarding.
  h.host.engine.terminate(retirement, "Cancelled by an operator");
  await h.host.runUntil(() => h.host.engine.getStatus(retirement)?.runtimeStatus === "Terminated");
  from = h.host.traffic().length;
  const after = await h.driftSweep();
  expect(after.report.kinds).toEqual({ stranded: 2 });
  expect(after.report.outcomes).toEqual({ "repair-started": 1, reported: 1 });
  expect(after.report.repairs).toEqual({ onboarded: 1 });
  expect(after.report.findings.find((f) => f.machineId === held)).toMatchObject({
    kind: "stranded",
    outcome: "repair-started",
    reason: expect.stringMatching(/arc-gw-retiring is tagged retiring but no retirement runs/) as string,
  });
  // The Disconnected one waits for its agent (the retiring gateway still exists: no relink).
  expect(after.report.findings.find((f) => f.machineId === away)).toMatchObject({
    kind: "stranded",
    code: "NotConnected",
    outcome: "reported",
  });
  expect(h.gatewayLink(held)).toBe(live);
  expect(h.gatewayLink(away)).toBe(retiring);
  expect(
    h
      .writesSince(from, { exceptResourceGraph: true })
      .map((e) => `${e.method} ${new URL(e.url).pathname.toLowerCase()}`),
  ).toEqual([`PUT ${settingsOf(held).toLowerCase()}`]);
});
