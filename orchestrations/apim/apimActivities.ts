// The API Management gateway activities. The gateway token exists only inside `installApimGateway`
// and `rotateApimToken`: each generates it and writes it into the extension's protected settings
// in the same invocation, and answers only the key it came from and its expiry — so no token
// reaches an orchestration's history, input, output, custom status, a log line or an error. The
// ingestion key is read from ARC_APIM_MONITORING_INGESTION_KEY in the same two places.
import { z } from "zod";

import {
  type ApimDeploymentView,
  apimDeploymentViewSchema,
  observeApimDeployment,
} from "../../shared/apim/observe";
import {
  configurationSettings,
  deploymentRequestSchema,
  deploymentSchema,
  gatewayAuthToken,
  resolveDeployment,
} from "../../shared/apim/parameters";
import { judgePrerequisites, prerequisiteVerdictSchema } from "../../shared/apim/prerequisites";
import { apimExtensionType } from "../../shared/apim/settings";
import {
  formatTokenTag,
  gatewayDigest,
  keyTypes,
  nextKeyType,
  tagValue,
  tokenExpiry,
  tokenRecordSchema,
  tokenTagGateway,
  withoutTag,
  withTag,
} from "../../shared/apim/tokenTag";
import {
  configurationEndpoint,
  findApimGatewayTarget,
  generateGatewayToken,
  putApimGateway,
} from "../../shared/azure/apiManagement";
import {
  beginDeleteClusterExtension,
  findClusterExtension,
  findConnectedCluster,
  getConnectedCluster,
  patchExtensionProtectedSettings,
  putClusterExtension,
  updateClusterTags,
} from "../../shared/azure/connectedClusters";
import { NotFoundError, ValidationError } from "../../shared/errors";
import { parseConnectedClusterId } from "../../shared/resourceId";
import { resourceIdField } from "../../shared/validation/fields";
import { type AzureDeps, defineActivity } from "../activity";

const clusterIdField = resourceIdField;

/**
 * Reads the cluster, the API Management service and gateway, and judges whether the deployment may
 * go ahead. Without a request the deployment comes from the cluster's ARC_APIM_GATEWAY_TAG and
 * the ARC_APIM_* defaults (the event path). Creates the gateway when it is missing and
 * ARC_APIM_CREATE_GATEWAY allows it. Writes nothing else.
 */
export const prepareApimDeployment = defineActivity({
  name: "prepareApimDeployment_v1",
  needs: "azure",
  input: z.strictObject({ clusterId: clusterIdField, request: deploymentRequestSchema.optional() }),
  output: z.discriminatedUnion("ok", [
    z.strictObject({
      ok: z.literal(true),
      deployment: deploymentSchema,
      configurationUri: z.string(),
      /** The extension is there already, deployed by arc-autopilot for this gateway (in any state: a rotation may be applying). */
      alreadyDeployed: z.boolean(),
      gatewayCreated: z.boolean(),
    }),
    z.strictObject({ ok: z.literal(false), code: z.string(), reason: z.string() }),
  ]),
  async handler({ arm, settings }, input) {
    const cluster = await findConnectedCluster(arm, input.clusterId);
    let request = input.request;
    if (request === undefined) {
      if (!cluster)
        return {
          ok: false as const,
          code: "ClusterNotFound",
          reason: `The cluster ${input.clusterId} does not exist`,
        };
      const tagged = tagValue(cluster.tags, settings.ARC_APIM_GATEWAY_TAG);
      if (tagged === undefined) {
        return {
          ok: false as const,
          code: "NotTagged",
          reason: `The cluster has no ${settings.ARC_APIM_GATEWAY_TAG} tag; nothing to deploy`,
        };
      }
      const parsed = deploymentRequestSchema.safeParse({ gatewayId: tagged.trim() });
      if (!parsed.success) {
        return {
          ok: false as const,
          code: "InvalidGatewayTag",
          reason: `The ${settings.ARC_APIM_GATEWAY_TAG} tag does not name an API Management gateway: ${parsed.error.issues.map((i) => i.message).join("; ")}`,
        };
      }
      request = parsed.data;
    }
    const deployment = resolveDeployment(request, settings);
    const target = await findApimGatewayTarget(arm, deployment.gatewayId);
    const service = target.service;
    const verdict = judgePrerequisites({
      clusterId: input.clusterId,
      ...(cluster ? { cluster } : {}),
      gatewayId: deployment.gatewayId,
      ...target,
      mayCreateGateway: settings.ARC_APIM_CREATE_GATEWAY,
    });
    prerequisiteVerdictSchema.parse(verdict);
    if (!verdict.ok) return { ok: false as const, code: verdict.code, reason: verdict.reason };
    if (deployment.monitoring && settings.ARC_APIM_MONITORING_INGESTION_KEY === undefined) {
      return {
        ok: false as const,
        code: "IngestionKeyNotSet",
        reason:
          "Monitoring was asked for but ARC_APIM_MONITORING_INGESTION_KEY is not set; nothing was written",
      };
    }
    if (verdict.createGateway) {
      await putApimGateway(
        arm,
        deployment.gatewayId,
        parseConnectedClusterId(input.clusterId).clusterName,
        `Self-hosted gateway on Arc-enabled Kubernetes cluster ${input.clusterId}, created by arc-autopilot`,
      );
    }
    const extension = await findClusterExtension(arm, input.clusterId, deployment.extensionName);
    const record = tagValue(cluster!.tags, settings.ARC_APIM_TOKEN_TAG);
    const recordedGateway = tokenTagGateway(record);
    const alreadyDeployed =
      extension !== undefined &&
      extension.extensionType.toLowerCase() === apimExtensionType.toLowerCase() &&
      record !== undefined &&
      (recordedGateway === undefined || recordedGateway === gatewayDigest(deployment.gatewayId)) &&
      extension.configurationSettings["gateway.configuration.uri"] === configurationEndpoint(service!);
    return {
      ok: true as const,
      deployment,
      configurationUri: configurationEndpoint(service!),
      alreadyDeployed,
      gatewayCreated: verdict.createGateway,
    };
  },
});

