// Issue 9, detach: for every agent version the operator's choice is tagged on the machine first
// (`arc-autopilot-connection: direct`), then the agent is switched to `connection.type direct` by
// Run Command, then the cloud link is cleared with `gatewayResourceId: null`, as the real
// clients send it. A machine whose agent cannot be reached is reported with the local command and
// keeps its link (and gets no tag): never half-detached.
import { agentConnectionType } from "../../local/emulator/providers/hybridCompute/machineRecords";
import type { DetachResult } from "../../shared/gateways/detachPlan";
import { detachInstanceId } from "../../shared/onboarding/instanceIds";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000a0951";
let h: Harness;

harnessPerFile({ subscriptionId }, (started) => {
  h = started;
  started.registerHybridConnectivity();
});

const path = (url: string) => new URL(url).pathname.toLowerCase();

async function detach(machineId: string): Promise<DetachResult> {
  const instanceId = h.host.engine.start(
    "detachMachine_v1",
    { machineId, trigger: "test" },
    detachInstanceId(machineId),
  );
  const status = await h.host.waitForInstance(instanceId);
  expect(status.runtimeStatus).toBe("Completed");
  return status.output as DetachResult;
}

test.each([
  ["1.45.02779.1667", "agent-145"],
  ["1.55.02941.1840", "agent-155"],
])(
  "agent %s: connection.type direct by Run Command, then the link PUT with gatewayResourceId null",
  async (agentVersion, name) => {
    const gatewayId = await h.readyGateway("arc-gw-centralus", "centralus");
    const machineId = h.connect({ name, location: "centralus", agentVersion });
    expect((await h.outcome(machineId)).outcome).toBe("onboarded");
    expect(h.gatewayLink(machineId)).toBe(gatewayId);
    expect(agentConnectionType(h.host.emulator!.context(), machineId)).toBe("gateway");
    // The operator detaches it a while later (an event of the same instant would be covered by the last run).
    await h.host.runFor(60_000);
    const from = h.host.traffic().length;

    const result = await detach(machineId);

    expect(result).toMatchObject({ outcome: "detached", machineId });
    expect(result.done).toEqual([
      "Tagged arc-autopilot-connection: direct",
      "Run Command: azcmagent config set connection.type direct",
      "Cleared the link to gateway arc-gw-centralus",
    ]);
    const writes = h.writesSince(from).filter((e) => path(e.url).startsWith(machineId.toLowerCase()));
    expect(writes.map((e) => `${e.method} ${path(e.url).slice(machineId.length)}`)).toEqual([
      "PATCH ",
      "PUT /runcommands/arc-autopilot-connection-type",
      "PUT /providers/microsoft.hybridcompute/settings/default",
    ]);
    expect(writes[0]!.requestBody).toEqual({ tags: { "arc-autopilot-connection": "direct" } });
    expect(JSON.stringify(writes[1]!.requestBody)).toContain("connection.type direct");
    expect(writes[2]!.requestBody).toEqual({
      properties: { gatewayProperties: { gatewayResourceId: null } },
    });
    // Planning read the machine and its settings only, then the machine again to merge its tags.
    const reads = h.host
      .traffic()
      .slice(from)
      .filter((e) => e.method === "GET" && !path(e.url).includes("/runcommands/"));
    expect(reads.slice(0, 3).map((e) => path(e.url).slice(machineId.length))).toEqual([
      "",
      "/providers/microsoft.hybridcompute/settings/default",
      "",
    ]);
    // The tag write's own event came while the detach ran: no onboarding was started beside it.
    await h.host.runUntilIdle();
    expect(
      h.log.entries.some((e) => e.message.includes("onboarding not started, its detach is running")),
    ).toBe(true);
    expect((await h.outcome(machineId)).reason).toBe("Attached to its gateway and reachable over SSH");
    expect(h.gatewayLink(machineId)).toBeUndefined();
    expect(agentConnectionType(h.host.emulator!.context(), machineId)).toBe("direct");

    // Again: nothing left to detach, nothing written.
    const again = h.host.traffic().length;
    h.host.engine.purge(detachInstanceId(machineId));
    expect(await detach(machineId)).toMatchObject({ outcome: "not-attached", code: "NotAttached" });
    expect(h.writesSince(again)).toEqual([]);
  },
);

test("a monitor-mode machine is reported with the local command, and its link is left alone", async () => {
  const gatewayId = await h.readyGateway("arc-gw-centralus", "centralus");
  const machineId = h.connect({
    name: "watched-01",
    location: "centralus",
    configMode: "monitor",
    gatewayResourceId: gatewayId,
  });
  await h.host.runUntilIdle();
  const from = h.host.traffic().length;

  const result = await detach(machineId);

  expect(result).toMatchObject({ outcome: "needs-local-action", code: "MonitorMode" });
  expect(result.reason).toMatch(
    /cannot be detached from arc-gw-centralus remotely.*its gateway link is left alone/,
  );
  expect(result.localAction).toMatchObject({
    osType: "linux",
    commands: ["sudo azcmagent config set connection.type direct"],
  });
  expect(result.done).toEqual([]);
  expect(h.writesSince(from)).toEqual([]);
  expect(h.gatewayLink(machineId)).toBe(gatewayId);
  expect(agentConnectionType(h.host.emulator!.context(), machineId)).toBe("gateway");
});
