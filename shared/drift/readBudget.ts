// The drift sweep's read budget: a share of ARM's read refill (25 reads per second per
// subscription and principal, docs/azure-facts.md §11), so onboarding keeps the rest. The sweep's
// ARM reads go through `pacedArm`, which spaces them evenly — one every ⌈1000/rate⌉ ms across every
// subscription, so no second ever holds more than the budget — and counts what the sweep cost.
// Retries are inside the budget: the pacing applies to every attempt on the wire, the ARM
// client's re-sends after a 429 or a 5xx included.
import type { PipelinePolicy } from "@azure/core-rest-pipeline";

import type { ArmContext } from "../azure/armContext";
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

/** The pipeline policy that spaces and counts the sweep's attempts (one per context, see `pacedArm`). */
export const readBudgetPolicyName = "driftReadBudget";

/**
 * `arm`, with every GET attempt it sends spaced to `rate` per second and every attempt counted into
 * `counts`. The pacing is a policy on each attempt (after the retry policy), so a read the retry
 * policy sends again after a 429 or a 5xx waits for its own slot and is counted: what goes on the
 * wire, first sends and retries, never exceeds the budget — through `send` and through the SDK
 * clients built over the context (the provider reads).
 */
export function pacedArm(
  arm: ArmContext,
  rate: number,
  clock: Pick<RuntimeClock, "now" | "sleep">,
  counts: RequestCounts,
): ArmContext {
  // Whole milliseconds, rounded up: `rate` slots never fit in less than a second (1000/3 added
  // up three times can fall short of 1000 in floating point).
  const spacingMs = Math.ceil(1000 / rate);
  let nextSlot = 0;
  const policy: PipelinePolicy = {
    name: readBudgetPolicyName,
    async sendRequest(request, next) {
      const { method } = request;
      if (isResourceGraph(new URL(request.url).pathname)) counts.resourceGraphQueries++;
      else if (method === "GET") {
        const now = clock.now();
        const slot = Math.max(now, nextSlot);
        nextSlot = slot + spacingMs;
        if (slot > now) await clock.sleep(slot - now);
        counts.armReads++;
      } else counts.armWrites++;
      return next(request);
    },
  };
  return arm.withAttemptPolicies([policy]);
}
function isResourceGraph(path: string): boolean {
  return /\/providers\/Microsoft\.ResourceGraph\//i.test(path);
}