/** Protected settings: the token, and the ingestion key when the deployment has monitoring. */
function protectedSettings(deps: AzureDeps, token: string, monitoring: boolean): Record<string, string> {
  const ingestionKey = deps.settings.ARC_APIM_MONITORING_INGESTION_KEY;
  if (monitoring && ingestionKey === undefined) {
    throw new ValidationError(
      "Monitoring needs ARC_APIM_MONITORING_INGESTION_KEY, which is not set",
      "IngestionKeyNotSet",
    );
  }
  return {
    "gateway.auth.token": gatewayAuthToken(token),
    ...(monitoring && ingestionKey !== undefined ? { "monitoring.ingestionKey": ingestionKey } : {}),
  };
}

const tokenOutput = z.strictObject({ keyType: z.enum(keyTypes), expiresOn: z.string() });

/**
 * Generates a token (ARC_APIM_TOKEN_DAYS, at most 30) and PUTs the extension with it as a
 * protected setting, in one invocation. Safe to run twice: a second run PUTs the same settings with
 * a fresh token.
 */
export const installApimGateway = defineActivity({
  name: "installApimGateway_v1",
  needs: "azure",
  input: z.strictObject({
    clusterId: clusterIdField,
    deployment: deploymentSchema,
    configurationUri: z.string().min(1).max(2048),
  }),
  output: tokenOutput,
  async handler(deps, input) {
    const { arm, settings } = deps;
    const cluster = await getConnectedCluster(arm, input.clusterId);
    const previous = tokenRecordSchema.shape.keyType.safeParse(
      tagValue(cluster.tags, settings.ARC_APIM_TOKEN_TAG)?.split(";")[0],
    );
    const keyType = previous.success ? nextKeyType(previous.data) : "primary";
    const expiresOn = tokenExpiry(arm.now(), settings.ARC_APIM_TOKEN_DAYS);
    const token = await generateGatewayToken(arm, input.deployment.gatewayId, keyType, expiresOn);
    await putClusterExtension(arm, input.clusterId, input.deployment.extensionName, {
      extensionType: apimExtensionType,
      releaseTrain: input.deployment.releaseTrain,
      namespace: input.deployment.namespace,
      configurationSettings: configurationSettings(input.deployment, input.configurationUri),
      configurationProtectedSettings: protectedSettings(
        deps,
        token,
        input.deployment.monitoring !== undefined,
      ),
    });
    return { keyType, expiresOn };
  },
});

/**
 * Generates a token from the other key and PATCHes the extension's protected settings with it
 * (the ingestion key resupplied when the extension has monitoring), in one invocation.
 */
