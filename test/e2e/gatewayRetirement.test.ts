// Issue 11, retiring a gateway without stranding a machine, end to end through the local host and
// the emulator: every machine attached to it is switched to direct (agent by Run Command first,
// then the cloud link) before the one DELETE; a machine that cannot be moved stops the DELETE and
// is reported with the local command; a dry run writes nothing; placement never picks a gateway
// tagged retiring, reading the tag from Azure.
import {
  agentConnectionType,
  setMachineStatus,
} from "../../local/emulator/providers/hybridCompute/machineRecords";
import type { GatewayRetirementResult } from "../../shared/gateways/retirement";
import { gatewayInstanceKey } from "../../shared/onboarding/instanceIds";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000b1101";
let h: Harness;

harnessPerFile({ subscriptionId }, (started) => {
  h = started;
  started.registerHybridConnectivity();
});

const path = (url: string) => new URL(url).pathname.toLowerCase();

async function retire(
  gatewayId: string,
  options: { dryRun?: boolean; moveTo?: string } = {},
): Promise<GatewayRetirementResult> {
  const instanceId = h.host.engine.start(
    "retireGateway_v1",
    { gatewayId, ...options },
    gatewayInstanceKey(gatewayId),
  );
  const status = await h.host.waitForInstance(instanceId);
  expect(status.runtimeStatus).toBe("Completed");
  return status.output as GatewayRetirementResult;
}

function machineStatus(machineId: string): unknown {
  return (h.host.emulator!.state.getResource(machineId)?.body.properties as { status?: string }).status;
}

function gatewayTags(gatewayId: string): Record<string, string> | undefined {
  return h.host.emulator!.state.getResource(gatewayId)?.body.tags as Record<string, string> | undefined;
}

/** Onboards machines of one region onto its gateway (the placement creates none: it is ready). */
async function attachedFleet(
  region: string,
  machines: [string, string][],
): Promise<{ gatewayId: string; ids: string[] }> {
  const gatewayId = await h.readyGateway(`arc-gw-${region}`, region);
  const ids = machines.map(([name, agentVersion]) => h.connect({ name, location: region, agentVersion }));
  for (const id of ids) expect((await h.outcome(id)).outcome).toBe("onboarded");
  for (const id of ids) expect(h.gatewayLink(id)).toBe(gatewayId);
  await h.host.runUntilIdle();
  return { gatewayId, ids };
}

test("three attached machines (agents 1.45, 1.55, 1.55): each agent switched before its link is cleared, all before the one DELETE", async () => {
  const { gatewayId, ids } = await attachedFleet("westus2", [
    ["ret-145", "1.45.02779.1667"],
    ["ret-155-a", "1.55.02941.1840"],
    ["ret-155-b", "1.55.02941.1840"],
  ]);
  const from = h.host.traffic().length;

  const result = await retire(gatewayId);

  expect(result).toMatchObject({
    outcome: "retired",
    succeeded: true,
    deleted: true,
    retiringTagKept: false,
  });
  expect(result.machines.map((m) => m.outcome)).toEqual(["detached", "detached", "detached"]);
  const writes = h.writesSince(from, { exceptResourceGraph: true });
  const at = (method: string, suffix: string) =>
    writes.findIndex((e) => e.method === method && path(e.url).endsWith(suffix.toLowerCase()));
  const deleteAt = at("DELETE", gatewayId);
  const tagAt = at("PATCH", gatewayId);
  expect(tagAt).toBe(0);
  expect(writes[tagAt]!.requestBody).toMatchObject({
    tags: { "arc-autopilot-retiring": expect.any(String) as string },
  });
  expect(deleteAt).toBeGreaterThan(0);
  expect(writes.filter((e) => e.method === "DELETE")).toHaveLength(1);
  for (const id of ids) {
    const agentAt = at("PUT", `${id}/runCommands/arc-autopilot-connection-type`);
    const cloudAt = at("PUT", `${id}/providers/Microsoft.HybridCompute/settings/default`);
    expect(agentAt).toBeGreaterThan(tagAt);
    expect(cloudAt).toBeGreaterThan(agentAt);
    expect(deleteAt).toBeGreaterThan(cloudAt);
    expect(writes[cloudAt]!.requestBody).toEqual({
      properties: { gatewayProperties: { gatewayResourceId: null } },
    });
  }
  expect(h.host.emulator!.state.getResource(gatewayId)).toBeUndefined();
  // Long past the time a stranded agent shows Disconnected: none is.
  await h.host.runFor(h.host.emulator!.timings.strandedAgentDisconnectMs + 60_000);
  for (const id of ids) {
    expect(h.gatewayLink(id)).toBeUndefined();
    expect(agentConnectionType(h.host.emulator!.context(), id)).toBe("direct");
    expect(machineStatus(id)).toBe("Connected");
  }
});

