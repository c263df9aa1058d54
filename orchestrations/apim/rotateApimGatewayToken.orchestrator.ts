// Rotates one cluster's gateway token (instance id `apimInstanceId("rotate", clusterId)`), started
// by API Management's token events or the timer backstop (sweepApimGatewayTokens). It reads the
// token arc-autopilot recorded on the cluster, then ONE activity generates a token from the other
// key and PATCHes the extension's protected setting with it (the token never enters this history).
// The update is waited out with durable timers every 30 s up to `deadlineMinutes`, the gateway's
// live nodes read at each look: the old token stays valid meanwhile, so the heartbeat must never
// drop. Then the new key and expiry are recorded on the cluster.
//
// A failure is loud, days before the token expires: the custom status carries `alarm` with the
// code, the reason and the days left, the log has an error, and an
// `ArcAutopilot.ApimGatewayTokenRotationFailed` outcome event goes out. It is retried an hour later
// (continue-as-new, `attempt` + 1) while the current token is still valid; the timer backstop
// starts it again at its next firing after that.
import type { OrchestrationContext, Task } from "durable-functions";
import { z } from "zod";

import type { ApimRotationResult } from "../../shared/apim/results";
import { timeMs, type TokenRecord } from "../../shared/apim/tokenTag";
import { nowMs, sleepUntil } from "../orchestrationWaits";
import { step } from "../stepFailure";
import { readApimDeployment, recordApimToken, rotateApimToken } from "./apimActivities";
import { publishApimOutcome } from "./apimFleetActivities";

const inputSchema = z.object({
  clusterId: z.string().min(1).max(2048),
  trigger: z.string().max(64),
  attempt: z.number().int().min(1).default(1),
  deadlineMinutes: z.number().int().min(1).max(1440),
});

export type RotateApimTokenInput = z.input<typeof inputSchema>;

const pollMs = 30_000;
const retryMs = 60 * 60_000;
const maxAttempts = 24;
const dayMs = 24 * 3600_000;

