// Removes the gateway from one cluster (instance id `apimInstanceId("remove", clusterId)`): deletes
// the extension and both tags, then waits with durable timers (every 30 s, up to 30 minutes) until
// the extension is gone.
import type { OrchestrationContext, Task } from "durable-functions";
import { z } from "zod";

import { nowMs, sleepUntil } from "../orchestrationWaits";
import { reportProgress } from "../runbookProgress";
import { step } from "../stepFailure";
import { readApimDeployment, removeApimExtension } from "./apimActivities";

const inputSchema = z.object({
  clusterId: z.string().min(1).max(2048),
  extensionName: z.string().min(1).max(63),
});

export interface RemoveApimResult {
  readonly clusterId: string;
  readonly outcome: "removed" | "alreadyGone" | "failed";
  readonly reason: string;
  readonly code?: string;
}

export function* removeApimGatewayOrchestrator(
  context: OrchestrationContext,
): Generator<Task, RemoveApimResult, unknown> {
  const { clusterId, extensionName } = inputSchema.parse(context.df.getInput());
  reportProgress(context, {
    runbook: "apim-remove",
    stepsDone: 0,
    stepsTotal: 2,
    currentStep: `Deleting ${extensionName}`,
  });
  const removed = yield* step(context, removeApimExtension, { clusterId, extensionName });
  if (!removed.ok)
    return { clusterId, outcome: "failed", code: removed.failure.code, reason: removed.failure.reason };
  if (removed.value.outcome === "alreadyGone")
    return {
      clusterId,
      outcome: "alreadyGone",
      reason: `No extension ${extensionName} was on the cluster; its tags were dropped`,
    };
  const deadline = nowMs(context) + 30 * 60_000;
  for (;;) {
    const seen = yield* step(context, readApimDeployment, { clusterId, extensionName });
    if (seen.ok && seen.value.extension === undefined) break;
    if (nowMs(context) + 30_000 > deadline)
      return {
        clusterId,
        outcome: "failed",
        code: "DeleteTimedOut",
        reason: "The extension was still there after 30 minutes",
      };
    reportProgress(context, {
      runbook: "apim-remove",
      stepsDone: 1,
      stepsTotal: 2,
      currentStep: "Waiting for the extension to be deleted",
    });
    yield* sleepUntil(context, nowMs(context) + 30_000);
  }
  return {
    clusterId,
    outcome: "removed",
    reason: `The extension ${extensionName} and the cluster's gateway tags are gone`,
  };
}
