// The drift sweep over 10,000 machines in their desired state (issue 12, done-when 3), on the
// local host with the app's own compiled functions, ARM throttling on, virtual time: the naive
// sweep (bench/naiveDriftSweep.ts: three ARM reads per machine) beside the app's sweep, in the
// same run. Each row gives the Resource Graph queries, the ARM reads, the virtual duration and the
// most ARM reads any subscription saw in one second of the emulator's clock, read from the
// emulator's own traffic. Wall time is real time on this machine.
import { performance } from "node:perf_hooks";

import { VirtualClock } from "../local/clock";
import type { TrafficExchange } from "../local/emulator/trafficLog";
import type { LocalHost } from "../local/host";
import { createArmContext } from "../shared/azure/armContext";
import type { DriftSweepOutput } from "../shared/drift/report";
import { sweepInstanceId } from "../shared/drift/schedule";
import { seedCompliantFleet } from "../test/support/driftSeeding";
import { startAppHost } from "./appHost";
import type { BenchResult } from "./hostFanOut";
import { naiveDriftSweep } from "./naiveDriftSweep";

const driftBenchSubscriptionId = "00000000-0000-4000-8000-0000000be012";
const fleetSize = 10_000;

interface TrafficCost {
  readonly armReads: number;
  readonly armWrites: number;
  readonly resourceGraphQueries: number;
  readonly throttled: number;
  /** ARM reads per subscription and second of the emulator's clock, one count for each such second. */
  readonly readsPerSecond: readonly number[];
  /** The most ARM reads one subscription got in one second of the emulator's clock. */
  readonly maxReadsPerSecond: number;
}

const isResourceGraph = (url: string) =>
  new URL(url).pathname.toLowerCase().startsWith("/providers/microsoft.resourcegraph/");

/** What a slice of the emulator's traffic cost, per ARM's buckets (Resource Graph apart). */
function trafficCost(exchanges: readonly TrafficExchange[]): TrafficCost {
  let armReads = 0;
  let armWrites = 0;
  let resourceGraphQueries = 0;
  let throttled = 0;
  for (const exchange of exchanges) {
    if (exchange.status === 429) throttled++;
    if (isResourceGraph(exchange.url)) resourceGraphQueries++;
    else if (exchange.method === "GET") armReads++;
    else armWrites++;
  }
  const perSecond = [...readsPerSecond(exchanges).values()];
  return {
    armReads,
    armWrites,
    resourceGraphQueries,
    throttled,
    readsPerSecond: perSecond,
    maxReadsPerSecond: Math.max(0, ...perSecond),
  };
}

/** ARM reads (Resource Graph apart) per subscription and second of the emulator's clock. */
function readsPerSecond(exchanges: readonly TrafficExchange[]): Map<string, number> {
  const perSecond = new Map<string, number>();
  for (const exchange of exchanges) {
    if (exchange.method !== "GET" || isResourceGraph(exchange.url)) continue;
    const subscription = /^\/subscriptions\/([^/]+)/i.exec(new URL(exchange.url).pathname)?.[1] ?? "tenant";
    const key = `${subscription.toLowerCase()} ${Math.floor(Date.parse(exchange.time) / 1000)}`;
    perSecond.set(key, (perSecond.get(key) ?? 0) + 1);
  }
  return perSecond;
}

function describeCost(cost: TrafficCost, virtualMs: number): string {
  return (
    `${cost.resourceGraphQueries} Resource Graph queries, ${cost.armReads.toLocaleString("en-US")} ARM reads, ` +
    `${cost.armWrites} writes, ${cost.throttled} answered 429; ${(virtualMs / 60_000).toFixed(1)} virtual minutes; ` +
    `at most ${cost.maxReadsPerSecond} ARM reads in one second of the subscription`
  );
}

async function naiveRow(host: LocalHost, clock: VirtualClock): Promise<BenchResult> {
  const emulator = host.emulator!;
  const arm = createArmContext({
    endpoint: emulator.url,
    trustedCaPem: emulator.caPem,
    credential: emulator.credential,
    sleep: (ms) => clock.sleep(ms),
    now: () => clock.now(),
  });
  const from = host.traffic().length;
  const result = await naiveDriftSweep({
    arm,
    clock,
    advance: (ms) => host.runFor(ms),
    subscriptionId: driftBenchSubscriptionId,
  });
  if (result.machines !== fleetSize || result.drifted !== 0) {
    throw new Error(`naive sweep saw ${result.machines} machines, ${result.drifted} drifted`);
  }
  const cost = trafficCost(host.traffic().slice(from));
  return {
    name: `drift sweep, naive (3 ARM reads per machine at the whole read budget), ${fleetSize.toLocaleString("en-US")} machines, nothing drifted`,
    value: `${(result.wallMs / 1000).toFixed(1)} s`,
    detail: `wall time; ${describeCost(cost, result.virtualMs)}`,
  };
}

