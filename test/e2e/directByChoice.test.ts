// An operator's "take this machine off its gateway" sticks, end to end through the local host and
// the emulator: a retirement to direct and the detach runbook tag each machine
// `arc-autopilot-connection: direct` (a PATCH of its tags, whose write event starts an onboarding
// that leaves it direct); later write events, drift sweeps and the onboard runbook keep it direct
// and never re-create the retired gateway; removing the tag (its own write event onboards it)
// puts it behind a gateway again.
import { agentConnectionType } from "../../local/emulator/providers/hybridCompute/machineRecords";
import type { DriftSweepOutput } from "../../shared/drift/report";
import type { DetachResult } from "../../shared/gateways/detachPlan";
import type { GatewayRetirementResult } from "../../shared/gateways/retirement";
import { detachInstanceId, gatewayInstanceKey } from "../../shared/onboarding/instanceIds";
import { defaultResourceGroup, type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000d1301";
const tag = "arc-autopilot-connection";
const hybridCompute = "?api-version=2025-01-13";
let h: Harness;

harnessPerFile({ subscriptionId }, (started) => {
  h = started;
  started.registerHybridConnectivity();
});

const path = (url: string) => new URL(url).pathname.toLowerCase();

function tags(machineId: string): Record<string, string> {
  return (h.host.emulator!.state.getResource(machineId)?.body.tags ?? {}) as Record<string, string>;
}

/** An operator's PATCH of the machine's tags (the portal's, say): ARM publishes its write event. */
async function setTags(machineId: string, next: Record<string, string>): Promise<void> {
  const answer = await h.host.emulator!.request("PATCH", machineId + hybridCompute, { tags: next });
  expect(answer.status).toBe(200);
}

async function callRoute(route: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(h.host.apiUrl(route), {
    method: "POST",
    headers: { "x-functions-key": h.host.keys.host.default!, "content-type": "application/json" },
    body: JSON.stringify(body ?? {}),
  });
  return { status: response.status, body: await response.json() };
}

/** A drift sweep, then the host run until idle: whatever it started has ended. */
async function sweep(): Promise<DriftSweepOutput> {
  const output = await h.driftSweep();
  await h.host.runUntilIdle();
  return output;
}

/** The kind the sweep's memory holds for the machine. */
function kindOf(output: DriftSweepOutput, machineId: string): string | undefined {
  return output.memory.machines.find((m) => m.machineId.toLowerCase() === machineId.toLowerCase())?.kind;
}

/** Writes that would put a machine back behind a gateway: a link PUT or a gateway PUT. */
const gatewayWrites = (from: number) =>
  h.host
    .traffic()
    .slice(from)
    .filter(
      (e) =>
        e.method === "PUT" &&
        (path(e.url).endsWith("/settings/default") ||
          path(e.url).includes("/microsoft.hybridcompute/gateways/")),
    );

test("retired to direct: the write events, two drift sweeps and the onboard runbook keep both machines direct, and arc-gw-westeurope is not re-created", async () => {
  const gatewayId = await h.readyGateway("arc-gw-westeurope", "westeurope");
  const ids = [
    h.connect({
      name: "weu-145",
      location: "westeurope",
      agentVersion: "1.45.02779.1667",
      tags: { team: "web" },
    }),
    h.connect({ name: "weu-155", location: "westeurope", agentVersion: "1.55.02941.1840" }),
  ];
  for (const id of ids) expect((await h.outcome(id)).outcome).toBe("onboarded");
  for (const id of ids) expect(h.gatewayLink(id)).toBe(gatewayId);
  await h.host.runFor(60_000);
  const from = h.host.traffic().length;

  const retirement = h.host.engine.start("retireGateway_v1", { gatewayId }, gatewayInstanceKey(gatewayId));
  const retired = (await h.host.waitForInstance(retirement)).output as GatewayRetirementResult;
  await h.host.runUntilIdle();

  expect(retired).toMatchObject({ outcome: "retired", deleted: true });
  for (const machine of retired.machines) {
    expect(machine.outcome).toBe("detached");
    expect(machine.done[0]).toBe(`Tagged ${tag}: direct`);
  }
  // The tag went out first, as a PATCH of the whole set: the machine's other tags kept.
  const patches = h.host
    .traffic()
    .slice(from)
    .filter((e) => e.method === "PATCH" && ids.some((id) => path(e.url) === id.toLowerCase()));
  expect(patches.map((e) => e.requestBody)).toEqual(
    expect.arrayContaining([{ tags: { team: "web", [tag]: "direct" } }, { tags: { [tag]: "direct" } }]),
  );
  // Each tag write's event came while its detach ran: no onboarding was started beside it.
  const deferred = h.log.entries.filter((e) =>
    e.message.includes("onboarding not started, its detach is running"),
  );
  expect(deferred.length).toBeGreaterThanOrEqual(2);
  for (const id of ids) expect((await h.outcome(id)).outcome).toBe("onboarded");

  // A later write event (an operator adds a tag) starts an onboarding: it reads the choice and
  // leaves the machine direct. Then two sweeps: nothing puts them back.
  await h.host.runFor(60_000);
  await setTags(ids[1]!, { [tag]: "direct", env: "prod" });
  await h.host.runUntilIdle();
  const later = await h.outcome(ids[1]!);
  expect(later.outcome).toBe("already-onboarded");
  expect(later.reason).toMatch(/with no gateway\. Connects directly to Azure by an operator's choice/);
  expect(later.reason).toMatch(/remove the tag, then onboard it/);
  const first = await sweep();
  const second = await sweep();

  expect(first.report.kinds).toEqual({ "direct-by-choice": 2 });
  expect(first.report.outcomes).toEqual({ compliant: 2 });
  expect(first.report.findings).toEqual([]);
  expect(first.report.compliance).toEqual([
    { scope: `/subscriptions/${subscriptionId}`, machines: 2, inDesiredState: 2, percent: 100 },
  ]);
  expect(second.report.kinds).toEqual({ "direct-by-choice": 2 });
  expect(second.report.outcomes).toEqual({ compliant: 2 });

  // The onboard runbook does not remove the choice either.
  const onboard = await callRoute("machines/onboard", { machineIds: ids });
  expect(onboard.status).toBe(202);
  await h.host.runUntilIdle();
  for (const id of ids) expect(await h.outcome(id)).toMatchObject({ outcome: "already-onboarded" });

  for (const id of ids) {
    expect(h.gatewayLink(id)).toBeUndefined();
    expect(agentConnectionType(h.host.emulator!.context(), id)).toBe("direct");
  }
  expect(h.host.emulator!.state.getResource(gatewayId)).toBeUndefined();
  // Since the retirement began: no link naming a gateway, no gateway PUT (only the link clears).
  expect(
    gatewayWrites(from).filter(
      (e) =>
        path(e.url).includes("/microsoft.hybridcompute/gateways/") ||
        JSON.stringify(e.requestBody).includes("/gateways/"),
    ),
  ).toEqual([]);
});

test("detach runbook: the machine stays direct through a drift sweep; removing the tag puts it behind its gateway again", async () => {
  const gatewayId = await h.readyGateway("arc-gw-northeurope", "northeurope");
  const machineId = h.connect({ name: "neu-01", location: "northeurope", agentVersion: "1.55.02941.1840" });
  expect((await h.outcome(machineId)).outcome).toBe("onboarded");
  await h.host.runFor(60_000);

  const detach = await callRoute(`machines/${subscriptionId}/${defaultResourceGroup}/neu-01/detach`);
  expect(detach.status).toBe(202);
  const result = (await h.host.waitForInstance(detachInstanceId(machineId))).output as DetachResult;
  await h.host.runUntilIdle();

  expect(result).toMatchObject({ outcome: "detached" });
  expect(result.reason).toMatch(
    /kept direct by its tag arc-autopilot-connection: direct \(remove the tag, then onboard it/,
  );
  expect(tags(machineId)).toEqual({ [tag]: "direct" });
  const from = h.host.traffic().length;
  const swept = await sweep();
  expect(kindOf(swept, machineId)).toBe("direct-by-choice");
  expect(swept.report.kinds).toEqual({ "direct-by-choice": 3 });
  expect(swept.report.findings.filter((f) => f.machineId === machineId)).toEqual([]);
  expect(gatewayWrites(from)).toEqual([]);
  expect(h.gatewayLink(machineId)).toBeUndefined();

  // Detaching again only says so: it is already off and tagged; nothing is written.
  h.host.engine.purge(detachInstanceId(machineId));
  const again = await callRoute(`machines/${subscriptionId}/${defaultResourceGroup}/neu-01/detach`);
  expect(again.status).toBe(202);
  expect((await h.host.waitForInstance(detachInstanceId(machineId))).output).toMatchObject({
    outcome: "not-attached",
    code: "NotAttached",
  });

  // The operator changes their mind: the tag removed, its write event onboards it onto the gateway.
  await h.host.runFor(60_000);
  await setTags(machineId, {});
  await h.host.runUntilIdle();
  expect(await h.outcome(machineId)).toMatchObject({ outcome: "onboarded" });
  expect(h.gatewayLink(machineId)).toBe(gatewayId);
  const back = await sweep();
  expect(kindOf(back, machineId)).toBe("in-desired-state");
  expect(back.report.kinds).toEqual({ "direct-by-choice": 2, "in-desired-state": 1 });
});

test("a detach asked of a machine not attached records the choice: a later sweep does not attach it", async () => {
  const machineId = h.connect({
    name: "plain-01",
    location: "swedencentral",
    agentVersion: "1.55.02941.1840",
  });
  // Its link removed by hand (no tag): a sweep would call that drift and attach it again. The
  // operator then asks for the detach: that records the choice, which the sweep keeps.
  expect((await h.outcome(machineId)).outcome).toBe("onboarded");
  await h.host.emulator!.request(
    "PUT",
    `${machineId}/providers/Microsoft.HybridCompute/settings/default${hybridCompute}`,
    { properties: { gatewayProperties: { gatewayResourceId: null } } },
  );
  await h.host.runFor(60_000);
  h.host.engine.purge(detachInstanceId(machineId));
  const detach = await callRoute(`machines/${subscriptionId}/${defaultResourceGroup}/plain-01/detach`);
  expect(detach.status).toBe(202);
  const result = (await h.host.waitForInstance(detachInstanceId(machineId))).output as DetachResult;
  await h.host.runUntilIdle();

  expect(result).toMatchObject({ outcome: "not-attached", done: [`Tagged ${tag}: direct`] });
  const from = h.host.traffic().length;
  const swept = await sweep();
  expect(kindOf(swept, machineId)).toBe("direct-by-choice");
  expect(swept.report.findings.filter((f) => f.machineId === machineId)).toEqual([]);
  expect(gatewayWrites(from)).toEqual([]);
  expect(h.gatewayLink(machineId)).toBeUndefined();
});
