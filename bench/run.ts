// `npm run bench`: speed of the offline parts, measured in real time on this machine, written to
// BENCHMARKS.md with the command and the machine that produced it. Benchmarks live here, never in
// timed unit tests.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
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

async function main(): Promise<void> {
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
    const results: Result[] = [
      {
        name: "connect 10,000 machines in process (azcmagent connect + write event)",
        value: `${Math.round(connectMs)} ms`,
        detail: "emulator state and Event Grid topic, no subscribers",
      },
      await machineReads(context, ids, 5_000, 16),
      await graphSweep(context, ids.length),
      await gatewayLifecycles(context, clock),
    ];
    await emulator.close();
    results.push(...(await hostFanOutBenchmarks()));
    // The app's own functions, each burst in a process of its own (one app and its settings per process).
    for (let burst = 0; burst < burstShapes.length; burst++) {
      const output = execFileSync(
        process.execPath,
        [resolve(__dirname, "onboardingBurst.js"), String(burst)],
        {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      results.push(JSON.parse(output) as BenchResult);
    }
    const report = [
      "# Benchmarks",
      "",
      "Produced by `npm run bench` (which builds, then runs `node dist/bench/run.js`). Real time on the machine below;",
      "the emulator and the client talk over HTTPS on loopback in one process. The local host rows run",
      "`bench/fixtures/fanOutApp.ts` through the real `@azure/functions` and `durable-functions` code paths; the",
      "onboarding bursts run the app's own compiled functions (`bench/onboardingBurst.ts`) on virtual time, its ARM",
      "retries sleeping on the host's clock.",
      "",
      `- machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}`,
      `- run at: ${new Date().toISOString()}`,
      "",
      "| benchmark | result | detail |",
      "|---|---|---|",
      ...results.map((r) => `| ${r.name} | ${r.value} | ${r.detail} |`),
      "",
    ].join("\n");
    writeFileSync(resolve("BENCHMARKS.md"), report);
    console.log(report);
  } finally {
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
