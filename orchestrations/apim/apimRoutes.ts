// The API Management gateway runbook routes, on one cluster
// (`clusters/{subscriptionId}/{resourceGroup}/{name}/apim-gateway`):
// - POST — deploy the gateway with the request's parameters (`deployApimGateway_v1`, one run per
//   cluster): 400 for bad input (a `serviceType` outside LoadBalancer|NodePort|ClusterIP, an
//   unknown setting, monitoring without ARC_APIM_MONITORING_INGESTION_KEY, a tier without
//   self-hosted gateways), 404 for a missing cluster, service or gateway, 409 for a cluster that is
//   not Connected or a run already going — all before anything is written; else 202.
// - GET — the cluster's gateway: extension state and public settings, the recorded token (key and
//   expiry, never the token), the gateway's live nodes, and its last deployment and rotation.
// - DELETE — remove the extension and its tags (`removeApimGateway_v1`): 202, 404 for no cluster.
// The cluster must lie in ARC_SCOPES, and so must the API Management gateway's resource group.
import { z } from "zod";

import { observeApimDeployment } from "../../shared/apim/observe";
import { deploymentRequestSchema, resolveDeployment } from "../../shared/apim/parameters";
import { judgePrerequisites } from "../../shared/apim/prerequisites";
import { parseTokenTag, tagValue } from "../../shared/apim/tokenTag";
import { findApimGatewayTarget } from "../../shared/azure/apiManagement";
import { findConnectedCluster } from "../../shared/azure/connectedClusters";
import { getSettings } from "../../shared/config";
import { resourceGroupField, subscriptionIdField } from "../../shared/onboarding/fleet";
import {
  connectedClusterResourceId,
  parseApimGatewayId,
  resolveRequestedResourceId,
} from "../../shared/resourceId";
import { accepted, notFound, ok, RouteError } from "../../shared/runbooks/http/answers";
import { defineRoute, type RouteContext } from "../../shared/runbooks/http/route";
import { scopeVerdict } from "../../shared/runbooks/targetScope";
import { findInstanceStatus, hasEnded, isNotFound } from "../durableStatus";
import { apimInstanceId, apimOrchestratorNames } from "./apimNames";
import { startApimDeployment } from "./apimStarter";

const exampleSubscription = "00000000-0000-0000-0000-000000000000";
const operationLinks = z.object({ id: z.string(), statusUrl: z.string(), cancelUrl: z.string() });

const clusterPathParams = z.strictObject({
  subscriptionId: subscriptionIdField,
  resourceGroup: resourceGroupField,
  name: z
    .string()
    .regex(/^[a-zA-Z0-9][-_a-zA-Z0-9]{0,62}$/, "a connected cluster name (1-63 letters, digits, - _)"),
});

const exampleParams = { subscriptionId: exampleSubscription, resourceGroup: "rg-k8s", name: "aks-edge-1" };
const exampleGatewayId = `/subscriptions/${exampleSubscription}/resourceGroups/rg-apim/providers/Microsoft.ApiManagement/service/contoso-apim/gateways/edge-dc1`;

function clusterIdOf(params: z.output<typeof clusterPathParams>, context: RouteContext): string {
  context.ensureInScope(
    "scope",
    `/subscriptions/${params.subscriptionId}/resourceGroups/${params.resourceGroup}`,
    "params.name",
  );
  return connectedClusterResourceId({
    subscriptionId: params.subscriptionId,
    resourceGroup: params.resourceGroup,
    clusterName: params.name,
  });
}

