// Onboarding bursts on the local host (issue 10, "one clock"): machines join Arc within one
// virtual minute, ARM throttling on, no gateway and no HybridConnectivity registration yet, and
// the app's own compiled functions onboard them on virtual time — its ARM retries sleeping on the
// host's clock. Measured in real time; test/e2e/thousandMachineBurst.test.ts checks the outcome
// of the plain 1,000-machine burst, this measures it and larger or faultier ones. A process runs
// function app and the app reads its settings once, so run.ts starts this file once per burst, as
// a process of its own (`node onboardingBurst.js <index>` prints that burst's result as JSON).
import { performance } from "node:perf_hooks";

import { VirtualClock } from "../local/clock";
import type { FaultConfig } from "../local/emulator/faults";
import { connectMachine } from "../local/emulator/providers/hybridCompute/machines";
import { startAppHost } from "./appHost";
import type { BenchResult } from "./hostFanOut";

export interface BurstShape {
  readonly machines: number;
  /** Machines are spread evenly over this many subscriptions (each gets its own gateway and registration). */
  readonly subscriptions: number;
  readonly faults?: FaultConfig;
  readonly label: string;
}

export async function onboardingBurst(shape: BurstShape): Promise<BenchResult> {
  const clock = new VirtualClock(Date.UTC(2026, 10, 23, 8));
  const subscriptions = Array.from(
    { length: shape.subscriptions },
    (_, i) => `00000000-0000-4000-8000-0000000b${String(i).padStart(4, "0")}`,
  );
  const host = await startAppHost(clock, ["machineEvents", "durableFunctions"], subscriptions);
  try {
    const emulator = host.emulator!;
    if (shape.faults) emulator.configureFaults(shape.faults);
    const started = performance.now();
    const virtualStart = clock.now();
    const perSecond = Math.ceil(shape.machines / 60);
    let joined = 0;
    while (joined < shape.machines) {
      for (let i = 0; i < perSecond && joined < shape.machines; i++, joined++) {
        connectMachine(emulator.context(), {
          subscriptionId: subscriptions[joined % subscriptions.length]!,
          resourceGroup: "rg-fleet",
          name: `burst-${String(joined).padStart(5, "0")}`,
          location: "eastus",
          agentVersion: "1.55.02941.1840",
          osType: "linux",
          osName: "Ubuntu",
          osVersion: "22.04",
        });
      }
      await host.runFor(1_000);
    }
    await host.runUntilIdle();
    const wallMs = performance.now() - started;
    const virtualMs = clock.now() - virtualStart;

    const outcomes = new Map<string, number>();
    for (const status of host.statuses({ instanceIdPrefix: "onboard-" })) {
      const output = status.output as { outcome?: string; code?: string } | null;
      const key = [
        status.runtimeStatus === "Completed" ? "" : status.runtimeStatus,
        output?.outcome,
        output?.code,
      ]
        .filter(Boolean)
        .join(" ");
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    const traffic = host.traffic();
    const throttled = traffic.filter((exchange) => exchange.status === 429).length;
    return {
      name: `local host: ${shape.machines.toLocaleString("en-US")} machines joining within one virtual minute, ${shape.label}`,
      value: `${(wallMs / 1000).toFixed(1)} s`,
      detail:
        `wall time from the first join to idle; ${(virtualMs / 60_000).toFixed(1)} virtual minutes; ` +
        `outcomes ${[...outcomes].map(([outcome, count]) => `${outcome}: ${count}`).join(", ")}; ` +
        `${traffic.length} ARM requests, ${throttled} answered 429`,
    };
  } finally {
    await host.stop();
  }
}

export const burstShapes: readonly BurstShape[] = [
  { machines: 1_000, subscriptions: 1, label: "throttled, one subscription, no gateway yet, virtual time" },
  {
    machines: 1_000,
    subscriptions: 1,
    label:
      "throttled, plus seeded faults on every ARM route (3% 429, 2% 500, 2% 503, 1% dropped connections)",
    faults: {
      seed: 10,
      rules: [{ status429Rate: 0.03, status500Rate: 0.02, status503Rate: 0.02, resetRate: 0.01 }],
    },
  },
  {
    machines: 3_000,
    subscriptions: 3,
    label: "throttled, three subscriptions (a gateway and a registration each), virtual time",
  },
];

if (require.main === module) {
  const shape = burstShapes[Number(process.argv[2] ?? "0")];
  if (!shape) throw new Error(`No burst ${process.argv[2]}: 0 to ${burstShapes.length - 1}`);
  onboardingBurst(shape)
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