export const rotateApimToken = defineActivity({
  name: "rotateApimToken_v1",
  needs: "azure",
  input: z.strictObject({
    clusterId: clusterIdField,
    gatewayId: z.string().min(1).max(2048),
    extensionName: z.string().min(1).max(63),
    currentKeyType: z.enum(keyTypes),
  }),
  output: tokenOutput,
  async handler(deps, input) {
    const { arm, settings } = deps;
    const extension = await findClusterExtension(arm, input.clusterId, input.extensionName);
    if (!extension) {
      throw new NotFoundError(
        `The extension ${input.extensionName} is not on the cluster any more`,
        "ExtensionNotFound",
        404,
      );
    }
    const keyType = nextKeyType(input.currentKeyType);
    const expiresOn = tokenExpiry(arm.now(), settings.ARC_APIM_TOKEN_DAYS);
    const token = await generateGatewayToken(arm, input.gatewayId, keyType, expiresOn);
    const monitoring = extension.configurationSettings["monitoring.workspaceId"] !== undefined;
    await patchExtensionProtectedSettings(
      arm,
      input.clusterId,
      input.extensionName,
      protectedSettings(deps, token, monitoring),
    );
    return { keyType, expiresOn };
  },
});

/** The extension's state and the gateway's live nodes (reads only). */
export const readApimDeployment = defineActivity({
  name: "readApimDeployment_v1",
  needs: "azure",
  input: z.strictObject({
    clusterId: clusterIdField,
    gatewayId: z.string().min(1).max(2048).optional(),
    extensionName: z.string().min(1).max(63).optional(),
  }),
  output: apimDeploymentViewSchema,
  async handler({ arm, settings }, input): Promise<ApimDeploymentView> {
    return observeApimDeployment(arm, settings, input);
  },
});

/** Records the token's key and expiry (and the gateway) as tags on the cluster; never the token. */
export const recordApimToken = defineActivity({
  name: "recordApimToken_v1",
  needs: "azure",
  input: z.strictObject({
    clusterId: clusterIdField,
    gatewayId: z.string().min(1).max(2048),
    record: tokenRecordSchema,
  }),
  output: z.strictObject({ tag: z.string() }),
  async handler({ arm, settings }, input) {
    const cluster = await getConnectedCluster(arm, input.clusterId);
    const tag = formatTokenTag(input.record, input.gatewayId);
    let tags = withTag(cluster.tags, settings.ARC_APIM_TOKEN_TAG, tag);
    if (tagValue(cluster.tags, settings.ARC_APIM_GATEWAY_TAG) === undefined)
      tags = withTag(tags, settings.ARC_APIM_GATEWAY_TAG, input.gatewayId);
    const unchanged =
      tagValue(cluster.tags, settings.ARC_APIM_TOKEN_TAG) === tag &&
      tagValue(cluster.tags, settings.ARC_APIM_GATEWAY_TAG) !== undefined;
    if (!unchanged) await updateClusterTags(arm, input.clusterId, tags);
    return { tag };
  },
});

/**
 * Begins the extension's deletion and drops both tags: the token's, and the gateway's — left in
 * place, the next write of the cluster would deploy the gateway again.
 */
export const removeApimExtension = defineActivity({
  name: "removeApimExtension_v1",
  needs: "azure",
  input: z.strictObject({ clusterId: clusterIdField, extensionName: z.string().min(1).max(63) }),
  output: z.strictObject({ outcome: z.enum(["deleting", "deleted", "alreadyGone"]) }),
  async handler({ arm, settings }, input) {
    const started = await beginDeleteClusterExtension(arm, input.clusterId, input.extensionName);
    const cluster = await findConnectedCluster(arm, input.clusterId);
    if (
      cluster &&
      (tagValue(cluster.tags, settings.ARC_APIM_TOKEN_TAG) !== undefined ||
        tagValue(cluster.tags, settings.ARC_APIM_GATEWAY_TAG) !== undefined)
    ) {
      await updateClusterTags(
        arm,
        input.clusterId,
        withoutTag(withoutTag(cluster.tags, settings.ARC_APIM_TOKEN_TAG), settings.ARC_APIM_GATEWAY_TAG),
      );
    }
    return { outcome: started.done ? started.result : ("deleting" as const) };
  },
});