export function* rotateApimGatewayTokenOrchestrator(
  context: OrchestrationContext,
): Generator<Task, ApimRotationResult | undefined, unknown> {
  const input = inputSchema.parse(context.df.getInput());
  const { clusterId, attempt } = input;
  const status = (fields: Record<string, unknown>) =>
    context.df.setCustomStatus({ runbook: "apim-rotate", attempt, ...fields });

  const known: { previous?: TokenRecord; gatewayId?: string } = {};
  function* fail(
    code: string,
    reason: string,
    minimumNodes?: number,
  ): Generator<Task, ApimRotationResult | undefined, unknown> {
    const { previous, gatewayId } = known;
    const expiresInDays =
      previous !== undefined
        ? Math.floor(((timeMs(previous.expiresOn) - nowMs(context)) / dayMs) * 10) / 10
        : undefined;
    const result: ApimRotationResult = {
      clusterId,
      ...(gatewayId !== undefined ? { gatewayId } : {}),
      outcome: "failed",
      code,
      reason,
      ...(previous ? { previous } : {}),
      ...(minimumNodes !== undefined ? { minimumNodes } : {}),
      attempt,
      trigger: input.trigger,
    };
    status({
      alarm: true,
      code,
      message: `Token rotation failed (attempt ${attempt}): ${reason}`.slice(0, 400),
      ...(previous ? { expiresOn: previous.expiresOn } : {}),
      ...(expiresInDays !== undefined ? { expiresInDays } : {}),
    });
    if (!context.df.isReplaying) {
      context.error(
        `ALARM: the API Management gateway token of ${clusterId} could not be rotated (attempt ${attempt}, ${code}): ${reason}` +
          (previous ? `; the current token expires ${previous.expiresOn}, in ${expiresInDays} days` : ""),
      );
    }
    yield* step(context, publishApimOutcome, {
      eventType: "ArcAutopilot.ApimGatewayTokenRotationFailed",
      runId: `${context.df.instanceId}|${attempt}|${previous?.expiresOn ?? ""}`,
      clusterId,
      data: { ...result, ...(expiresInDays !== undefined ? { expiresInDays } : {}) },
    });
    const retryAt = nowMs(context) + retryMs;
    if (previous !== undefined && attempt < maxAttempts && retryAt < timeMs(previous.expiresOn)) {
      yield* sleepUntil(context, retryAt);
      context.df.continueAsNew({ ...input, attempt: attempt + 1 });
      return undefined;
    }
    return result;
  }

  status({ currentStep: "Reading the recorded token" });
  const seen = yield* step(context, readApimDeployment, { clusterId });
  if (!seen.ok) return yield* fail(seen.failure.code, seen.failure.reason);
  const previous = seen.value.token;
  const gatewayId = seen.value.gatewayId;
  if (previous !== undefined) known.previous = previous;
  if (gatewayId !== undefined) known.gatewayId = gatewayId;
  if (previous === undefined || gatewayId === undefined || seen.value.extension === undefined) {
    const result: ApimRotationResult = {
      clusterId,
      outcome: "skipped",
      code: "NotDeployed",
      reason:
        "arc-autopilot has no gateway deployed on this cluster (no token tag, gateway tag or extension); nothing was written",
      attempt,
      trigger: input.trigger,
    };
    status({ currentStep: result.reason });
    return result;
  }
  let minimumNodes = seen.value.nodes ?? 0;

  status({
    currentStep: `Generating a ${previous.keyType === "primary" ? "secondary" : "primary"}-key token and updating the extension`,
  });
  const rotated = yield* step(context, rotateApimToken, {
    clusterId,
    gatewayId,
    extensionName: previous.extensionName,
    currentKeyType: previous.keyType,
  });
  if (!rotated.ok) return yield* fail(rotated.failure.code, rotated.failure.reason);
  const token: TokenRecord = { ...rotated.value, extensionName: previous.extensionName };

  const deadline = nowMs(context) + input.deadlineMinutes * 60_000;
  for (;;) {
    yield* sleepUntil(context, nowMs(context) + pollMs);
    const look = yield* step(context, readApimDeployment, {
      clusterId,
      gatewayId,
      extensionName: token.extensionName,
    });
    if (look.ok) {
      const state = look.value.extension?.provisioningState ?? "absent";
      const nodes = look.value.nodes ?? 0;
      minimumNodes = Math.min(minimumNodes, nodes);
      status({
        currentStep: "Waiting for the extension to apply the new token",
        waitingFor: `extension ${state}, ${nodes} live nodes`,
      });
      if (state === "Failed" || state === "Canceled" || state === "absent")
        return yield* fail("ExtensionFailed", `The extension's update ended ${state}`, minimumNodes);
      if (state === "Succeeded" && nodes > 0) break;
    }
    if (nowMs(context) + pollMs > deadline)
      return yield* fail(
        "UpdateTimedOut",
        `The extension did not apply the new token with live nodes within ${input.deadlineMinutes} minutes`,
        minimumNodes,
      );
  }

  const recorded = yield* step(context, recordApimToken, { clusterId, gatewayId, record: token });
  if (!recorded.ok)
    return yield* fail(
      recorded.failure.code,
      `The new token is in use but its expiry could not be recorded: ${recorded.failure.reason}`,
      minimumNodes,
    );
  const result: ApimRotationResult = {
    clusterId,
    gatewayId,
    outcome: "rotated",
    ...(minimumNodes === 0 ? { code: "HeartbeatDropped" } : {}),
    reason:
      minimumNodes === 0
        ? `Rotated to a ${token.keyType}-key token expiring ${token.expiresOn}, but the gateway had no live node for a while during the update`
        : `Rotated to a ${token.keyType}-key token expiring ${token.expiresOn}; the gateway kept at least ${minimumNodes} live node${minimumNodes === 1 ? "" : "s"}`,
    previous,
    token,
    minimumNodes,
    attempt,
    trigger: input.trigger,
  };
  status({ currentStep: result.reason, alarm: false });
  if (minimumNodes === 0 && !context.df.isReplaying)
    context.warn(
      `The gateway of ${clusterId} stopped heartbeating during its token rotation: ${result.reason}`,
    );
  yield* step(context, publishApimOutcome, {
    eventType: "ArcAutopilot.ApimGatewayTokenRotated",
    runId: `${context.df.instanceId}|${token.expiresOn}`,
    clusterId,
    data: { ...result },
  });
  return result;
}
