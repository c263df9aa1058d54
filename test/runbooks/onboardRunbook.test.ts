// Issue 11, the onboard runbook: 200 machines of a resource group, planned with dryRun (nothing
// written: the only non-GET requests are Resource Graph queries, which read), then onboarded for
// real (every fit machine converges; the disconnected ones end pending, the opted-out skipped),
// and a pending machine that reconnects is onboarded by the runbook. Event Grid deliveries are off
// for the fleet's resource group, so only the runbook starts work.
import { setMachineConnectivity } from "../../local/emulator/providers/hybridCompute/machines";
import type { OnboardFleetResult } from "../../shared/onboarding/fleet";
import { type RunbookHost, startRunbookHost } from "../runbooks/runbookHost";

const subscriptionId = "00000000-0000-4000-8000-0000000a1101";
const group = "rg-runbook";
let h: RunbookHost;

beforeAll(async () => {
  h = await startRunbookHost({
    subscriptionId,
    // No event reaches the app for the fleet: the runbook alone starts onboarding.
    eventSubscription: { subjectBeginsWith: `/subscriptions/${subscriptionId}/resourceGroups/rg-elsewhere/` },
  });
  h.registerHybridConnectivity();
});
afterAll(() => h.stop());

const fleet = 200;
const disconnected = new Set([7, 77, 177]);
const optedOut = new Set([3, 103]);
const oldAgent = new Set([10, 20, 30, 40]);
const name = (i: number) => `fleet-${String(i).padStart(3, "0")}`;

/** POST /api/machines/onboard, then the operation's status route once it has ended. */
async function runbook(body: object): Promise<OnboardFleetResult> {
  const started = await h.call("machines/onboard", { body });
  expect(started.status).toBe(202);
  const { operation } = started.body as { operation: { id: string; statusUrl: string } };
  expect(started.headers.get("location")).toBe(operation.statusUrl);
  await h.host.waitForInstance(operation.id);
  const status = await h.call(`operations/${operation.id}`);
  expect(status.body).toMatchObject({ runtimeStatus: "Completed", progress: { runbook: "onboard" } });
  return (status.body as { result: OnboardFleetResult }).result;
}

const isWrite = (method: string) => method !== "GET";
const isResourceGraphQuery = (url: string) =>
  new URL(url).pathname.toLowerCase() === "/providers/microsoft.resourcegraph/resources";

test("200 machines: dryRun answers each plan and sends no write; the real run converges every fit machine", async () => {
  const gatewayId = await h.readyGateway("arc-gw-eastus", "eastus");
  const ids: string[] = [];
  for (let i = 0; i < fleet; i++) {
    ids.push(
      h.connect({
        name: name(i),
        resourceGroup: group,
        ...(disconnected.has(i) ? { status: "Disconnected" } : {}),
        ...(optedOut.has(i) ? { tags: { "arc-autopilot": "opt-out" } } : {}),
        ...(oldAgent.has(i) ? { agentVersion: "1.45.02779.1667" } : {}),
      }),
    );
  }
  await h.host.runUntilIdle();
  const from = h.host.traffic().length;

  const dry = await runbook({
    scope: `/subscriptions/${subscriptionId}/resourceGroups/${group}`,
    dryRun: true,
  });

  // No write: every request was a GET, or a Resource Graph query (a POST that reads).
  const sent = h.host.traffic().slice(from);
  expect(sent.filter((e) => isWrite(e.method) && !isResourceGraphQuery(e.url))).toEqual([]);
  expect(sent.filter((e) => e.status === 429)).toEqual([]);
  if (!dry.dryRun) throw new Error("expected a dry run");
  expect(dry.machines).toHaveLength(fleet);
  expect(dry.summary).toEqual({ ready: fleet - disconnected.size - optedOut.size, pending: 3, skipped: 2 });
  const byName = new Map(dry.machines.map((m) => [m.machineId.split("/").pop()!, m]));
  expect(byName.get(name(0))!.steps.map((s) => s.kind)).toEqual([
    "attachGateway",
    "createDefaultEndpoint",
    "createSshServiceConfiguration",
  ]);
  expect(byName.get(name(0))!.steps[0]!.message).toContain("arc-gw-eastus");
  expect(byName.get(name(10))!.steps.map((s) => s.kind)).toEqual([
    "attachGateway",
    "switchAgentToGateway",
    "createDefaultEndpoint",
    "createSshServiceConfiguration",
  ]);
  expect(byName.get(name(7))).toMatchObject({ outcome: "pending", code: "NotConnected" });
  expect(byName.get(name(3))).toMatchObject({ outcome: "skipped", code: "OptedOut" });

  const real = await runbook({ scope: `/subscriptions/${subscriptionId}/resourceGroups/${group}` });

  if (real.dryRun) throw new Error("expected a real run");
  expect(real.summary).toEqual({
    onboarded: fleet - disconnected.size - optedOut.size,
    pending: 3,
    skipped: 2,
  });
  const settings = (id: string) =>
    (
      h.host.emulator!.state.getResource(`${id}/providers/Microsoft.HybridCompute/settings/default`)?.body
        .properties as { gatewayProperties?: { gatewayResourceId?: string } } | undefined
    )?.gatewayProperties?.gatewayResourceId;
  for (const [i, id] of ids.entries()) {
    expect([i, settings(id)]).toEqual([i, disconnected.has(i) || optedOut.has(i) ? undefined : gatewayId]);
  }

  // A pending machine, reconnected, is onboarded by the runbook.
  setMachineConnectivity(h.host.emulator!.context(), ids[7]!, "Connected");
  const again = await runbook({ machineIds: [ids[7]] });
  if (again.dryRun) throw new Error("expected a real run");
  expect(again.machines).toHaveLength(1);
  expect(again.machines[0]).toMatchObject({
    machineId: ids[7],
    start: "started",
    result: { outcome: "onboarded" },
  });
  expect(settings(ids[7]!)).toBe(gatewayId);
}, 60_000);
