// Issue 11: a retirement cancelled (terminated) after its machines were moved but before its
// DELETE went out sends no DELETE. Durable Functions runs an activity already handed to a worker
// even when its orchestration is terminated meanwhile (the terminate only stops the orchestrator),
// so the deletion itself checks that its retirement still runs before it sends anything. The
// machine moved before the cancel stays moved and connected; the gateway stays, tagged retiring.
// And with `moveTo`: a target that starts retiring while the retirement runs takes no more machines.
import type { KillPoint } from "../../local/host";
import { gatewayInstanceKey } from "../../shared/onboarding/instanceIds";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000b11c1";
let h: Harness;
/** Called at each of the Durable engine's kill points while set. */
let onPoint: ((point: KillPoint) => void) | undefined;

harnessPerFile({ subscriptionId, onKillPoint: (point) => onPoint?.(point) }, (started) => {
  h = started;
  started.registerHybridConnectivity();
});
afterEach(() => {
  onPoint = undefined;
});

const path = (url: string) => new URL(url).pathname.toLowerCase();

test("cancelled between the moves and the DELETE: the deletion already handed to a worker sends no DELETE", async () => {
  const gatewayId = await h.readyGateway("arc-gw-eastus2", "eastus2");
  const machineId = h.connect({ name: "cancel-1", location: "eastus2" });
  expect((await h.outcome(machineId)).outcome).toBe("onboarded");
  expect(h.gatewayLink(machineId)).toBe(gatewayId);
  await h.host.runUntilIdle();

  const retirement = gatewayInstanceKey(gatewayId);
  let cancelledAt: string | undefined;
  onPoint = (point) => {
    // The operator's cancel lands while the deletion waits for (or has just reached) a worker.
    if (point.kind === "activityStarted" && point.name === "beginGatewayDeletion_v1" && !cancelledAt) {
      cancelledAt = point.instanceId;
      h.host.engine.terminate(point.instanceId, "Cancelled by an operator");
    }
  };
  const from = h.host.traffic().length;
  h.host.engine.start("retireGateway_v1", { gatewayId }, retirement);
  const status = await h.host.waitForInstance(retirement);
  await h.host.runUntilIdle();

  expect(cancelledAt).toBe(retirement);
  expect(status.runtimeStatus).toBe("Terminated");
  const deletes = h.host
    .traffic()
    .slice(from)
    .filter((e) => e.method === "DELETE" && path(e.url) === gatewayId.toLowerCase());
  expect(deletes).toEqual([]);
  // What was done stays done: the machine is off the gateway and connected; the gateway is there.
  expect(h.gatewayLink(machineId)).toBeUndefined();
  expect((h.host.emulator!.state.getResource(machineId)?.body.properties as { status?: string }).status).toBe(
    "Connected",
  );
  expect(h.host.emulator!.state.getResource(gatewayId)).toBeDefined();
});

test("not cancelled: the same retirement deletes the gateway (the check lets a running one through)", async () => {
  const gatewayId = await h.readyGateway("arc-gw-centralus", "centralus");
  const retirement = gatewayInstanceKey(gatewayId);
  const from = h.host.traffic().length;
  h.host.engine.start("retireGateway_v1", { gatewayId }, retirement);
  const status = await h.host.waitForInstance(retirement);
  expect(status.runtimeStatus).toBe("Completed");
  expect(status.output).toMatchObject({ outcome: "retired", deleted: true });
  expect(
    h.host
      .traffic()
      .slice(from)
      .filter((e) => e.method === "DELETE" && path(e.url) === gatewayId.toLowerCase()),
  ).toHaveLength(1);
});

test("moveTo: a target gateway that starts retiring after the first check takes no machine, and nothing is deleted", async () => {
  const oldId = await h.readyGateway("arc-gw-norwayeast", "norwayeast");
  const spareId = await h.readyGateway("arc-gw-norway-spare", "norwayeast");
  const machineId = h.connect({ name: "target-1", location: "norwayeast" });
  expect((await h.outcome(machineId)).outcome).toBe("onboarded");
  expect(h.gatewayLink(machineId)).toBe(oldId);
  await h.host.runUntilIdle();

  // An operator retires the spare too, once this retirement has checked it and is tagging its own.
  const state = h.host.emulator!.state;
  onPoint = (point) => {
    if (point.kind === "activityStarted" && point.name === "markGatewayRetiring_v1") {
      const spare = state.getResource(spareId)!;
      const tags = {
        ...(spare.body.tags as Record<string, string> | undefined),
        "arc-autopilot-retiring": "x",
      };
      state.putResource(spareId, spare.type, { ...spare.body, tags }, h.clock.now());
      onPoint = undefined;
    }
  };
  const from = h.host.traffic().length;
  const retirement = h.host.engine.start(
    "retireGateway_v1",
    { gatewayId: oldId, moveTo: spareId },
    gatewayInstanceKey(oldId),
  );
  const status = await h.host.waitForInstance(retirement);
  expect(status.runtimeStatus).toBe("Completed");
  expect(status.output).toMatchObject({
    outcome: "blocked",
    deleted: false,
    machines: [{ machineId, outcome: "failed", code: "MoveTargetUnavailable" }],
  });
  const writes = h.writesSince(from, { exceptResourceGraph: true });
  // Only the retiring tag of the old gateway was written: no link to the spare, no DELETE.
  expect(writes.map((e) => `${e.method} ${path(e.url)}`)).toEqual([`PATCH ${oldId.toLowerCase()}`]);
  expect(h.gatewayLink(machineId)).toBe(oldId);
});
