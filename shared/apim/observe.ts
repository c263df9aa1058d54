// One look at a cluster's API Management gateway: the cluster, the token arc-autopilot recorded
// on it (key and expiry, never the token), the extension's state and public settings, and the
// gateway's live nodes. Reads only; the status route and the orchestrations' checks share it.
import { z } from "zod";

import { readGatewayHeartbeat } from "../azure/apiManagement";
import type { ArmContext } from "../azure/armContext";
import { findClusterExtension, findConnectedCluster } from "../azure/connectedClusters";
import type { Settings } from "../config";
import { NotFoundError } from "../errors";
import { parseTokenTag, tagValue, tokenRecordSchema } from "./tokenTag";

export const apimDeploymentViewSchema = z.strictObject({
  clusterId: z.string(),
  clusterExists: z.boolean(),
  connectivityStatus: z.string().optional(),
  gatewayId: z.string().optional(),
  token: tokenRecordSchema.optional(),
  extension: z
    .strictObject({
      name: z.string(),
      extensionType: z.string(),
      provisioningState: z.string(),
      releaseTrain: z.string().optional(),
      namespace: z.string().optional(),
      configurationSettings: z.record(z.string(), z.string()),
      protectedSettingNames: z.array(z.string()),
      errorMessage: z.string().optional(),
    })
    .optional(),
  /** The gateway's live nodes (heartbeating), when the gateway is known. */
  nodes: z.number().int().min(0).optional(),
  lastHeartbeat: z.string().optional(),
});

export type ApimDeploymentView = z.output<typeof apimDeploymentViewSchema>;

export async function observeApimDeployment(
  arm: ArmContext,
  settings: Pick<Settings, "ARC_APIM_GATEWAY_TAG" | "ARC_APIM_TOKEN_TAG" | "ARC_APIM_EXTENSION_NAME">,
  target: { readonly clusterId: string; readonly gatewayId?: string; readonly extensionName?: string },
): Promise<ApimDeploymentView> {
  const cluster = await findConnectedCluster(arm, target.clusterId);
  if (!cluster) return { clusterId: target.clusterId, clusterExists: false };
  const token = parseTokenTag(tagValue(cluster.tags, settings.ARC_APIM_TOKEN_TAG));
  const gatewayId = target.gatewayId ?? tagValue(cluster.tags, settings.ARC_APIM_GATEWAY_TAG)?.trim();
  const extensionName = target.extensionName ?? token?.extensionName ?? settings.ARC_APIM_EXTENSION_NAME;
  // The extension and the gateway's nodes side by side: each poll of a deployment or rotation waits on both.
  const [extension, heartbeat] = await Promise.all([
    findClusterExtension(arm, cluster.id, extensionName),
    gatewayId === undefined ? undefined : heartbeatOf(arm, gatewayId),
  ]);
  return {
    clusterId: cluster.id,
    clusterExists: true,
    connectivityStatus: cluster.connectivityStatus,
    ...(gatewayId !== undefined ? { gatewayId } : {}),
    ...(token ? { token } : {}),
    ...(extension
      ? {
          extension: {
            name: extension.name,
            extensionType: extension.extensionType,
            provisioningState: extension.provisioningState,
            ...(extension.releaseTrain !== undefined ? { releaseTrain: extension.releaseTrain } : {}),
            ...(extension.namespace !== undefined ? { namespace: extension.namespace } : {}),
            configurationSettings: extension.configurationSettings,
            protectedSettingNames: extension.protectedSettingNames,
            ...(extension.errorMessage !== undefined ? { errorMessage: extension.errorMessage } : {}),
          },
        }
      : {}),
    ...(heartbeat
      ? {
          nodes: heartbeat.nodes,
          ...(heartbeat.lastHeartbeat !== undefined ? { lastHeartbeat: heartbeat.lastHeartbeat } : {}),
        }
      : {}),
  };
}

/** The gateway's live nodes; none for a gateway that is gone or a tag that names none. */
async function heartbeatOf(
  arm: ArmContext,
  gatewayId: string,
): Promise<{ nodes: number; lastHeartbeat?: string } | undefined> {
  try {
    return await readGatewayHeartbeat(arm, gatewayId);
  } catch (error) {
    if (error instanceof NotFoundError || (error instanceof Error && error.name === "InvalidResourceIdError"))
      return undefined;
    throw error;
  }
}
