// Deploys the API Management self-hosted gateway on one connected cluster (instance id
// `apimInstanceId("deploy", clusterId)`: one run per cluster). Prerequisites first (the cluster
// Connected, the service Developer or Premium, the gateway there or created when allowed): a
// refusal writes nothing. Then ONE activity generates the token and PUTs the extension with it
// as a protected setting, so the token never enters this history. The install is waited out with
// durable timers every 30 s up to `deadlineMinutes`: healthy once the extension has Succeeded AND
// the gateway heartbeats (live nodes) — pods running is not enough. Then the token's key and expiry
// are recorded as a tag on the cluster, where the rotation finds them. Started by a cluster's
// write event (the deployment comes from its tag; an already deployed gateway is left as it is)
// or by the deploy runbook (the request's parameters; deploys again with a fresh token).
import type { OrchestrationContext, Task } from "durable-functions";
import { z } from "zod";

import { deploymentRequestSchema } from "../../shared/apim/parameters";
import type { ApimDeployResult } from "../../shared/apim/results";
import type { TokenRecord } from "../../shared/apim/tokenTag";
import { nowMs, sleepUntil } from "../orchestrationWaits";
import { reportProgress } from "../runbookProgress";
import { step } from "../stepFailure";
import {
  installApimGateway,
  prepareApimDeployment,
  readApimDeployment,
  recordApimToken,
} from "./apimActivities";
import { publishApimOutcome } from "./apimFleetActivities";

const inputSchema = z.object({
  clusterId: z.string().min(1).max(2048),
  /** The runbook's request; absent for the event path (the cluster's tag names the gateway). */
  request: deploymentRequestSchema.optional(),
  trigger: z.enum(["event", "runbook"]),
  deadlineMinutes: z.number().int().min(1).max(1440),
});

export type DeployApimGatewayInput = z.input<typeof inputSchema>;

const pollMs = 30_000;
const stepsTotal = 4;

export function* deployApimGatewayOrchestrator(
  context: OrchestrationContext,
): Generator<Task, ApimDeployResult, unknown> {
  const input = inputSchema.parse(context.df.getInput());
  const { clusterId } = input;
  const progress = (stepsDone: number, currentStep: string, waitingFor?: string) =>
    reportProgress(context, {
      runbook: "apim-gateway",
      stepsDone,
      stepsTotal,
      currentStep,
      ...(waitingFor !== undefined ? { waitingFor } : {}),
    });
  const base: Pick<ApimDeployResult, "clusterId"> & Partial<ApimDeployResult> = { clusterId };
  function* end(result: Omit<ApimDeployResult, "clusterId">): Generator<Task, ApimDeployResult, unknown> {
    const full: ApimDeployResult = { ...base, ...result, clusterId };
    progress(stepsTotal, `${full.outcome}: ${full.reason}`);
    if (full.outcome === "healthy" || full.outcome === "failed") {
      yield* step(context, publishApimOutcome, {
        eventType:
          full.outcome === "healthy"
            ? "ArcAutopilot.ApimGatewayDeployed"
            : "ArcAutopilot.ApimGatewayDeploymentFailed",
        runId: context.df.instanceId + nowMs(context),
        clusterId,
        data: { ...full },
      });
    }
    if (full.outcome === "failed" && !context.df.isReplaying)
      context.error(`API Management gateway on ${clusterId} failed: ${full.code ?? ""} ${full.reason}`);
    return full;
  }

  progress(0, "Checking the cluster, the API Management tier and the gateway");
  const prepared = yield* step(context, prepareApimDeployment, {
    clusterId,
    ...(input.request ? { request: input.request } : {}),
  });
  if (!prepared.ok)
    return yield* end({ outcome: "failed", code: prepared.failure.code, reason: prepared.failure.reason });
  const plan = prepared.value;
  if (!plan.ok) {
    const quiet = plan.code === "NotTagged" || (input.trigger === "event" && plan.code === "ClusterNotFound");
    return yield* end({ outcome: quiet ? "skipped" : "failed", code: plan.code, reason: plan.reason });
  }
  const { deployment } = plan;
  Object.assign(base, {
    gatewayId: deployment.gatewayId,
    extensionName: deployment.extensionName,
    ...(plan.gatewayCreated ? { gatewayCreated: true } : {}),
  });
  if (plan.alreadyDeployed && input.trigger === "event") {
    const seen = yield* step(context, readApimDeployment, {
      clusterId,
      gatewayId: deployment.gatewayId,
      extensionName: deployment.extensionName,
    });
    return yield* end({
      outcome: "unchanged",
      reason: "The gateway is deployed on this cluster already; nothing was written",
      ...(seen.ok && seen.value.nodes !== undefined ? { nodes: seen.value.nodes } : {}),
      ...(seen.ok && seen.value.token ? { token: seen.value.token } : {}),
    });
  }

  progress(1, "Generating a gateway token and installing the extension");
  const installed = yield* step(context, installApimGateway, {
    clusterId,
    deployment,
    configurationUri: plan.configurationUri,
  });
  if (!installed.ok)
    return yield* end({ outcome: "failed", code: installed.failure.code, reason: installed.failure.reason });
  const token: TokenRecord = { ...installed.value, extensionName: deployment.extensionName };

  const deadline = nowMs(context) + input.deadlineMinutes * 60_000;
  let nodes = 0;
  let state = "Creating";
  for (;;) {
    progress(
      2,
      "Waiting for the extension to install and the gateway to heartbeat",
      `extension ${state}, ${nodes} live nodes`,
    );
    const seen = yield* step(context, readApimDeployment, {
      clusterId,
      gatewayId: deployment.gatewayId,
      extensionName: deployment.extensionName,
    });
    if (seen.ok) {
      state = seen.value.extension?.provisioningState ?? "absent";
      nodes = seen.value.nodes ?? 0;
      if (state === "Failed" || state === "Canceled") {
        return yield* end({
          outcome: "failed",
          code: "ExtensionFailed",
          reason: `The extension's installation ended ${state}${seen.value.extension?.errorMessage ? `: ${seen.value.extension.errorMessage}` : ""}`,
          token,
        });
      }
      if (state === "Succeeded" && nodes > 0) break;
    }
    if (nowMs(context) + pollMs > deadline) {
      return yield* end({
        outcome: "failed",
        code: state === "Succeeded" ? "NoHeartbeat" : "InstallTimedOut",
        reason:
          state === "Succeeded"
            ? `The extension Succeeded but the gateway reported no heartbeat within ${input.deadlineMinutes} minutes: its pods may run, yet it serves nothing`
            : `The extension was still ${state} after ${input.deadlineMinutes} minutes`,
        nodes,
        token,
      });
    }
    yield* sleepUntil(context, nowMs(context) + pollMs);
  }

  progress(3, "Recording the token's key and expiry on the cluster");
  const recorded = yield* step(context, recordApimToken, {
    clusterId,
    gatewayId: deployment.gatewayId,
    record: token,
  });
  if (!recorded.ok) {
    return yield* end({
      outcome: "failed",
      code: recorded.failure.code,
      reason: `The gateway is healthy but its token's expiry could not be recorded, so no rotation will find it: ${recorded.failure.reason}`,
      nodes,
      token,
    });
  }
  return yield* end({
    outcome: "healthy",
    reason: `The gateway is installed and heartbeating with ${nodes} live node${nodes === 1 ? "" : "s"}`,
    nodes,
    token,
  });
}
