// Issue 11, retirement continued: `moveTo` keeps machines on a gateway (the cloud link first, then
// `connection.type gateway` for agents below 1.51), and a machine attached while a retirement runs
// is caught by the re-read before the DELETE. While the retirement holds the gateway's key, a
// machine joining the gateway's creation is answered a failed outcome instead of re-creating it.
import {
  agentConnectionType,
  agentsRoutingThrough,
} from "../../local/emulator/providers/hybridCompute/machineRecords";
import { invokeActivity } from "../../local/host/durable/activities/activityInvocation";
import { HistoryEventType } from "../../local/host/durable/history/historyEventType";
import { functionCatalog } from "../../local/host/durable/orchestrator/functionCatalog";
import type { GatewayRetirementResult } from "../../shared/gateways/retirement";
import { detachInstanceId, gatewayInstanceKey, machineInstanceId } from "../../shared/onboarding/instanceIds";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000b1102";
/** A second subscription in scope, whose HybridConnectivity is not registered: onboarding there waits for it. */
const slowSubscriptionId = "00000000-0000-4000-8000-0000000b1105";
let h: Harness;

harnessPerFile(
  {
    subscriptionId,
    appSettings: { ARC_SCOPES: `/subscriptions/${subscriptionId},/subscriptions/${slowSubscriptionId}` },
  },
  (started) => {
    h = started;
    started.registerHybridConnectivity();
  },
);

const path = (url: string) => new URL(url).pathname.toLowerCase();

function machineStatus(machineId: string): unknown {
  return (h.host.emulator!.state.getResource(machineId)?.body.properties as { status?: string }).status;
}

async function onboarded(region: string, machines: [string, string][]): Promise<string[]> {
  const ids = machines.map(([name, agentVersion]) => h.connect({ name, location: region, agentVersion }));
  for (const id of ids) expect((await h.outcome(id)).outcome).toBe("onboarded");
  await h.host.runUntilIdle();
  return ids;
}

async function finished(instanceId: string): Promise<GatewayRetirementResult> {
  const status = await h.host.waitForInstance(instanceId);
  expect(status.runtimeStatus).toBe("Completed");
  return status.output as GatewayRetirementResult;
}

test("moveTo: every machine ends on the other gateway, linked first and older agents switched after; the old one is deleted", async () => {
  const oldId = await h.readyGateway("arc-gw-francecentral", "francecentral");
  const spareId = await h.readyGateway("arc-gw-spare", "francecentral");
  const ids = await onboarded("francecentral", [
    ["mv-145", "1.45.02779.1667"],
    ["mv-155", "1.55.02941.1840"],
  ]);
  for (const id of ids) expect(h.gatewayLink(id)).toBe(oldId);
  const from = h.host.traffic().length;

  const result = await finished(
    h.host.engine.start("retireGateway_v1", { gatewayId: oldId, moveTo: spareId }, gatewayInstanceKey(oldId)),
  );

  expect(result).toMatchObject({ outcome: "retired", deleted: true, moveTo: spareId });
  expect(result.machines.map((m) => m.outcome)).toEqual(["moved", "moved"]);
  const writes = h.writesSince(from, { exceptResourceGraph: true });
  const at = (method: string, suffix: string) =>
    writes.findIndex((e) => e.method === method && path(e.url).endsWith(suffix.toLowerCase()));
  const deleteAt = at("DELETE", oldId);
  const [old, current] = ids as [string, string];
  const linkOld = at("PUT", `${old}/providers/Microsoft.HybridCompute/settings/default`);
  const agentOld = at("PUT", `${old}/runCommands/arc-autopilot-gateway-move`);
  expect(writes[linkOld]!.requestBody).toEqual({
    properties: { gatewayProperties: { gatewayResourceId: spareId } },
  });
  expect(JSON.stringify(writes[agentOld]!.requestBody)).toContain("connection.type gateway");
  expect(agentOld).toBeGreaterThan(linkOld);
  expect(deleteAt).toBeGreaterThan(agentOld);
  // Agent 1.55 follows the link by itself: no Run Command, and nothing sets it to direct.
  expect(at("PUT", `${current}/runCommands/arc-autopilot-gateway-move`)).toBe(-1);
  expect(deleteAt).toBeGreaterThan(
    at("PUT", `${current}/providers/Microsoft.HybridCompute/settings/default`),
  );
  expect(writes.some((e) => JSON.stringify(e.requestBody ?? "").includes("connection.type direct"))).toBe(
    false,
  );

  expect(h.host.emulator!.state.getResource(oldId)).toBeUndefined();
  await h.host.runFor(h.host.emulator!.timings.strandedAgentDisconnectMs + 60_000);
  const context = h.host.emulator!.context();
  expect(agentsRoutingThrough(context, spareId).sort()).toEqual(ids.map((id) => id.toLowerCase()).sort());
  for (const id of ids) {
    expect(h.gatewayLink(id)).toBe(spareId);
    expect(agentConnectionType(context, id)).toBe("gateway");
    expect(machineStatus(id)).toBe("Connected");
  }
});

