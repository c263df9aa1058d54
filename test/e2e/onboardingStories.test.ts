// Issue 4's stories, end to end: emulator event → Functions host → durable orchestration →
// emulator state, with request counts taken from the emulator's own traffic. One host; each story
// uses its own region or resource group so they do not see each other's machines.
import { setMachineConnectivity } from "../../local/emulator/providers/hybridCompute/machines";
import { machineInstanceId } from "../../shared/onboarding/instanceIds";
import { type Harness, harnessPerFile, runFor } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000a0401";
let h: Harness;

harnessPerFile(
  {
    subscriptionId,
    appSettings: { ARC_OUTCOME_TOPIC_ENDPOINT: "{emulator}/eventgrid/topics/arc-outcomes/api/events" },
  },
  (started) => {
    h = started;
    started.registerHybridConnectivity();
  },
);

/** Requests that change Azure: everything but GETs and Resource Graph queries (a POST that only reads). */
const writes = (exchanges: { method: string; url: string }[]) =>
  exchanges.filter((e) => e.method !== "GET" && !e.url.includes("/providers/Microsoft.ResourceGraph/"));

function resourceBody(id: string): Record<string, unknown> | undefined {
  return h.host.emulator!.state.getResource(id)?.body;
}

function gatewayLinkOf(machineId: string): unknown {
  const settings = resourceBody(`${machineId}/providers/Microsoft.HybridCompute/settings/default`);
  return (settings?.properties as { gatewayProperties?: { gatewayResourceId?: string } } | undefined)
    ?.gatewayProperties?.gatewayResourceId;
}

function sshConfigurationOf(machineId: string): Record<string, unknown> | undefined {
  return resourceBody(
    `${machineId}/providers/Microsoft.HybridConnectivity/endpoints/default/serviceConfigurations/SSH`,
  );
}

function portsOf(machineId: string): unknown {
  const machine = resourceBody(machineId);
  return (machine?.properties as { agentConfiguration?: { incomingConnectionsPorts?: unknown } })
    ?.agentConfiguration?.incomingConnectionsPorts;
}

function runCommandsOf(machineId: string): string[] {
  return h.host
    .traffic()
    .filter(
      (e) =>
        e.method === "PUT" &&
        new URL(e.url).pathname.toLowerCase().startsWith(`${machineId}/runcommands/`.toLowerCase()),
    )
    .map((e) => new URL(e.url).pathname.split("/").pop()!);
}

test("story 1: a new machine in a region with a gateway is attached and reachable over SSH in 5 requests", async () => {
  const gatewayId = await h.readyGateway("arc-gw-eastus", "eastus");
  const from = h.host.traffic().length;

  const machineId = h.connect({ name: "web-01", location: "eastus" });
  const result = await h.outcome(machineId);

  expect(result).toMatchObject({ runtimeStatus: "Completed", outcome: "onboarded", machineId });
  expect(result.done).toEqual([
    "Attach web-01 to gateway arc-gw-eastus",
    "Create the default connectivity endpoint of web-01",
    "Create the SSH service configuration of web-01 on port 22",
  ]);
  expect(gatewayLinkOf(machineId)).toBe(gatewayId);
  expect(resourceBody(`${machineId}/providers/Microsoft.HybridConnectivity/endpoints/default`)).toBeDefined();
  expect(sshConfigurationOf(machineId)).toMatchObject({ properties: { serviceName: "SSH", port: 22 } });

  const requests = h.machineRequests(machineId, from);
  expect(requests.length).toBeLessThanOrEqual(5);
  expect(
    requests.map((r) => `${r.method} ${new URL(r.url).pathname.slice(machineId.length) || "/"}`),
  ).toEqual([
    "GET /",
    "GET /providers/Microsoft.HybridCompute/settings/default",
    "PUT /providers/Microsoft.HybridCompute/settings/default",
    "PUT /providers/Microsoft.HybridConnectivity/endpoints/default",
    "PUT /providers/Microsoft.HybridConnectivity/endpoints/default/serviceConfigurations/SSH",
  ]);
  // Nothing else was written for it: no gateway PUT, no registration, no Run Command (agent 1.55).
  expect(writes(h.host.traffic().slice(from))).toHaveLength(3);
  // The custom status ends on the outcome.
  const status = h.host.statuses({ instanceIdPrefix: machineInstanceId(machineId) })[0];
  expect(status?.customStatus).toMatchObject({ step: "onboarded", done: 3, total: 3 });
});

test("story 1, again: a second event for an onboarded machine plans nothing and writes nothing", async () => {
  const machineId = h.machineId("web-01");
  const from = h.host.traffic().length;
  // A new write (a tag change, say) a minute after the first run ended: a fresh run, which finds nothing to do.
  await runFor(h, 60_000);
  h.connect({ name: "web-01", location: "eastus", tags: { team: "web" } });
  await h.host.runUntilIdle();
  const result = await h.outcome(machineId);
  expect(result).toMatchObject({ outcome: "already-onboarded", done: [] });
  expect(writes(h.host.traffic().slice(from))).toEqual([]);
});

