// Finds the gateway tokens due for rotation and starts one rotation per cluster. Started by the
// timer backstop (every token expiring within the window) or by an API Management token event
// (the clusters of that gateway whose token expires by the event's expiry).
import type { OrchestrationContext, Task } from "durable-functions";
import { z } from "zod";

import { step } from "../stepFailure";
import { findDueApimTokens, startApimRotations } from "./apimFleetActivities";

const inputSchema = z.object({
  trigger: z.string().max(64),
  gatewayId: z.string().min(1).max(2048).optional(),
  expiresBy: z.string().max(64).optional(),
  windowDays: z.number().int().min(0).max(30),
  deadlineMinutes: z.number().int().min(1).max(1440),
});

export type SweepApimTokensInput = z.input<typeof inputSchema>;

export interface SweepResult {
  readonly scanned: number;
  readonly due: number;
  readonly started: string[];
  readonly alreadyRunning: string[];
  readonly failure?: string;
}

export function* sweepApimGatewayTokensOrchestrator(
  context: OrchestrationContext,
): Generator<Task, SweepResult, unknown> {
  const input = inputSchema.parse(context.df.getInput());
  const found = yield* step(context, findDueApimTokens, {
    windowDays: input.windowDays,
    ...(input.gatewayId !== undefined ? { gatewayId: input.gatewayId } : {}),
    ...(input.expiresBy !== undefined ? { expiresBy: input.expiresBy } : {}),
  });
  if (!found.ok) {
    if (!context.df.isReplaying)
      context.error(`ALARM: the gateway token sweep could not read the clusters: ${found.failure.reason}`);
    return { scanned: 0, due: 0, started: [], alreadyRunning: [], failure: found.failure.reason };
  }
  if (found.value.unreadable.length > 0 && !context.df.isReplaying) {
    context.warn(
      `Gateway token sweep: clusters of ${found.value.unreadable.map((u) => `${u.subscriptionId}${u.resourceGroup === undefined ? "" : `/${u.resourceGroup}`} (${u.code})`).join(", ")} could not be listed`,
    );
  }
  if (found.value.due.length === 0)
    return { scanned: found.value.scanned, due: 0, started: [], alreadyRunning: [] };
  const started = yield* step(context, startApimRotations, {
    clusterIds: found.value.due.map((d) => d.clusterId),
    trigger: input.trigger,
    deadlineMinutes: input.deadlineMinutes,
  });
  if (!started.ok) {
    return {
      scanned: found.value.scanned,
      due: found.value.due.length,
      started: [],
      alreadyRunning: [],
      failure: started.failure.reason,
    };
  }
  return { scanned: found.value.scanned, due: found.value.due.length, ...started.value };
}