test("moveTo a gateway that does not exist is refused before anything is written", async () => {
  const gatewayId = await h.readyGateway("arc-gw-norwayeast", "norwayeast");
  const from = h.host.traffic().length;
  const missing = h.gatewayId("arc-gw-nowhere");

  const result = await finished(
    h.host.engine.start("retireGateway_v1", { gatewayId, moveTo: missing }, gatewayInstanceKey(gatewayId)),
  );

  expect(result).toMatchObject({
    outcome: "refused",
    succeeded: false,
    deleted: false,
    retiringTagKept: false,
  });
  expect(result.message).toBe("moveTo gateway arc-gw-nowhere does not exist");
  expect(h.writesSince(from)).toEqual([]);
});

test("a machine attached while the retirement runs is caught by the re-read and moved before the DELETE; a creation join meanwhile fails", async () => {
  const gatewayId = await h.readyGateway("arc-gw-swedencentral", "swedencentral");
  const [first] = (await onboarded("swedencentral", [["late-01", "1.55.02941.1840"]])) as [string];
  const instanceId = h.host.engine.start("retireGateway_v1", { gatewayId }, gatewayInstanceKey(gatewayId));
  const firstAgentStep = `${first}/runcommands/arc-autopilot-connection-type`.toLowerCase();
  expect(
    await h.host.runUntil(() =>
      h.host.traffic().some((e) => e.method === "PUT" && path(e.url) === firstAgentStep),
    ),
  ).toBe(true);

  // The retirement holds the gateway's key: a machine joining the gateway's creation is told no.
  const invoker = h.host.functionsHost.invoker;
  const joined = await invokeActivity(
    invoker,
    functionCatalog(invoker),
    "joinGatewayCreation_v1",
    JSON.stringify({
      gatewayId,
      location: "swedencentral",
      deadlineMinutes: 15,
      waiter: "onboard-joiner-0123456789abcdef",
      observedAt: new Date(h.clock.now()).toISOString(),
    }),
  );
  expect(joined.kind).toBe("completed");
  expect(JSON.parse(joined.kind === "completed" ? (joined.result ?? "null") : "null")).toMatchObject({
    ok: true,
    value: {
      state: "ended",
      outcome: {
        succeeded: false,
        message: expect.stringMatching(/^retireGateway_v1 is running under gateway-/) as string,
      },
    },
  });

  // Someone attaches a machine behind the retirement's back, after its first read.
  const late = h.connect({ name: "late-02", location: "swedencentral", gatewayResourceId: gatewayId });

  const result = await finished(instanceId);

  expect(result).toMatchObject({ outcome: "retired", deleted: true });
  expect(result.scans).toBeGreaterThanOrEqual(3);
  expect(result.machines).toEqual([
    expect.objectContaining({ machineId: first, outcome: "detached" }),
    expect.objectContaining({ machineId: late, outcome: "detached" }),
  ]);
  const traffic = h.host.traffic();
  const deleteAt = traffic.findIndex((e) => e.method === "DELETE" && path(e.url) === gatewayId.toLowerCase());
  const lateCleared = traffic.findIndex(
    (e) =>
      e.method === "PUT" &&
      path(e.url) === `${late}/providers/Microsoft.HybridCompute/settings/default`.toLowerCase() &&
      JSON.stringify(e.requestBody).includes("null"),
  );
  expect(lateCleared).toBeGreaterThan(-1);
  expect(deleteAt).toBeGreaterThan(lateCleared);
  expect(h.gatewayLink(late)).toBeUndefined();
  expect(agentConnectionType(h.host.emulator!.context(), late)).toBe("direct");
  expect(h.host.emulator!.state.getResource(gatewayId)).toBeUndefined();
});

