// The drift seeding helpers (test/support/driftSeeding.ts) checked against the app itself: the
// onboard runbook's dry run plans every seeded machine with the real planner, through the local
// host, and each kind gets the plan its drift calls for; machines in their desired state plan
// nothing. Seeding sends no Event Grid event and no ARM request.
import type { DriftSweepOutput } from "../../shared/drift/report";
import type { OnboardFleetResult } from "../../shared/onboarding/fleet";
import { machineInstanceId } from "../../shared/onboarding/instanceIds";
import { type RunbookHost, startRunbookHost } from "../runbooks/runbookHost";
import {
  defaultDriftCounts,
  type DriftFleet,
  endpointIdOf,
  reconnectMachines,
  recordOnboardings,
  seedDriftFleet,
  type SeededState,
  sshConfigurationIdOf,
  sweepKindOf,
} from "../support/driftSeeding";

const subscriptionId = "00000000-0000-4000-8000-0000000d1201";
const unregisteredSubscriptionId = "00000000-0000-4000-8000-0000000d1202";
let h: RunbookHost;

beforeAll(async () => {
  h = await startRunbookHost({
    subscriptionId,
    appSettings: {
      ARC_SCOPES: `/subscriptions/${subscriptionId},/subscriptions/${unregisteredSubscriptionId}`,
    },
  });
});
afterAll(() => h.stop());

async function dryRun(scope: string): Promise<OnboardFleetResult> {
  const started = await h.call("machines/onboard", { body: { scope, dryRun: true } });
  expect(started.status).toBe(202);
  const { operation } = started.body as { operation: { id: string } };
  await h.host.waitForInstance(operation.id);
  const status = await h.call(`operations/${operation.id}`);
  return (status.body as { result: OnboardFleetResult }).result;
}

test("200 machines, every drift kind, in one call: exact counts, no event, no ARM request", () => {
  const events = h.host.emulator!.publishedEvents().length;
  const traffic = h.host.traffic().length;
  const fleet = seedDriftFleet(h.host.emulator!, {
    subscriptionId: "00000000-0000-4000-8000-0000000d12f1",
    unregisteredSubscriptionId: "00000000-0000-4000-8000-0000000d12f2",
    prefix: "big",
  });
  expect(fleet.total).toBe(200);
  expect(fleet.counts).toEqual(defaultDriftCounts);
  for (const [kind, ids] of Object.entries(fleet.machines)) {
    expect([kind, ids.length]).toEqual([kind, fleet.counts[kind as SeededState]]);
    expect(new Set(ids).size).toBe(ids.length);
  }
  expect(h.host.emulator!.publishedEvents().length).toBe(events);
  expect(h.host.traffic().length).toBe(traffic);
});