test("story 1, repaired: an SSH configuration moved to port 2222 is put back with one PUT and no DELETE", async () => {
  const machineId = h.machineId("web-01");
  const ssh = `${machineId}/providers/Microsoft.HybridConnectivity/endpoints/default/serviceConfigurations/SSH`;
  const moved = await h.host.emulator!.request("PUT", `${ssh}?api-version=2024-12-01`, {
    properties: { serviceName: "SSH", port: 2222 },
  });
  expect(moved.status).toBeLessThan(300);
  await runFor(h, 60_000);
  const from = h.host.traffic().length;

  h.connect({ name: "web-01", location: "eastus", tags: { team: "web", moved: "yes" } });
  await h.host.runUntilIdle();
  const result = await h.outcome(machineId);

  expect(result).toMatchObject({ outcome: "onboarded" });
  expect(sshConfigurationOf(machineId)).toMatchObject({ properties: { serviceName: "SSH", port: 22 } });
  const sshWrites = writes(h.host.traffic().slice(from)).filter(
    (e) => new URL(e.url).pathname.toLowerCase() === ssh.toLowerCase(),
  );
  expect(sshWrites.map((e) => e.method)).toEqual(["PUT"]);
});

test("story 4: agent 1.45 gets the connection.type Run Command and 1.55 does not; neither has its ports rewritten", async () => {
  await h.readyGateway("arc-gw-westus2", "westus2");
  const old = h.connect({
    name: "legacy-01",
    location: "westus2",
    agentVersion: "1.45.02779.1667",
    osType: "windows",
    osName: "Windows Server 2019 Datacenter",
    osVersion: "10.0.17763",
    incomingConnectionsPorts: ["3389"],
  });
  const current = h.connect({ name: "modern-01", location: "westus2", agentVersion: "1.55.02941.1840" });

  const [oldResult, currentResult] = [await h.outcome(old), await h.outcome(current)];

  expect(oldResult).toMatchObject({ outcome: "onboarded" });
  expect(currentResult).toMatchObject({ outcome: "onboarded" });
  expect(runCommandsOf(old)).toEqual(["arc-autopilot-connection-type"]);
  expect(runCommandsOf(current)).toEqual([]);
  // From agent 1.31 on the port lives in the SSH service configuration alone.
  expect(portsOf(old)).toEqual(["3389"]);
  expect(sshConfigurationOf(old)).toMatchObject({ properties: { port: 22 } });
  expect(oldResult.done).toEqual(
    expect.arrayContaining([expect.stringContaining("connection.type gateway (agent 1.45.02779.1667)")]),
  );
});

test("story 4b: agents below 1.31 keep every open port and gain 22; 1.35 gets no port Run Command", async () => {
  const windows = {
    osType: "windows" as const,
    osName: "Windows Server 2019 Datacenter",
    osVersion: "10.0.17763",
    incomingConnectionsPorts: ["3389"],
  };
  const oldest = h.connect({
    name: "ancient-01",
    location: "westus3",
    agentVersion: "1.20.02151.1134",
    ...windows,
  });
  const older = h.connect({
    name: "elder-01",
    location: "westus3",
    agentVersion: "1.35.02478.1194",
    ...windows,
  });

  const [oldestResult, olderResult] = [await h.outcome(oldest), await h.outcome(older)];

  expect(runCommandsOf(oldest)).toEqual(["arc-autopilot-ssh-port"]);
  expect(portsOf(oldest)).toEqual(["3389", "22"]);
  expect(oldestResult.done).toContain("Run Command on ancient-01: incoming ports 3389 → 3389,22");
  expect(runCommandsOf(older)).toEqual([]);
  expect(portsOf(older)).toEqual(["3389"]);
  // Both are below the gateway minimum (1.40): SSH over Arc is set up, the gateway waits for an upgrade.
  for (const [id, result] of [
    [oldest, oldestResult],
    [older, olderResult],
  ] as const) {
    expect(result).toMatchObject({ outcome: "needs-local-action", code: "AgentTooOldForGateway" });
    expect(result.localAction?.commands.join(" ")).toContain("AzureConnectedMachineAgent.msi");
    expect(sshConfigurationOf(id)).toMatchObject({ properties: { port: 22 } });
    expect(gatewayLinkOf(id)).toBeUndefined();
  }
});

