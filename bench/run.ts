// `npm run bench`: speed of the offline parts, measured in real time on this machine, written to
// BENCHMARKS.md with the command and the machine that produced it. Benchmarks live here, never in
// timed unit tests.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";

import { VirtualClock } from "../local/clock";
import { type Emulator, startEmulator } from "../local/emulator";
import { connectMachine } from "../local/emulator/providers/hybridCompute/machines";
import { type ArmContext, createArmContext } from "../shared/azure/armContext";
import { beginCreateGateway } from "../shared/azure/gateways";
import { readOperationStatus } from "../shared/azure/longRunningOperation";
import { getMachine } from "../shared/azure/machines";
import { queryResourceGraph } from "../shared/azure/resourceGraph";
import { machineInventoryQuery } from "../shared/azure/resourceGraphQueries";
import { gatewayResourceId, machineResourceId } from "../shared/resourceId";
import { type BenchResult, hostFanOutBenchmarks } from "./hostFanOut";
import { burstShapes } from "./onboardingBurst";

const subscriptionId = "00000000-0000-4000-8000-0000000be001";

interface Result {
  readonly name: string;
  readonly value: string;
  readonly detail: string;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function connectFleet(emulator: Emulator, count: number): string[] {
  const context = emulator.context();
  return Array.from({ length: count }, (_, i) => {
    const name = `bench-${String(i).padStart(5, "0")}`;
    connectMachine(context, {
      subscriptionId,
      resourceGroup: `rg-bench-${i % 10}`,
      name,
      location: ["eastus", "westeurope", "southeastasia"][i % 3]!,
      agentVersion: "1.55.02941.1840",
      osType: i % 4 === 0 ? "windows" : "linux",
      osName: i % 4 === 0 ? "Windows Server 2022" : "Ubuntu",
      osVersion: i % 4 === 0 ? "10.0.20348" : "22.04",
    });
    return machineResourceId({ subscriptionId, resourceGroup: `rg-bench-${i % 10}`, machineName: name });
  });
}

async function machineReads(
  context: ArmContext,
  ids: string[],
  total: number,
  concurrency: number,
): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const id = ids[next++ % ids.length]!;
        const t0 = performance.now();
        await getMachine(context, id);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    name: `machine GET through the client layer (${concurrency} in flight)`,
    value: `${Math.round(total / seconds)} requests/s`,
    detail: `${total} requests; p50 ${percentile(latencies, 50).toFixed(2)} ms, p95 ${percentile(latencies, 95).toFixed(2)} ms`,
  };
}

async function graphSweep(context: ArmContext, machines: number): Promise<Result> {
  const started = performance.now();
  let rows = 0;
  let pages = 0;
  for await (const page of queryResourceGraph(context, {
    subscriptions: [subscriptionId],
    query: machineInventoryQuery(),
  })) {
    rows += page.rows.length;
    pages++;
  }
  const ms = performance.now() - started;
  if (rows !== machines) throw new Error(`Resource Graph returned ${rows} rows for ${machines} machines`);
  return {
    name: `Resource Graph machine inventory, ${machines} machines`,
    value: `${Math.round(ms)} ms`,
    detail: `${pages} pages of at most 1,000 rows; ${Math.round(rows / (ms / 1000))} rows/s`,
  };
}

async function gatewayLifecycles(context: ArmContext, clock: VirtualClock): Promise<Result> {
  const started = performance.now();
  const handles = [];
  for (let i = 0; i < 5; i++) {
    const start = await beginCreateGateway(context, {
      gatewayId: gatewayResourceId({ subscriptionId, resourceGroup: "rg-gateways", gatewayName: `gw-${i}` }),
      location: "eastus",
    });
    if (!start.done) handles.push(start.operation);
  }
  let polls = 0;
  let running = handles.length;
  while (running > 0) {
    await clock.advance(30_000);
    running = 0;
    for (const handle of handles) {
      polls++;
      if ((await readOperationStatus(context, handle)).state === "running") running++;
    }
  }
  const ms = performance.now() - started;
  return {
    name: "5 gateway creations waited out on virtual time (4.5 virtual minutes each)",
    value: `${Math.round(ms)} ms`,
    detail: `${polls} status reads, 30 s virtual apart`,
  };
}