test("one machine disconnected: no DELETE; it is named with why and the local command; the others are moved; the gateway stays retiring", async () => {
  const { gatewayId, ids } = await attachedFleet("uksouth", [
    ["off-01", "1.55.02941.1840"],
    ["off-02", "1.55.02941.1840"],
    ["off-03", "1.45.02779.1667"],
  ]);
  setMachineStatus(h.host.emulator!.context(), ids[1]!, "Disconnected");
  const from = h.host.traffic().length;

  const result = await retire(gatewayId);

  expect(result).toMatchObject({
    outcome: "blocked",
    succeeded: false,
    deleted: false,
    retiringTagKept: true,
  });
  expect(result.message).toMatch(
    /was not deleted: 1 machine\(s\) could not be moved off it: off-02 \(NotConnected\)/,
  );
  const stuck = result.machines.find((m) => m.machineId === ids[1]);
  expect(stuck).toMatchObject({ outcome: "needs-local-action", code: "NotConnected" });
  expect(stuck!.reason).toMatch(/Disconnected/);
  expect(stuck!.localAction).toMatchObject({
    osType: "linux",
    commands: ["sudo azcmagent config set connection.type direct"],
  });
  expect(h.writesSince(from, { exceptResourceGraph: true }).filter((e) => e.method === "DELETE")).toEqual([]);
  expect(h.host.emulator!.state.getResource(gatewayId)).toBeDefined();
  expect(Object.keys(gatewayTags(gatewayId) ?? {})).toContain("arc-autopilot-retiring");
  expect(h.gatewayLink(ids[0]!)).toBeUndefined();
  expect(h.gatewayLink(ids[2]!)).toBeUndefined();
  expect(h.gatewayLink(ids[1]!)).toBe(gatewayId);

  // A new machine of the region is not placed on the retiring gateway: the region's next one is created.
  const newcomer = h.connect({ name: "off-new", location: "uksouth" });
  expect((await h.outcome(newcomer)).outcome).toBe("onboarded");
  expect(h.gatewayLink(newcomer)).toBe(h.gatewayId("arc-gw-uksouth-2"));
});

test("placement reads the retiring tag from Azure: a gateway tagged by anyone is skipped", async () => {
  const gatewayId = await h.readyGateway("arc-gw-japaneast", "japaneast");
  const patched = await h.host.emulator!.request("PATCH", `${gatewayId}?api-version=2025-01-13`, {
    tags: { "Arc-Autopilot-Retiring": "2026-11-23T08:00:00.000Z" },
  });
  expect(patched.status).toBe(200);
  // Past the app's gateway-picture reuse: what placement knows comes from ARM only.
  await h.host.runFor(120_000);
  const machineId = h.connect({ name: "jp-01", location: "japaneast" });
  expect((await h.outcome(machineId)).outcome).toBe("onboarded");
  expect(h.gatewayLink(machineId)).toBe(h.gatewayId("arc-gw-japaneast-2"));
});

test("dryRun lists each machine's fate and sends no write at all", async () => {
  const { gatewayId, ids } = await attachedFleet("canadacentral", [
    ["dry-01", "1.55.02941.1840"],
    ["dry-02", "1.55.02941.1840"],
  ]);
  setMachineStatus(h.host.emulator!.context(), ids[1]!, "Disconnected");
  const from = h.host.traffic().length;

  const result = await retire(gatewayId, { dryRun: true });

  expect(result).toMatchObject({
    outcome: "dry-run",
    succeeded: true,
    deleted: false,
    retiringTagKept: false,
  });
  expect(result.machines).toEqual([
    expect.objectContaining({ machineId: ids[0], outcome: "would-detach" }),
    expect.objectContaining({ machineId: ids[1], outcome: "needs-local-action", code: "NotConnected" }),
  ]);
  expect(result.message).toMatch(/but not delete it: 1 machine\(s\) cannot be moved/);
  expect(h.writesSince(from, { exceptResourceGraph: true })).toEqual([]);
  expect(gatewayTags(gatewayId)?.["arc-autopilot-retiring"]).toBeUndefined();
});
