// The local host's fan-out benchmark (issue 3, done-when 5): an HTTP starter starts a
// 2,000-activity fan-out/fan-in through df.getClient, and the host runs it to completion on
// virtual time — every activity and every episode through the real @azure/functions and
// durable-functions code paths. Measured in real time: wall time and activities per second, and
// the number of orchestrator episodes the extension's batching needed.
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";

import { VirtualClock } from "../local/clock";
import { type LocalHost, silentHostLog, startLocalHost } from "../local/host";
import { HistoryEventType } from "../local/host/durable";

export interface BenchResult {
  readonly name: string;
  readonly value: string;
  readonly detail: string;
}

const fixtureApp = resolve(__dirname, "fixtures/fanOutApp.js");

interface FanOutRun {
  readonly wallMs: number;
  readonly episodes: number;
  readonly virtualMs: number;
}

async function fanOut(host: LocalHost, clock: VirtualClock, activities: number): Promise<FanOutRun> {
  const virtualStart = clock.now();
  const started = performance.now();
  const response = await host.startViaHttp(`fan-out/${activities}`);
  if (!response.checkStatus)
    throw new Error(`The starter answered ${response.status}: ${JSON.stringify(response.body)}`);
  const status = await host.waitForInstance(response.checkStatus.id);
  const wallMs = performance.now() - started;
  const output = status.output as { count?: number } | null;
  if (status.runtimeStatus !== "Completed" || output?.count !== activities) {
    throw new Error(`The fan-out ended ${status.runtimeStatus} with ${JSON.stringify(status.output)}`);
  }
  const episodes = host.engine
    .history(response.checkStatus.id)
    .filter((event) => event.EventType === HistoryEventType.OrchestratorStarted).length;
  return { wallMs, episodes, virtualMs: clock.now() - virtualStart };
}

/** One row per concurrency setting: host.json's default limit of 10 activities at a time, and 100. */
export async function hostFanOutBenchmarks(activities = 2000): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const concurrency of [10, 100]) {
    const clock = new VirtualClock();
    const host = await startLocalHost({
      app: { modules: [fixtureApp] },
      clock,
      // The fan-out calls no Azure API: the host alone is measured.
      emulator: false,
      concurrency: { activities: concurrency, orchestrations: 10 },
      log: silentHostLog,
    });
    try {
      await fanOut(host, clock, 20); // warm-up: JIT, the HTTP connection, the library's caches
      const run = await fanOut(host, clock, activities);
      results.push({
        name: `local host: ${activities.toLocaleString("en-US")}-activity fan-out/fan-in, ${concurrency} activities at a time, virtual time`,
        value: `${Math.round(activities / (run.wallMs / 1000))} activities/s`,
        detail:
          `${Math.round(run.wallMs)} ms wall time from the HTTP start to Completed; ${run.episodes} orchestrator episodes ` +
          `(${(activities / run.episodes).toFixed(1)} results per replay); ${run.virtualMs} ms of virtual time`,
      });
    } finally {
      await host.stop();
    }
  }
  return results;
}