/** One process per app (the app reads its settings once per process); it prints its rows as JSON. */
function runInProcess(script: string, args: string[] = []): BenchResult[] {
  const output = execFileSync(process.execPath, [resolve(__dirname, script), ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 16 * 1024 * 1024,
  });
  const parsed = JSON.parse(output) as BenchResult | BenchResult[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

async function clientBenchmarks(): Promise<Result[]> {
  const clock = new VirtualClock();
  const emulator = await startEmulator({ clock, throttling: false, trafficLog: null });
  try {
    const context = createArmContext({
      endpoint: emulator.url,
      trustedCaPem: emulator.caPem,
      credential: emulator.credential,
      sleep: (ms) => clock.sleep(ms),
      now: () => clock.now(),
    });
    emulator.state.setRegistrationState(subscriptionId, "Microsoft.HybridCompute", "Registered");
    const fleetStarted = performance.now();
    const ids = connectFleet(emulator, 10_000);
    const connectMs = performance.now() - fleetStarted;
    await getMachine(context, ids[0]!); // warm up TLS and the token
    return [
      {
        name: "connect 10,000 machines in process (azcmagent connect + write event)",
        value: `${Math.round(connectMs)} ms`,
        detail: "emulator state and Event Grid topic, no subscribers",
      },
      await machineReads(context, ids, 5_000, 16),
      await graphSweep(context, ids.length),
      await gatewayLifecycles(context, clock),
    ];
  } finally {
    await emulator.close();
  }
}

/** The groups `npm run bench -- <group>…` can pick; all of them without an argument. */
const groups: Record<string, () => Promise<Result[]>> = {
  client: clientBenchmarks,
  hostFanOut: hostFanOutBenchmarks,
  // The app's own functions, each burst in a process of its own.
  onboardingBurst: () =>
    Promise.resolve(burstShapes.flatMap((_, burst) => runInProcess("onboardingBurst.js", [String(burst)]))),
  driftSweep: () => Promise.resolve(runInProcess("driftSweep.js")),
};

const header = [
  "# Benchmarks",
  "",
  "Produced by `npm run bench` (which builds, then runs `node dist/bench/run.js`). Real time on the machine below;",
  "the emulator and the client talk over HTTPS on loopback in one process. The local host rows run",
  "`bench/fixtures/fanOutApp.ts` through the real `@azure/functions` and `durable-functions` code paths; the",
  "onboarding bursts and the drift sweeps run the app's own compiled functions (`bench/onboardingBurst.ts`,",
  "`bench/driftSweep.ts`) on virtual time, its ARM retries sleeping on the host's clock.",
  "`npm run bench -- <group>…` (groups: " +
    Object.keys(groups).join(", ") +
    ") runs only those groups and replaces their rows here, keeping the others.",
];

const tableHead = ["| benchmark | result | detail |", "|---|---|---|"];

/** Rows of the existing table, by group (the group column is kept in a trailing comment). */
function existingRows(): { group: string; row: string }[] {
  if (!existsSync(resolve("BENCHMARKS.md"))) return [];
  const rows: { group: string; row: string }[] = [];
  for (const line of readFileSync(resolve("BENCHMARKS.md"), "utf8").split("\n")) {
    if (!line.startsWith("| ") || line.startsWith("| benchmark |")) continue;
    const group = /<!-- group: (\w+) -->$/.exec(line)?.[1] ?? "unknown";
    rows.push({ group, row: line });
  }
  return rows;
}

/** The `- … run at …` lines of the existing report (the older `- run at:` line of a full run too). */
function existingRunLines(): string[] {
  if (!existsSync(resolve("BENCHMARKS.md"))) return [];
  return readFileSync(resolve("BENCHMARKS.md"), "utf8")
    .split("\n")
    .filter((line) => line.startsWith("- ") && / run at[: ]/.test(line))
    .map((line) => (line.startsWith("- run at: ") ? `- \`npm run bench\` run at ${line.slice(10)}` : line));
}

async function main(): Promise<void> {
  const picked = process.argv.slice(2);
  for (const name of picked) {
    if (!(name in groups)) throw new Error(`No benchmark group '${name}': ${Object.keys(groups).join(", ")}`);
  }
  const chosen = picked.length > 0 ? picked : Object.keys(groups);
  const fresh = new Map<string, string[]>();
  for (const name of chosen) {
    const results = await groups[name]!();
    fresh.set(
      name,
      results.map((r) => `| ${r.name} | ${r.value} | ${r.detail} | <!-- group: ${name} -->`),
    );
  }
  const rows: string[] = [];
  const kept = picked.length > 0 ? existingRows() : [];
  const written = new Set<string>();
  // Existing rows keep their place; a re-run group's rows replace its old ones where they stood.
  for (const { group, row } of kept) {
    if (!fresh.has(group)) rows.push(row);
    else if (!written.has(group)) {
      rows.push(...fresh.get(group)!);
      written.add(group);
    }
  }
  for (const [group, groupRows] of fresh) if (!written.has(group)) rows.push(...groupRows);
  const command = picked.length > 0 ? `npm run bench -- ${picked.join(" ")}` : "npm run bench";
  const runLine = `- \`${command}\` run at ${new Date().toISOString()}`;
  // A partial run keeps when the other rows were produced, and by which command.
  const earlierRuns =
    picked.length > 0 ? existingRunLines().filter((line) => !line.startsWith(`- \`${command}\``)) : [];
  const report = [
    ...header,
    "",
    `- machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}`,
    ...earlierRuns,
    runLine,
    "",
    ...tableHead,
    ...rows,
    "",
  ].join("\n");
  writeFileSync(resolve("BENCHMARKS.md"), report);
  console.log(report);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