test("a machine whose detach is already running cannot be moved by the retirement: no DELETE, the machine named", async () => {
  const gatewayId = await h.readyGateway("arc-gw-italynorth", "italynorth");
  const [busy, free] = (await onboarded("italynorth", [
    ["busy-01", "1.55.02941.1840"],
    ["free-01", "1.55.02941.1840"],
  ])) as [string, string];
  // An operator's own detach of busy-01 is under way when the retirement starts.
  h.host.engine.start("detachMachine_v1", { machineId: busy, trigger: "runbook" }, detachInstanceId(busy));
  const from = h.host.traffic().length;

  const result = await finished(
    h.host.engine.start("retireGateway_v1", { gatewayId }, gatewayInstanceKey(gatewayId)),
  );

  expect(result).toMatchObject({ outcome: "blocked", deleted: false, retiringTagKept: true });
  expect(result.machines.find((m) => m.machineId === busy)).toMatchObject({
    outcome: "failed",
    code: "MoveNotRun",
    reason: expect.stringMatching(/another detach of this machine may be running/) as string,
  });
  expect(
    h.host
      .traffic()
      .slice(from)
      .filter((e) => e.method === "DELETE"),
  ).toEqual([]);
  expect(h.host.emulator!.state.getResource(gatewayId)).toBeDefined();
  await h.host.runUntilIdle();
  // Both machines ended off the gateway all the same: the operator's detach finished its own work.
  expect(h.gatewayLink(busy)).toBeUndefined();
  expect(h.gatewayLink(free)).toBeUndefined();
});

test("a machine whose onboarding is running is taken off only once that run has ended", async () => {
  const gatewayId = await h.readyGateway("arc-gw-spaincentral", "spaincentral");
  // Attached as it connects (azcmagent connect --gateway-id), in a subscription whose
  // HybridConnectivity is not registered yet: its onboarding registers it and waits minutes.
  const machineId = h.connect({
    name: "fresh-01",
    subscriptionId: slowSubscriptionId,
    location: "spaincentral",
    gatewayResourceId: gatewayId,
  });
  const onboarding = machineInstanceId(machineId);
  expect(
    await h.host.runUntil(() =>
      h.host.statuses({ instanceIdPrefix: onboarding }).some((s) => s.runtimeStatus === "Running"),
    ),
  ).toBe(true);
  const instanceId = h.host.engine.start("retireGateway_v1", { gatewayId }, gatewayInstanceKey(gatewayId));

  const result = await finished(instanceId);

  expect(result).toMatchObject({ outcome: "retired", machines: [{ machineId, outcome: "detached" }] });
  // The retirement looked at the running onboarding more than once: it waited.
  const looks = h.host.engine
    .history(instanceId)
    .filter(
      (e) =>
        (e as { Name?: string }).Name === "readOnboardings_v1" &&
        e.EventType === HistoryEventType.TaskScheduled,
    );
  expect(looks.length).toBeGreaterThan(1);
  // The run that was waited for onboarded it; the direct tag's write event, which came while the
  // detach ran, started none.
  expect((await h.outcome(machineId)).outcome).toBe("onboarded");
  const writes = h.host
    .traffic()
    .filter((e) => e.method === "PUT" && path(e.url).startsWith(machineId.toLowerCase()));
  const detachAt = writes.findIndex((e) =>
    path(e.url).endsWith("/runcommands/arc-autopilot-connection-type"),
  );
  expect(detachAt).toBeGreaterThan(0);
  // The onboarding's writes (its SSH endpoint and configuration) all came before the detach's first.
  const onboardingWrites = writes.filter((e) =>
    path(e.url).includes("/providers/microsoft.hybridconnectivity/"),
  );
  expect(onboardingWrites.length).toBeGreaterThan(0);
  for (const write of onboardingWrites) expect(writes.indexOf(write)).toBeLessThan(detachAt);
  expect(h.gatewayLink(machineId)).toBeUndefined();
  expect(agentConnectionType(h.host.emulator!.context(), machineId)).toBe("direct");
});
