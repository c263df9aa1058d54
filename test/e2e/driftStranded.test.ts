// A gateway deleted behind the app's back: every machine that referenced it is reported
// stranded and linked in the cloud to a live gateway — those still Connected by the sweep's
// repair (their onboarding; their agents follow the new link), those whose agent already lost its
// way to Azure by the sweep itself, reported with the local command that recovers them.
import { setMachineStatus } from "../../local/emulator/providers/hybridCompute/machineRecords";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000d1204";
let h: Harness;

harnessPerFile(
  { subscriptionId, eventSubscription: { subjectBeginsWith: "/subscriptions/no-delivery-in-this-test" } },
  (started) => {
    h = started;
  },
);

const hybridCompute = "?api-version=2025-01-13";

test("machines of a deleted gateway: reported stranded, re-pointed to a live gateway, or given the local command", async () => {
  h.registerHybridConnectivity();
  const live = await h.readyGateway("arc-gw-eastus", "eastus");
  const longGone = await h.readyGateway("arc-gw-old-a", "eastus");
  const justGone = await h.readyGateway("arc-gw-old-b", "eastus");
  const cutOff = await Promise.all(
    [0, 1, 2].map((i) => h.onboardedBehindTheBack({ name: `cut-off-${i}`, gatewayResourceId: longGone })),
  );
  const reachable = await Promise.all(
    [0, 1, 2].map((i) => h.onboardedBehindTheBack({ name: `reachable-${i}`, gatewayResourceId: justGone })),
  );
  const timings = h.host.emulator!.timings;

  // Deleted behind the app's back: the first long enough ago that its agents show Disconnected.
  await h.armRequest("DELETE", longGone + hybridCompute);
  await h.host.runFor(timings.gatewayDeleteMs + timings.strandedAgentDisconnectMs + 60_000);
  await h.armRequest("DELETE", justGone + hybridCompute);
  await h.host.runFor(timings.gatewayDeleteMs + 60_000);
  expect((await h.host.emulator!.request("GET", justGone + hybridCompute)).status).toBe(404);

  const first = await h.driftSweep();
  expect(first.report.kinds).toEqual({ stranded: 6 });
  expect(first.report.outcomes).toEqual({ "repair-started": 3, relinked: 3 });
  expect(first.report.repairs).toEqual({ onboarded: 3 });
  for (const id of cutOff) {
    const finding = first.report.findings.find((f) => f.machineId === id)!;
    expect(finding).toMatchObject({ kind: "stranded", code: "NotConnected", outcome: "relinked" });
    expect(finding.reason).toMatch(
      /arc-gw-old-a no longer exists; it is linked to arc-gw-eastus in the cloud/,
    );
    expect(finding.localAction?.commands).toEqual(["sudo azcmagent config set connection.type direct"]);
  }
  // Every machine that referenced a deleted gateway is linked to the live one in the cloud: the
  // reachable ones by their onboarding, the cut-off ones by the sweep itself.
  for (const id of reachable) expect((await h.outcome(id)).outcome).toBe("onboarded");
  for (const id of [...reachable, ...cutOff]) {
    expect(String(h.gatewayLink(id)).toLowerCase()).toBe(live.toLowerCase());
  }

  // Still unreachable: still stranded, with the same local command, and nothing written.
  let from = h.host.traffic().length;
  const second = await h.driftSweep();
  expect(second.report.kinds).toEqual({ "in-desired-state": 3, stranded: 3 });
  expect(second.report.outcomes).toEqual({ compliant: 3, reported: 3 });
  for (const finding of second.report.findings) {
    expect(finding.reason).toMatch(/linked to arc-gw-eastus in the cloud, but its agent cannot reach Azure/);
    expect(finding.localAction?.commands).toEqual(["sudo azcmagent config set connection.type direct"]);
  }
  expect(h.writesSince(from, { exceptResourceGraph: true })).toEqual([]);

  // The owners ran the command: the agents reach Azure again, on the live gateway.
  for (const id of cutOff) setMachineStatus(h.host.emulator!.context(), id, "Connected");
  from = h.host.traffic().length;
  const third = await h.driftSweep();
  expect(third.report.kinds).toEqual({ "in-desired-state": 6 });
  expect(h.writesSince(from, { exceptResourceGraph: true })).toEqual([]);
});
