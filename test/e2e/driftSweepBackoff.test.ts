// The drift sweep under pressure (issue 12, done-when 4), through the local host: Resource
// Graph's query quota is used up by someone else just as the sweep lists the machines, and ARM
// answers 429 to a share of the per-machine reads. The sweep waits out each refusal (no request
// again before its Retry-After), keeps every attempt, retries included, inside its read budget,
// still counts every seeded drift kind exactly, and completes.
import { localPrincipal } from "../../local/emulator/principal";
import { consumeQuery } from "../../local/emulator/providers/resourceGraph/queryQuota";
import type { TrafficExchange } from "../../local/emulator/trafficLog";
import type { KillPoint } from "../../local/host";
import type { DriftSweepOutput } from "../../shared/drift/report";
import { sweepInstanceId } from "../../shared/drift/schedule";
import { expectedSweepKinds, seedDriftFleet, type SeededState } from "../support/driftSeeding";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000d1241";
const unregisteredSubscriptionId = "00000000-0000-4000-8000-0000000d1242";
let h: Harness;

/** Set by the test: uses up Resource Graph's window the first time the sweep asks for a page. */
let exhaustOnInventoryPage = false;
let exhaustedAt: number | undefined;

function onKillPoint(point: KillPoint): void {
  if (!exhaustOnInventoryPage || point.kind !== "activityStarted") return;
  if (point.name !== "readDriftInventoryPage_v1") return;
  exhaustOnInventoryPage = false;
  // Another tool of the same principal spends what is left of the window.
  const state = h.host.emulator!.state;
  exhaustedAt = h.clock.now();
  while (consumeQuery(state, localPrincipal.objectId, exhaustedAt).allowed);
}

harnessPerFile(
  {
    subscriptionId,
    appSettings: {
      ARC_SCOPES: `/subscriptions/${subscriptionId},/subscriptions/${unregisteredSubscriptionId}`,
    },
    // Nothing reaches the app through Event Grid: only the sweep finds the drift.
    eventSubscription: { subjectBeginsWith: "/subscriptions/no-delivery-in-this-test" },
    onKillPoint,
  },
  (started) => {
    h = started;
  },
);

const pathOf = (e: TrafficExchange) => new URL(e.url).pathname.toLowerCase();
const isResourceGraph = (e: TrafficExchange) => pathOf(e).startsWith("/providers/microsoft.resourcegraph/");
const at = (e: TrafficExchange) => Date.parse(e.time);

test("Resource Graph's quota used up mid-sweep and ARM 429s on the per-machine reads: the sweep backs off and completes with exact counts", async () => {
  // Every kind whose classification needs no record of the app's own (the record-dependent
  // not-attached and pending-now-connected are driftSweep.test.ts's).
  const counts: Partial<Record<SeededState, number>> = {
    inDesiredState: 20,
    neverOnboarded: 3,
    notAttached: 0,
    gatewayDeleted: 3,
    gatewayRetiring: 3,
    endpointMissing: 3,
    sshConfigurationMissing: 3,
    sshWrongPort: 3,
    providerNotRegistered: 3,
    pendingReconnected: 0,
    needsLocalAction: 3,
  };
  const fleet = seedDriftFleet(h.host.emulator!, {
    subscriptionId,
    unregisteredSubscriptionId,
    counts,
  });
  // A quarter of the reads under a machine (its settings, endpoint, SSH configuration, the machine) answer 429.
  h.host.emulator!.configureFaults({
    seed: 12,
    rules: [
      {
        method: "GET",
        pathPattern: "/providers/Microsoft\\.HybridCompute/machines/[^/]+(/providers/.*)?$",
        status429Rate: 0.25,
        retryAfterSeconds: 3,
      },
    ],
  });
  exhaustOnInventoryPage = true;
  const from = h.host.traffic().length;

  const instanceId = h.host.engine.start(
    "driftSweep_v1",
    { dryRun: true, trigger: "timer" },
    sweepInstanceId(h.clock.now()),
  );
  const status = await h.host.waitForInstance(instanceId);
  h.host.emulator!.configureFaults({ rules: [] });

  expect(status.runtimeStatus).toBe("Completed");
  const { report } = status.output as DriftSweepOutput;
  expect(report.failure).toBeUndefined();
  expect(report.machines).toBe(fleet.total);
  const kinds = Object.fromEntries(Object.entries(report.kinds).filter(([, n]) => n > 0));
  expect(kinds).toEqual(expectedSweepKinds(fleet));

  const sent = h.host.traffic().slice(from);
  // Resource Graph refused at least once (the window was spent), and the sweep asked again only
  // once the window had reset: never before the Retry-After it was given.
  expect(exhaustedAt).toBeDefined();
  const graph = sent.filter(isResourceGraph);
  const refusedGraph = graph.filter((e) => e.status === 429);
  expect(refusedGraph.length).toBeGreaterThanOrEqual(1);
  for (const refusal of refusedGraph) {
    const retryAfterMs = Number(refusal.responseHeaders["retry-after"]) * 1000;
    const next = graph[graph.indexOf(refusal) + 1];
    expect(next).toBeDefined();
    expect(at(next!) - at(refusal)).toBeGreaterThanOrEqual(retryAfterMs);
  }
  // ARM refused some per-machine reads; each was asked again, no sooner than its Retry-After.
  const refusedArm = sent.filter((e) => !isResourceGraph(e) && e.status === 429);
  expect(refusedArm.length).toBeGreaterThan(5);
  for (const refusal of refusedArm) {
    const index = sent.indexOf(refusal);
    const retry = sent.slice(index + 1).find((e) => e.url === refusal.url);
    expect(retry).toBeDefined();
    expect(at(retry!) - at(refusal)).toBeGreaterThanOrEqual(3_000);
  }
  // The read budget holds for every read the sweep put on the wire, the ARM client's retries of
  // refused reads included: no second of the emulator's clock holds more GETs than its share, and
  // the report counts each attempt.
  const readsPerSecond = new Map<number, number>();
  for (const e of sent) {
    if (e.method !== "GET") continue;
    const second = Math.floor(at(e) / 1000);
    readsPerSecond.set(second, (readsPerSecond.get(second) ?? 0) + 1);
  }
  expect(report.readBudget).toEqual({ sharePercent: 20, readsPerSecond: 5 });
  expect(Math.max(...readsPerSecond.values())).toBeLessThanOrEqual(report.readBudget.readsPerSecond);
  const reads = [...readsPerSecond.values()].reduce((a, b) => a + b, 0);
  expect(reads).toBe(report.requests.armReads);
  expect(reads).toBeGreaterThan(sent.filter((e) => e.method === "GET" && e.status !== 429).length);
  // A dry run: nothing but reads (Resource Graph queries are POSTs that read).
  expect(sent.filter((e) => e.method !== "GET" && !isResourceGraph(e))).toEqual([]);
});