/** Runs the app's driftSweep_v1 as the timer would start it, and measures it from the traffic. */
async function sweepRow(host: LocalHost, clock: VirtualClock, label: string): Promise<BenchResult> {
  const from = host.traffic().length;
  const started = performance.now();
  const virtualStart = clock.now();
  const instanceId = host.engine.start(
    "driftSweep_v1",
    { dryRun: false, trigger: "timer" },
    sweepInstanceId(clock.now()),
  );
  const status = await host.waitForInstance(instanceId);
  const wallMs = performance.now() - started;
  const virtualMs = clock.now() - virtualStart;
  if (status.runtimeStatus !== "Completed")
    throw new Error(`${label}: the sweep ended ${status.runtimeStatus}`);
  const { report } = status.output as DriftSweepOutput;
  const drifted = report.machines - (report.kinds["in-desired-state"] ?? 0);
  if (report.machines !== fleetSize || drifted !== 0) {
    throw new Error(
      `${label}: the sweep saw ${report.machines} machines, ${drifted} not in their desired state`,
    );
  }
  const cost = trafficCost(host.traffic().slice(from));
  const budget = report.readBudget.readsPerSecond;
  // Seconds in which the subscription got more than the budget's reads: said in the row rather
  // than thrown, so the bench still records what the sweep cost.
  const overBudget = cost.readsPerSecond.filter((n) => n > budget).length;
  const readInFull = Object.entries(report.readInFull)
    .map(([why, n]) => `${why} ${n.toLocaleString("en-US")}`)
    .join(", ");
  return {
    name: `drift sweep, the app's driftSweep_v1, ${fleetSize.toLocaleString("en-US")} machines, nothing drifted: ${label}`,
    value: `${(wallMs / 1000).toFixed(1)} s`,
    detail:
      `wall time; ${describeCost(cost, virtualMs)} (budget ${budget}/s: ${report.readBudget.sharePercent}% of 25/s` +
      (overBudget === 0 ? ", never exceeded); " : `, EXCEEDED in ${overBudget} second(s)); `) +
      `read in full: ${readInFull || "none"}, ${report.carried.toLocaleString("en-US")} carried; ` +
      `the report counted ${report.requests.armReads.toLocaleString("en-US")} ARM reads and ${report.requests.resourceGraphQueries} queries`,
  };
}

export async function driftSweepBenchmarks(): Promise<BenchResult[]> {
  const clock = new VirtualClock(Date.UTC(2026, 11, 6, 8));
  const host = await startAppHost(
    clock,
    ["machineEvents", "durableFunctions", "runbooks"],
    [driftBenchSubscriptionId],
  );
  try {
    const emulator = host.emulator!;
    const seeded = performance.now();
    seedCompliantFleet(emulator, { subscriptionId: driftBenchSubscriptionId, count: fleetSize });
    const seedMs = performance.now() - seeded;
    const rows: BenchResult[] = [
      {
        name: `drift sweep fleet: ${fleetSize.toLocaleString("en-US")} onboarded machines seeded in process`,
        value: `${Math.round(seedMs)} ms`,
        detail: "machine, gateway link, endpoint and SSH configuration each; 5 gateways; no event",
      },
    ];
    rows.push(await naiveRow(host, clock));
    // The app's sweeps, as the timer starts them: the first (every machine new to it), then the
    // next period's, 6 hours later, with nothing changed in between (the rotation share only).
    // The timer's periods start 6 hours apart, however long a sweep took.
    await host.runFor(60_000);
    const firstStart = clock.now();
    rows.push(await sweepRow(host, clock, "first sweep: every machine new, read in full"));
    await host.runFor(firstStart + 6 * 3_600_000 - clock.now());
    rows.push(
      await sweepRow(
        host,
        clock,
        "the next period's sweep, 6 h after the first began: nothing changed, the rotation share read",
      ),
    );
    return rows;
  } finally {
    await host.stop();
  }
}

if (require.main === module) {
  driftSweepBenchmarks()
    .then((rows) => process.stdout.write(`${JSON.stringify(rows)}\n`))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
