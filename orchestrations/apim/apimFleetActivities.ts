// The rotation's fleet side: finding every cluster whose gateway token arc-autopilot recorded and
// which is due (ARM list of connected clusters at each ARC_SCOPES entry — a subscription, or a
// resource group whose subscription is not itself a scope — read by their token tag), starting
// one rotation per cluster unless one runs, and publishing outcomes.
import { z } from "zod";

import { apimOutcomeEventTypes } from "../../shared/apim/results";
import { isRotationDue, parseTokenTag, tagValue, tokenRecordSchema } from "../../shared/apim/tokenTag";
import { listConnectedClusters } from "../../shared/azure/connectedClusters";
import { publishToOutcomeTopic } from "../../shared/azure/outcomeTopic";
import { ArcAutopilotError } from "../../shared/errors";
import { listingScopesOf } from "../../shared/onboarding/scope";
import { sameResourceId } from "../../shared/resourceId";
import { defineActivity } from "../activity";
import { apimInstanceId, apimOrchestratorNames } from "./apimNames";
import { clusterScopeVerdict, startOnce } from "./apimRuns";

const dueClusterSchema = z.strictObject({
  clusterId: z.string(),
  gatewayId: z.string(),
  token: tokenRecordSchema,
});

/**
 * Clusters in scope with a recorded token that is due: expiring by `expiresBy` (an event's
 * expiry) or within `windowDays`, optionally only those of one gateway.
 */
export const findDueApimTokens = defineActivity({
  name: "findDueApimTokens_v1",
  needs: "azure",
  input: z.strictObject({
    gatewayId: z.string().min(1).max(2048).optional(),
    expiresBy: z.string().max(64).optional(),
    windowDays: z.number().int().min(0).max(30),
  }),
  output: z.strictObject({
    scanned: z.number().int(),
    due: z.array(dueClusterSchema),
    /** Scopes whose clusters could not be listed (not registered, no permission), with why. */
    unreadable: z.array(
      z.strictObject({ subscriptionId: z.string(), resourceGroup: z.string().optional(), code: z.string() }),
    ),
  }),
  async handler({ arm, settings }, input) {
    const due: z.output<typeof dueClusterSchema>[] = [];
    const unreadable: { subscriptionId: string; resourceGroup?: string; code: string }[] = [];
    let scanned = 0;
    for (const scope of listingScopesOf(settings.ARC_SCOPES)) {
      let clusters;
      try {
        clusters = await listConnectedClusters(arm, scope);
      } catch (error) {
        // A scope without Microsoft.Kubernetes (or without read access) holds no cluster of ours;
        // the others are still swept. Retryable failures are thrown and retried.
        if (!(error instanceof ArcAutopilotError) || error.isRetryable) throw error;
        unreadable.push({ ...scope, code: error.code });
        continue;
      }
      for (const cluster of clusters) {
        if (!clusterScopeVerdict(cluster.id, settings).inScope) continue;
        const token = parseTokenTag(tagValue(cluster.tags, settings.ARC_APIM_TOKEN_TAG));
        const gatewayId = tagValue(cluster.tags, settings.ARC_APIM_GATEWAY_TAG)?.trim();
        if (!token || gatewayId === undefined) continue;
        scanned++;
        if (input.gatewayId !== undefined && !sameResourceId(gatewayId, input.gatewayId)) continue;
        const isDue =
          isRotationDue(token.expiresOn, arm.now(), input.windowDays) ||
          (input.expiresBy !== undefined &&
            Date.parse(token.expiresOn) <= Date.parse(input.expiresBy) + 60_000);
        if (isDue) due.push({ clusterId: cluster.id, gatewayId, token });
      }
    }
    return { scanned, due, unreadable };
  },
});

/** Starts `rotateApimGatewayToken_v1` for each cluster, unless its rotation is running. */
export const startApimRotations = defineActivity({
  name: "startApimRotations_v1",
  needs: "durableClient",
  input: z.strictObject({
    clusterIds: z.array(z.string().min(1).max(2048)).max(5000),
    trigger: z.string().max(64),
    deadlineMinutes: z.number().int().min(1).max(1440),
  }),
  output: z.strictObject({ started: z.array(z.string()), alreadyRunning: z.array(z.string()) }),
  async handler({ client }, input) {
    const started: string[] = [];
    const alreadyRunning: string[] = [];
    for (const clusterId of input.clusterIds) {
      const action = await startOnce(
        client,
        apimOrchestratorNames.rotate,
        apimInstanceId("rotate", clusterId),
        {
          clusterId,
          trigger: input.trigger,
          attempt: 1,
          deadlineMinutes: input.deadlineMinutes,
        },
      );
      (action === "started" ? started : alreadyRunning).push(clusterId);
    }
    return { started, alreadyRunning };
  },
});

/** Publishes a gateway outcome to ARC_OUTCOME_TOPIC_ENDPOINT; does nothing when none is configured. */
export const publishApimOutcome = defineActivity({
  name: "publishApimOutcome_v1",
  needs: "azure",
  input: z.strictObject({
    eventType: z.enum(apimOutcomeEventTypes),
    runId: z.string().min(1).max(256),
    clusterId: z.string().min(1).max(2048),
    data: z.record(z.string(), z.unknown()),
  }),
  output: z.strictObject({ published: z.boolean() }),
  handler: ({ arm, settings }, input) =>
    publishToOutcomeTopic(arm, settings.ARC_OUTCOME_TOPIC_ENDPOINT, {
      eventType: input.eventType,
      subject: input.clusterId,
      dedupeKey: input.runId,
      data: input.data,
    }),
});
