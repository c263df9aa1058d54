// The naive drift sweep, for comparison only (never product code): the machine inventory from
// Resource Graph, then three ARM reads per machine — its settings, its `default` endpoint and its
// SSH service configuration — paced to the whole read budget ARM gives one principal in a
// subscription (a bucket of 250 reads refilled at 25 per second). For 10,000 machines that is
// 30,000 reads and about 20 minutes during which onboarding has no read left.
import { performance } from "node:perf_hooks";

import type { VirtualClock } from "../local/clock";
import type { ArmContext } from "../shared/azure/armContext";
import { getDefaultEndpoint, getSshServiceConfiguration } from "../shared/azure/hybridConnectivity";
import { getMachineSettings } from "../shared/azure/machineSettings";
import { queryResourceGraph } from "../shared/azure/resourceGraph";
import { machineInventoryQuery } from "../shared/azure/resourceGraphQueries";

export interface NaiveSweepResult {
  readonly machines: number;
  /** Machines whose settings name no gateway, or without endpoint or SSH configuration. */
  readonly drifted: number;
  readonly armReads: number;
  readonly resourceGraphQueries: number;
  readonly wallMs: number;
  readonly virtualMs: number;
}

/** ARM's documented read bucket for one principal in one subscription. */
export const armReadBudget = { capacity: 250, refillPerSecond: 25 } as const;

/**
 * Sweeps one subscription. `advance` moves the virtual clock (the bench's host runs its timers
 * meanwhile); reads are sent `concurrency` at a time, never more than the bucket holds.
 */
export async function naiveDriftSweep(options: {
  readonly arm: ArmContext;
  readonly clock: VirtualClock;
  readonly advance: (ms: number) => Promise<void>;
  readonly subscriptionId: string;
  readonly concurrency?: number;
}): Promise<NaiveSweepResult> {
  const { arm, clock, advance, subscriptionId, concurrency = 16 } = options;
  const started = performance.now();
  const virtualStart = clock.now();
  const ids: string[] = [];
  let resourceGraphQueries = 0;
  for await (const page of queryResourceGraph(arm, {
    subscriptions: [subscriptionId],
    query: machineInventoryQuery(),
  })) {
    resourceGraphQueries++;
    for (const row of page.rows) ids.push(row.id);
  }

  let tokens: number = armReadBudget.capacity;
  let refilledAt = clock.now();
  const refill = () => {
    const now = clock.now();
    tokens = Math.min(
      armReadBudget.capacity,
      tokens + ((now - refilledAt) / 1000) * armReadBudget.refillPerSecond,
    );
    refilledAt = now;
  };
  let armReads = 0;
  let drifted = 0;
  let next = 0;
  while (next < ids.length) {
    refill();
    // Three reads per machine: as many machines as the bucket holds reads for.
    const machines = Math.min(Math.floor(tokens / 3), ids.length - next);
    if (machines === 0) {
      await advance(Math.ceil(((3 - tokens) / armReadBudget.refillPerSecond) * 1000));
      continue;
    }
    const batch = ids.slice(next, next + machines);
    next += machines;
    tokens -= 3 * machines;
    let cursor = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, batch.length) }, async () => {
        while (cursor < batch.length) {
          const id = batch[cursor++]!;
          const [settings, endpoint, ssh] = await Promise.all([
            getMachineSettings(arm, id),
            getDefaultEndpoint(arm, id),
            getSshServiceConfiguration(arm, id),
          ]);
          armReads += 3;
          if (!settings.gatewayResourceId || !endpoint || !ssh) drifted++;
        }
      }),
    );
  }
  return {
    machines: ids.length,
    drifted,
    armReads,
    resourceGraphQueries,
    wallMs: performance.now() - started,
    virtualMs: clock.now() - virtualStart,
  };
}