test("the onboard runbook's dry run plans each seeded kind as its drift calls for", async () => {
  const counts = Object.fromEntries(Object.keys(defaultDriftCounts).map((k) => [k, 2])) as Record<
    SeededState,
    number
  >;
  const fleet: DriftFleet = seedDriftFleet(h.host.emulator!, {
    subscriptionId,
    unregisteredSubscriptionId,
    resourceGroup: "rg-seeded",
    counts,
  });
  expect(fleet.total).toBe(22);
  const state = h.host.emulator!.state;
  expect(state.getResource(fleet.gateways.deleted)).toBeUndefined();
  expect(state.getResource(fleet.gateways.retiring)?.body.tags).toHaveProperty(["arc-autopilot-retiring"]);
  expect(state.getResource(endpointIdOf(fleet.machines.endpointMissing[0]!))).toBeUndefined();
  expect(state.getResource(sshConfigurationIdOf(fleet.machines.sshConfigurationMissing[0]!))).toBeUndefined();
  expect(
    state.getResource(sshConfigurationIdOf(fleet.machines.sshWrongPort[0]!))?.body.properties,
  ).toMatchObject({ port: 2222 });

  const main = await dryRun(`/subscriptions/${subscriptionId}/resourceGroups/rg-seeded`);
  const other = await dryRun(`/subscriptions/${unregisteredSubscriptionId}/resourceGroups/rg-seeded`);
  if (!main.dryRun || !other.dryRun) throw new Error("expected dry runs");
  const plans = new Map([...main.machines, ...other.machines].map((m) => [m.machineId.toLowerCase(), m]));
  const planOf = (kind: SeededState) =>
    fleet.machines[kind].map((id) => {
      const plan = plans.get(id.toLowerCase());
      if (!plan) throw new Error(`no plan for ${id}`);
      return { outcome: plan.outcome, code: plan.code, steps: plan.steps.map((s) => s.kind) };
    });
  const both = <T>(value: T) => [value, value];

  expect(planOf("inDesiredState")).toEqual(both({ outcome: "done", code: undefined, steps: [] }));
  const fresh = ["attachGateway", "createDefaultEndpoint", "createSshServiceConfiguration"];
  expect(planOf("neverOnboarded")).toEqual(both({ outcome: "ready", code: undefined, steps: fresh }));
  expect(planOf("pendingReconnected")).toEqual(both({ outcome: "ready", code: undefined, steps: fresh }));
  // Unattached, the planner does not read the endpoint (it would only skip idempotent PUTs).
  expect(planOf("notAttached")).toEqual(both({ outcome: "ready", code: undefined, steps: fresh }));
  expect(planOf("endpointMissing")).toEqual(
    both({
      outcome: "ready",
      code: undefined,
      steps: ["createDefaultEndpoint", "createSshServiceConfiguration"],
    }),
  );
  expect(planOf("sshConfigurationMissing")).toEqual(
    both({ outcome: "ready", code: undefined, steps: ["createSshServiceConfiguration"] }),
  );
  expect(planOf("sshWrongPort")).toEqual(
    both({ outcome: "ready", code: undefined, steps: ["repairSshServiceConfiguration"] }),
  );
  expect(planOf("needsLocalAction")).toEqual(
    both({ outcome: "needs-local-action", code: "MonitorMode", steps: [] }),
  );
  for (const plan of planOf("providerNotRegistered")) {
    expect(plan.steps.slice(0, 2)).toEqual(["registerProvider", "waitForProvider"]);
  }
  // A machine linked to a gateway that is gone is re-pointed to a live one; a retiring gateway's
  // machines stay linked here (the onboard runbook does not ask whether a retirement runs; the
  // drift sweep does, and has them moved when none does).
  expect(planOf("gatewayDeleted")).toEqual(
    both({ outcome: "ready", code: undefined, steps: ["attachGateway"] }),
  );
  expect(planOf("gatewayRetiring")).toEqual(both({ outcome: "done", code: undefined, steps: [] }));
});

test("recordOnboardings: a Disconnected machine's onboarding ends pending; reconnected, the sweep finds it pending-now-connected", async () => {
  const counts = Object.fromEntries(Object.keys(defaultDriftCounts).map((k) => [k, 0])) as Record<
    SeededState,
    number
  >;
  counts.pendingReconnected = 2;
  const fleet = seedDriftFleet(h.host.emulator!, {
    subscriptionId,
    unregisteredSubscriptionId,
    resourceGroup: "rg-pending",
    prefix: "pending",
    counts,
    reconnectPending: false,
  });
  await recordOnboardings(h.host, fleet.machines.pendingReconnected);
  for (const id of fleet.machines.pendingReconnected) {
    const status = h.host.engine.getStatus(machineInstanceId(id));
    expect((status?.output as { outcome?: string } | undefined)?.outcome).toBe("pending");
  }
  reconnectMachines(h.host.emulator!, fleet.machines.pendingReconnected);

  const instanceId = h.host.engine.start(
    "driftSweep_v1",
    { dryRun: true, trigger: "runbook" },
    `drift-manual-${"e".repeat(32)}`,
  );
  const status = await h.host.waitForInstance(instanceId);
  const { report } = status.output as DriftSweepOutput;
  const pending = report.findings.filter((f) => fleet.machines.pendingReconnected.includes(f.machineId));
  expect(pending.map((f) => f.kind)).toEqual(
    fleet.machines.pendingReconnected.map(() => sweepKindOf("pendingReconnected", { pendingRecorded: true })),
  );
});
