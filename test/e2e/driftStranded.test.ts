// A gateway deleted behind the app's back: every machine that referenced it is reported
// stranded. Those still Connected are linked in the cloud to a live gateway by the sweep's repair
// (their agents follow the new link); those whose agent already lost its way to Azure are
// reported with the local command that recovers them.
import type { DriftSweepOutput } from "../../shared/drift/report";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000d1204";
let h: Harness;

harnessPerFile(
  { subscriptionId, eventSubscription: { subjectBeginsWith: "/subscriptions/no-delivery-in-this-test" } },
  (started) => {
    h = started;
  },
);

const connectivity = "?api-version=2024-12-01";
const hybridCompute = "?api-version=2025-01-13";
const endpointOf = (id: string) => `${id}/providers/Microsoft.HybridConnectivity/endpoints/default`;

async function ok(method: string, path: string, body?: unknown) {
  const answer = await h.host.emulator!.request(method, path, body);
  if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text}`);
  return answer;
}

async function onboardedOn(name: string, gatewayResourceId: string): Promise<string> {
  const id = h.connect({ name, gatewayResourceId });
  await ok("PUT", endpointOf(id) + connectivity, { properties: { type: "default" } });
  await ok("PUT", `${endpointOf(id)}/serviceConfigurations/SSH${connectivity}`, {
    properties: { serviceName: "SSH", port: 22 },
  });
  return id;
}

async function linkOf(id: string): Promise<unknown> {
  const answer = await ok("GET", `${id}/providers/Microsoft.HybridCompute/settings/default${hybridCompute}`);
  return (answer.body as { properties?: { gatewayProperties?: { gatewayResourceId?: unknown } } }).properties
    ?.gatewayProperties?.gatewayResourceId;
}

let sweeps = 0;
async function sweep(): Promise<DriftSweepOutput> {
  sweeps++;
  const instanceId = h.host.engine.start(
    "driftSweep_v1",
    { dryRun: false, trigger: "runbook" },
    `drift-manual-${String(sweeps).padStart(32, "0")}`,
  );
  const status = await h.host.waitForInstance(instanceId);
  return status.output as DriftSweepOutput;
}

test("machines of a deleted gateway: reported stranded, re-pointed to a live gateway, or given the local command", async () => {
  h.registerHybridConnectivity();
  const live = await h.readyGateway("arc-gw-eastus", "eastus");
  const longGone = await h.readyGateway("arc-gw-old-a", "eastus");
  const justGone = await h.readyGateway("arc-gw-old-b", "eastus");
  const cutOff = await Promise.all([0, 1, 2].map((i) => onboardedOn(`cut-off-${i}`, longGone)));
  const reachable = await Promise.all([0, 1, 2].map((i) => onboardedOn(`reachable-${i}`, justGone)));
  const timings = h.host.emulator!.timings;

  // Deleted behind the app's back: the first long enough ago that its agents show Disconnected.
  await ok("DELETE", longGone + hybridCompute);
  await h.host.runFor(timings.gatewayDeleteMs + timings.strandedAgentDisconnectMs + 60_000);
  await ok("DELETE", justGone + hybridCompute);
  await h.host.runFor(timings.gatewayDeleteMs + 60_000);
  expect((await h.host.emulator!.request("GET", justGone + hybridCompute)).status).toBe(404);

  const first = await sweep();
  expect(first.report.kinds).toEqual({ stranded: 6 });
  expect(first.report.outcomes).toEqual({ "repair-started": 3, reported: 3 });
  for (const id of cutOff) {
    const finding = first.report.findings.find((f) => f.machineId === id)!;
    expect(finding).toMatchObject({ kind: "stranded", code: "NotConnected", outcome: "reported" });
    expect(finding.reason).toMatch(/arc-gw-old-a no longer exists/);
    expect(finding.localAction?.commands).toEqual(["sudo azcmagent config set connection.type direct"]);
  }
  for (const id of reachable) {
    expect((await h.outcome(id)).outcome).toBe("onboarded");
    expect(String(await linkOf(id)).toLowerCase()).toBe(live.toLowerCase());
  }
  // The cut-off machines' links were left for their owners: nothing reaches their agents.
  for (const id of cutOff) expect(String(await linkOf(id)).toLowerCase()).toBe(longGone.toLowerCase());

  const second = await sweep();
  expect(second.report.kinds).toEqual({ "in-desired-state": 3, stranded: 3 });
});