describe("story 5: machines that cannot be onboarded end with the reason and no write", () => {
  test.each([
    {
      name: "monitor-01",
      input: { configMode: "monitor" as const },
      expected: { outcome: "needs-local-action", code: "MonitorMode" },
      command: "azcmagent config set config.mode full",
    },
    {
      name: "old-01",
      // Below the SSH minimum too (1.13.21320.014): nothing can be set up before an upgrade.
      input: { agentVersion: "1.12.21000.001" },
      expected: { outcome: "needs-local-action", code: "AgentTooOld" },
      command: undefined,
    },
    {
      name: "optout-01",
      input: { tags: { "arc-autopilot": "opt-out" } },
      expected: { outcome: "skipped", code: "OptedOut" },
      command: undefined,
    },
  ])("$name: $expected.outcome ($expected.code)", async ({ name, input, expected, command }) => {
    const from = h.host.traffic().length;
    const machineId = h.connect({ name, location: "northeurope", ...input });
    const result = await h.outcome(machineId);
    expect(result).toMatchObject({ runtimeStatus: "Completed", ...expected });
    expect(result.reason.length).toBeGreaterThan(20);
    if (command) expect(result.localAction?.commands.join("\n")).toContain(command);
    expect(writes(h.machineRequests(machineId, from))).toEqual([]);
    expect(writes(h.host.traffic().slice(from))).toEqual([]);
  });

  test("a disconnected machine is waited for, then ends pending with the reason; nothing is written", async () => {
    const from = h.host.traffic().length;
    const machineId = h.connect({ name: "offline-01", location: "northeurope" });
    setMachineConnectivity(h.host.emulator!.context(), machineId, "Disconnected");
    const result = await h.outcome(machineId);
    expect(result).toMatchObject({ outcome: "pending", code: "NotConnected" });
    expect(result.reason).toContain("Disconnected");
    // It looked again while it waited (every 5 minutes, up to the configured 15).
    const looks = h.machineRequests(machineId, from).filter((e) => new URL(e.url).pathname === machineId);
    expect(looks.length).toBeGreaterThanOrEqual(3);
    expect(writes(h.host.traffic().slice(from))).toEqual([]);
  });

  test("a machine outside ARC_SCOPES: no onboarding starts, the log says why, nothing is read or written", async () => {
    const from = h.host.traffic().length;
    const outside = "00000000-0000-4000-8000-00000000ffff";
    const machineId = `/subscriptions/${outside}/resourceGroups/rg-other/providers/Microsoft.HybridCompute/machines/stranger-01`;
    const { connectMachine } = await import("../../local/emulator/providers/hybridCompute/machines");
    connectMachine(h.host.emulator!.context(), {
      subscriptionId: outside,
      resourceGroup: "rg-other",
      name: "stranger-01",
      location: "eastus",
      agentVersion: "1.55.02941.1840",
      osType: "linux",
      osName: "Ubuntu",
      osVersion: "22.04",
    });
    await h.host.runUntilIdle();
    expect(h.host.statuses({ instanceIdPrefix: machineInstanceId(machineId) })).toEqual([]);
    expect(h.log.messages().join("\n")).toContain(`Skipped ${machineId}: outside every configured scope`);
    expect(h.host.traffic().slice(from)).toEqual([]);
  });
});

test("story 7: a machine deleted while it waits for its gateway stops, and nothing is recreated", async () => {
  const machineId = h.connect({ name: "ephemeral-01", location: "japaneast" });
  // Run until it waits for the new gateway (created by its singleton, minutes away).
  const instanceId = machineInstanceId(machineId);
  const waiting = () =>
    (h.host.statuses({ instanceIdPrefix: instanceId })[0]?.customStatus as { step?: string } | undefined)
      ?.step === "waitForGateway";
  expect(await h.host.runUntil(waiting)).toBe(true);

  const deleted = await h.host.emulator!.request("DELETE", `${machineId}?api-version=2025-01-13`);
  expect(deleted.status).toBeLessThan(300);
  const from = h.host.traffic().length;
  await h.host.runUntilIdle();

  const status = h.host.statuses({ instanceIdPrefix: instanceId })[0];
  expect(status?.runtimeStatus).toBe("Terminated");
  expect(JSON.stringify(status?.output)).toContain("The machine was deleted");
  // The gateway went on for the region; nothing was written under the deleted machine.
  expect(writes(h.machineRequests(machineId, from))).toEqual([]);
  expect(resourceBody(machineId)).toBeUndefined();
  expect(resourceBody(`${machineId}/providers/Microsoft.HybridCompute/settings/default`)).toBeUndefined();
});

test("outcomes are published to the configured Event Grid topic: onboarded and needs-local-action, never a skip or a wait", () => {
  const events = h.host.emulator!.topicEvents("arc-outcomes").map(
    (received) =>
      received.event as unknown as {
        eventType: string;
        subject: string;
        data: { outcome: string; code?: string };
      },
  );
  const bySubject = (name: string) => events.filter((e) => e.subject === h.machineId(name));
  expect(bySubject("web-01")[0]).toMatchObject({
    eventType: "ArcAutopilot.MachineOnboarded",
    data: { outcome: "onboarded" },
  });
  expect(bySubject("monitor-01")).toEqual([
    expect.objectContaining({
      eventType: "ArcAutopilot.NeedsLocalAction",
      data: expect.objectContaining({ code: "MonitorMode" }) as unknown,
    }),
  ]);
  // Skips, waits and "nothing to do" are not news.
  expect(bySubject("optout-01")).toEqual([]);
  expect(bySubject("offline-01")).toEqual([]);
  expect(events.filter((e) => e.data.outcome === "already-onboarded")).toEqual([]);
});
