// Issue 12's fleet story: 200 machines with every drift kind, seeded behind the app's back
// (test/support/driftSeeding.ts: no event, no ARM request). The dry run counts each kind exactly
// and writes nothing; the sweep repairs every fixable machine — among them a retiring gateway's,
// since no retirement runs for it (it was tagged behind the app's back), moved to a live gateway;
// the next sweep finds only what is not the app's to fix (those needing a command on the
// machine) and writes nothing.
import { reconnectMachines, seedDriftFleet } from "../support/driftSeeding";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000d1205";
const unregisteredSubscriptionId = "00000000-0000-4000-8000-0000000d1206";
let h: Harness;

harnessPerFile(
  {
    subscriptionId,
    appSettings: {
      ARC_SCOPES: `/subscriptions/${subscriptionId},/subscriptions/${unregisteredSubscriptionId}`,
    },
    eventSubscription: { subjectBeginsWith: "/subscriptions/no-delivery-in-this-test" },
  },
  (started) => {
    h = started;
  },
);

test("200 machines: exact counts in a dry run, every fixable one repaired, then no drift and no write", async () => {
  const fleet = seedDriftFleet(h.host.emulator!, {
    subscriptionId,
    unregisteredSubscriptionId,
    reconnectPending: false,
  });
  expect(fleet.total).toBe(200);
  const c = fleet.counts;

  let from = h.host.traffic().length;
  const dry = await h.driftSweep({ dryRun: true });
  expect(dry.report.machines).toBe(200);
  expect(dry.report.kinds).toEqual({
    "in-desired-state": c.inDesiredState,
    "never-onboarded": c.neverOnboarded,
    "not-attached": c.notAttached,
    stranded: c.gatewayDeleted + c.gatewayRetiring,
    "endpoint-missing": c.endpointMissing,
    "ssh-configuration": c.sshConfigurationMissing + c.sshWrongPort,
    "provider-not-registered": c.providerNotRegistered,
    "not-connected": c.pendingReconnected,
    "needs-local-action": c.needsLocalAction,
  });
  const fixable =
    c.neverOnboarded +
    c.notAttached +
    c.gatewayDeleted +
    c.gatewayRetiring +
    c.endpointMissing +
    c.sshConfigurationMissing +
    c.sshWrongPort +
    c.providerNotRegistered;
  expect(dry.report.outcomes).toEqual({
    compliant: c.inDesiredState,
    "would-repair": fixable,
    reported: c.pendingReconnected + c.needsLocalAction,
  });
  expect(h.writesSince(from, { exceptResourceGraph: true })).toEqual([]);

  // The disconnected machines come back; the sweep repairs every fixable machine.
  reconnectMachines(h.host.emulator!, fleet.machines.pendingReconnected);
  const repair = await h.driftSweep();
  expect(repair.report.kinds).toMatchObject({ "pending-now-connected": c.pendingReconnected });
  expect(repair.report.outcomes).toEqual({
    compliant: c.inDesiredState,
    "repair-started": fixable + c.pendingReconnected,
    reported: c.needsLocalAction,
  });
  expect(repair.report.repairs).toEqual({ onboarded: fixable + c.pendingReconnected });
  // The retiring gateway's machines are off it, on a live gateway.
  for (const id of fleet.machines.gatewayRetiring) {
    const link = h.gatewayLink(id);
    expect(link).toBeDefined();
    expect(link!.toLowerCase()).not.toBe(fleet.gateways.retiring.toLowerCase());
    expect(h.host.emulator!.state.getResource(link!)?.body.tags ?? {}).not.toHaveProperty([
      "arc-autopilot-retiring",
    ]);
  }

  from = h.host.traffic().length;
  const last = await h.driftSweep();
  expect(last.report.kinds).toEqual({
    "in-desired-state": 200 - c.needsLocalAction,
    "needs-local-action": c.needsLocalAction,
  });
  expect(last.report.outcomes).toEqual({
    compliant: 200 - c.needsLocalAction,
    reported: c.needsLocalAction,
  });
  expect(h.writesSince(from, { exceptResourceGraph: true })).toEqual([]);
});