/** The gateway id as a URL would reach it, an API Management gateway's, its resource group in ARC_SCOPES (403). */
const scopedGatewayIdField = z
  .string()
  .max(4096)
  .transform((raw, ctx): string => {
    let id: string;
    try {
      id = resolveRequestedResourceId(raw);
      parseApimGatewayId(id);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
    const gateway = parseApimGatewayId(id);
    const verdict = scopeVerdict(
      "scope",
      `/subscriptions/${gateway.subscriptionId}/resourceGroups/${gateway.resourceGroup}`,
      getSettings(),
    );
    if (!verdict.inScope) {
      ctx.addIssue({
        code: "custom",
        message: `${id} is outside the scope: ${verdict.rule}`,
        params: { status: 403, code: "OutOfScope" },
      });
      return z.NEVER;
    }
    return id;
  })
  .meta({
    description: "The API Management gateway's resource id; its resource group must lie in ARC_SCOPES.",
    example: exampleGatewayId,
  });

const deployBody = deploymentRequestSchema
  .extend({ gatewayId: scopedGatewayIdField })
  .meta({ id: "DeployApimGatewayRequest" });

export const deployApimGatewayRoute = defineRoute({
  name: "deployApimGateway",
  method: "POST",
  route: "clusters/{subscriptionId}/{resourceGroup}/{name}/apim-gateway",
  role: "operate",
  tag: "apim",
  summary: "Deploy an API Management self-hosted gateway on an Arc-enabled Kubernetes cluster",
  description:
    "Checks the cluster (Connected), the service's tier (Developer or Premium) and the gateway, then starts " +
    "deployApimGateway_v1: a token generated and the Microsoft.ApiManagement.Gateway extension installed with it " +
    "as a protected setting, the install waited out, healthy once the gateway heartbeats; the token's key and " +
    "expiry are tagged on the cluster for the rotation. Nothing is written when a check fails.",
  params: clusterPathParams,
  body: deployBody,
  responses: {
    202: {
      description: "Accepted: the deployment's status URL is in Location and the body.",
      body: z
        .object({ clusterId: z.string(), gatewayId: z.string(), operation: operationLinks })
        .meta({ id: "DeployApimGatewayAccepted" }),
    },
    404: { description: "The cluster, the API Management service or the gateway does not exist." },
    409: { description: "The cluster is not Connected, or a deployment of it is running." },
  },
  example: {
    params: exampleParams,
    body: { gatewayId: exampleGatewayId, serviceType: "LoadBalancer", replicas: 2 },
    conflictOnRepeat: true,
  },
  async handler({ params, body }, context) {
    const clusterId = clusterIdOf(params, context);
    const settings = context.settings;
    if (body.monitoring && settings.ARC_APIM_MONITORING_INGESTION_KEY === undefined) {
      throw new RouteError(
        400,
        "InvalidInput",
        "body.monitoring: ARC_APIM_MONITORING_INGESTION_KEY is not set, so no ingestion key can be given to the gateway",
        { field: "body.monitoring" },
      );
    }
    const deployment = resolveDeployment(body, settings);
    const arm = context.arm();
    const cluster = await findConnectedCluster(arm, clusterId);
    if (!cluster) return notFound(`The connected cluster ${clusterId} does not exist`, "params.name");
    const verdict = judgePrerequisites({
      clusterId,
      cluster,
      gatewayId: deployment.gatewayId,
      ...(await findApimGatewayTarget(arm, deployment.gatewayId)),
      mayCreateGateway: settings.ARC_APIM_CREATE_GATEWAY,
    });
    if (!verdict.ok) {
      const status = {
        ClusterNotFound: 404,
        ServiceNotFound: 404,
        GatewayNotFound: 404,
        ClusterNotConnected: 409,
        TierWithoutSelfHostedGateways: 400,
        NotTagged: 400,
      }[verdict.code];
      const field = verdict.code.startsWith("Cluster") ? "params.name" : "body.gatewayId";
      throw new RouteError(
        status,
        status === 400 ? "InvalidInput" : status === 404 ? "NotFound" : "Conflict",
        `${field}: ${verdict.reason}`,
        { field },
      );
    }
    const started = await startApimDeployment(context.durable(), settings, clusterId, "runbook", body);
    const links = context.operationLinks(started.instanceId);
    if (started.action !== "started")
      throw new RouteError(409, "Conflict", `A gateway deployment of ${params.name} is running`, {
        operation: links,
      });
    return accepted(links, { clusterId, gatewayId: deployment.gatewayId });
  },
});

const instanceView = z
  .object({ runtimeStatus: z.string(), output: z.unknown().optional(), customStatus: z.unknown().optional() })
  .optional();

export const apimGatewayStatusRoute = defineRoute({
  name: "apimGatewayStatus",
  method: "GET",
  route: "clusters/{subscriptionId}/{resourceGroup}/{name}/apim-gateway",
  role: "read",
  tag: "apim",
  summary: "A cluster's API Management gateway: extension, token expiry, live nodes, last runs",
  params: clusterPathParams,
  responses: {
    200: {
      description: "What Azure shows now, and the last deployment and rotation of the cluster.",
      body: z
        .object({
          clusterId: z.string(),
          connectivityStatus: z.string().optional(),
          gatewayId: z.string().optional(),
          healthy: z.boolean().meta({ description: "Extension Succeeded and the gateway heartbeating." }),
          nodes: z.number().optional(),
          lastHeartbeat: z.string().optional(),
          token: z
            .object({ keyType: z.string(), expiresOn: z.string(), extensionName: z.string() })
            .optional(),
          extension: z.unknown().optional(),
          lastDeployment: instanceView,
          lastRotation: instanceView,
        })
        .meta({ id: "ApimGatewayStatus" }),
    },
    404: { description: "The cluster does not exist." },
  },
  example: { params: exampleParams },
  async handler({ params }, context) {
    const clusterId = clusterIdOf(params, context);
    const view = await observeApimDeployment(context.arm(), context.settings, { clusterId });
    if (!view.clusterExists)
      return notFound(`The connected cluster ${clusterId} does not exist`, "params.name");
    const run = async (kind: "deploy" | "rotate") => {
      const status = await context
        .durable()
        .getStatus(apimInstanceId(kind, clusterId))
        .catch((error: unknown) => {
          if (isNotFound(error)) return undefined;
          throw error;
        });
      if (!status?.runtimeStatus) return undefined;
      return {
        runtimeStatus: String(status.runtimeStatus),
        ...(status.output !== undefined && status.output !== null ? { output: status.output } : {}),
        ...(status.customStatus !== undefined && status.customStatus !== null
          ? { customStatus: status.customStatus }
          : {}),
      };
    };
    const { clusterExists: _exists, ...shown } = view;
    return ok({
      ...shown,
      healthy: view.extension?.provisioningState === "Succeeded" && (view.nodes ?? 0) > 0,
      lastDeployment: await run("deploy"),
      lastRotation: await run("rotate"),
    });
  },
});

export const removeApimGatewayRoute = defineRoute({
  name: "removeApimGateway",
  method: "DELETE",
  route: "clusters/{subscriptionId}/{resourceGroup}/{name}/apim-gateway",
  role: "operate",
  tag: "apim",
  summary: "Remove the API Management gateway extension (and its tags) from a cluster",
  params: clusterPathParams,
  responses: {
    202: {
      description: "Accepted: the removal's status URL is in Location and the body.",
      body: z
        .object({ clusterId: z.string(), extensionName: z.string(), operation: operationLinks })
        .meta({ id: "RemoveApimGatewayAccepted" }),
    },
    404: { description: "The cluster does not exist." },
    409: { description: "A deployment, rotation or removal of the cluster's gateway is running." },
  },
  example: { params: exampleParams },
  async handler({ params }, context) {
    const clusterId = clusterIdOf(params, context);
    const cluster = await findConnectedCluster(context.arm(), clusterId);
    if (!cluster) return notFound(`The connected cluster ${clusterId} does not exist`, "params.name");
    const client = context.durable();
    for (const kind of ["deploy", "rotate", "remove"] as const) {
      const status = await findInstanceStatus(client, apimInstanceId(kind, clusterId));
      if (status && !hasEnded(status.runtimeStatus)) {
        throw new RouteError(409, "Conflict", `A gateway ${kind} run of ${params.name} is going`, {
          operation: context.operationLinks(apimInstanceId(kind, clusterId)),
        });
      }
    }
    const extensionName =
      parseTokenTag(tagValue(cluster.tags, context.settings.ARC_APIM_TOKEN_TAG))?.extensionName ??
      context.settings.ARC_APIM_EXTENSION_NAME;
    const instanceId = apimInstanceId("remove", clusterId);
    await client.startNew(apimOrchestratorNames.remove, { instanceId, input: { clusterId, extensionName } });
    return accepted(context.operationLinks(instanceId), { clusterId, extensionName });
  },
});

export const apimRoutes = [deployApimGatewayRoute, apimGatewayStatusRoute, removeApimGatewayRoute];
