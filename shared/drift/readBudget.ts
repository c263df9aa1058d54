// The drift sweep's read budget: a share of ARM's read refill (25 reads per second per
// subscription and principal, docs/azure-facts.md §11), so onboarding keeps the rest. The sweep's
// ARM reads go through `pacedArm`, which spaces them evenly — one every 1000/rate ms across every
// subscription, so no second ever holds more than the budget — and counts what the sweep cost.
import type { Pipeline } from "@azure/core-rest-pipeline";

import type { ArmContext, ArmRequest, ArmResponse } from "../azure/armContext";
import type { RuntimeClock } from "../runtimeClock";

/** ARM's read refill per subscription and principal, per second (docs/azure-facts.md §11). */
export const armReadsPerSecond = 25;

/** Reads per second a sweep may send with `sharePercent` of the refill (at least one). */
export function readsPerSecond(sharePercent: number): number {
  return Math.max(1, Math.floor((armReadsPerSecond * sharePercent) / 100));
}

/** The requests a sweep sent, by kind. */
export interface RequestCounts {
  armReads: number;
  armWrites: number;
  resourceGraphQueries: number;
}

export function noRequests(): RequestCounts {
  return { armReads: 0, armWrites: 0, resourceGraphQueries: 0 };
}

/** `arm`, with its GETs spaced to `rate` per second and every request counted into `counts`. */
export function pacedArm(
  arm: ArmContext,
  rate: number,
  clock: Pick<RuntimeClock, "now" | "sleep">,
  counts: RequestCounts,
): ArmContext {
  const spacingMs = 1000 / rate;
  let nextSlot = 0;
  const count = async (method: string, path: string): Promise<void> => {
    if (isResourceGraph(path)) counts.resourceGraphQueries++;
    else if (method === "GET") {
      const now = clock.now();
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + spacingMs;
      if (slot > now) await clock.sleep(slot - now);
      counts.armReads++;
    } else counts.armWrites++;
  };
  return {
    ...arm,
    // SDK clients built over this context (the provider reads) go through the same budget.
    adoptPipeline(pipeline: Pipeline): void {
      arm.adoptPipeline(pipeline);
      pipeline.addPolicy({
        name: "driftReadBudget",
        async sendRequest(request, next) {
          await count(request.method, new URL(request.url).pathname);
          return next(request);
        },
      });
    },
    async send<T>(request: ArmRequest): Promise<ArmResponse<T>> {
      await count(request.method, request.path);
      return arm.send<T>(request);
    },
  };
}

function isResourceGraph(path: string): boolean {
  return /\/providers\/Microsoft\.ResourceGraph\//i.test(path);
}
