// Admin routes for Arc-enabled Kubernetes and API Management self-hosted gateways: clusters
// joining Arc (tagged), their agents' connectivity, tags written by someone else, API Management
// services and gateways a test needs, the gateway's heartbeat, what protected settings an
// extension holds (names and fingerprints, never values), token-event knobs and install failures.
import { z } from "zod";

import { armErrors } from "../armError";
import { deploymentOf } from "../providers/apiManagement/deployments";
import { apimGatewayType, findApimGateway } from "../providers/apiManagement/gatewayRecords";
import { createApimGateway } from "../providers/apiManagement/gateways";
import { checkGatewayToken, fingerprint } from "../providers/apiManagement/gatewayTokens";
import { liveNodes, setTokenEventOptions, targetOf } from "../providers/apiManagement/heartbeat";
import { createApiManagementService } from "../providers/apiManagement/services";
import {
  connectCluster,
  setClusterConnectivity,
  setClusterTags,
} from "../providers/kubernetes/connectedClusters";
import { extensionProtectedSettings, failNextExtensionOperations } from "../providers/kubernetes/extensions";
import { adminResourceIdSchema, parseAdminBody } from "../validation";
import type { AdminRoute } from "./adminApi";
import { failNextRoute } from "./failureRoute";

export const selfHostedGatewayAdminRoutes: AdminRoute[] = [
  {
    method: "POST",
    path: "/connectedClusters",
    summary:
      "A cluster joins Arc (`az connectedk8s connect`): {subscriptionId, resourceGroup, name, location, tags?, connectivityStatus?, kubernetesVersion?, totalNodeCount?, totalCoreCount?, agentVersion?, distribution?, infrastructure?}. Emits the cluster's write event.",
    handle: (emulator, body) =>
      connectCluster(emulator.context(), body as Parameters<typeof connectCluster>[1]),
  },
  {
    method: "PUT",
    path: "/connectedClusters/connectivity",
    summary:
      "The cluster agents' heartbeat changes: {clusterId, status: Connected|Offline|Connecting|Expired|AgentNotInstalled} (Disconnected is taken as Offline). Emits the write event.",
    handle: (emulator, body) => {
      const input = parseAdminBody(
        z.strictObject({ clusterId: adminResourceIdSchema, status: z.string().min(1) }),
        body,
      );
      return setClusterConnectivity(emulator.context(), input.clusterId, input.status);
    },
  },
  {
    method: "PUT",
    path: "/connectedClusters/tags",
    summary: "Someone replaces the cluster's tags: {clusterId, tags}. Emits the write event.",
    handle: (emulator, body) => {
      const input = parseAdminBody(
        z.strictObject({ clusterId: adminResourceIdSchema, tags: z.record(z.string(), z.string()) }),
        body,
      );
      return setClusterTags(emulator.context(), input.clusterId, input.tags);
    },
  },
  {
    method: "POST",
    path: "/apim/services",
    summary:
      "An API Management service exists: {subscriptionId, resourceGroup, name, location, sku: Developer|Premium|Basic|Standard|Consumption|Isolated|BasicV2|StandardV2, capacity?, publisherEmail?, publisherName?, tags?}.",
    handle: (emulator, body) =>
      createApiManagementService(
        emulator.context(),
        body as Parameters<typeof createApiManagementService>[1],
      ),
  },
  {
    method: "POST",
    path: "/apim/gateways",
    summary: "A self-hosted gateway exists in a service: {serviceId, name, locationName?, description?}.",
    handle: (emulator, body) => {
      const input = parseAdminBody(
        z.strictObject({
          serviceId: adminResourceIdSchema,
          name: z.string().min(1),
          locationName: z.string().min(1).max(256).optional(),
          description: z.string().max(1000).optional(),
        }),
        body,
      );
      return createApimGateway(emulator.context(), input);
    },
  },
  {
    method: "POST",
    path: "/apim/heartbeat",
    summary:
      "The gateway's live nodes, as the portal shows them: {gatewayId} → {value:[{name, hostname, instanceId, lastHeartbeat, version}], count}.",
    handle: (emulator, body) => {
      const { gatewayId } = parseAdminBody(z.strictObject({ gatewayId: adminResourceIdSchema }), body);
      const context = emulator.context();
      if (!findApimGateway(context, gatewayId)) throw armErrors.notFound(apimGatewayType, gatewayId);
      const value = liveNodes(context, gatewayId);
      return { value, count: value.length };
    },
  },
  {
    method: "PUT",
    path: "/apim/tokenEvents",
    summary:
      "API Management's gateway token events: {drop?: true loses them all, nearExpiryLeadMs?: how long before expiry GatewayTokenNearExpiry comes (default 7 days)}.",
    handle: (emulator, body) => {
      const input = parseAdminBody(
        z.strictObject({
          drop: z.boolean().optional(),
          nearExpiryLeadMs: z
            .number()
            .int()
            .min(0)
            .max(30 * 24 * 3600_000)
            .optional(),
        }),
        body,
      );
      return setTokenEventOptions(emulator.state, {
        ...(input.drop === undefined ? {} : { drop: input.drop }),
        ...(input.nearExpiryLeadMs === undefined ? {} : { nearExpiryLeadMs: input.nearExpiryLeadMs }),
      });
    },
  },
  {
    method: "POST",
    path: "/extensions/protectedSettings",
    summary:
      "What protected settings an extension was given and what runs: {extensionId} → names with sha256 fingerprints (never values), and the running gateway token's gateway, expiry, key and validity.",
    handle: (emulator, body) => {
      const { extensionId } = parseAdminBody(z.strictObject({ extensionId: adminResourceIdSchema }), body);
      const context = emulator.context();
      const requested = extensionProtectedSettings(emulator.state, extensionId);
      if (!requested) throw armErrors.notFound("Microsoft.KubernetesConfiguration/extensions", extensionId);
      const running = deploymentOf(emulator.state, extensionId);
      const target = running ? targetOf(context, running) : undefined;
      const gateway = target ? findApimGateway(context, target.gatewayId) : undefined;
      const token =
        target && gateway
          ? checkGatewayToken(
              context,
              gateway.id,
              String(gateway.body.name),
              running?.protectedSettings["gateway.auth.token"] ?? "",
            )
          : undefined;
      return {
        requested: Object.fromEntries(
          Object.entries(requested).map(([name, value]) => [name, fingerprint(value)]),
        ),
        running: running
          ? Object.fromEntries(
              Object.entries(running.protectedSettings).map(([name, value]) => [name, fingerprint(value)]),
            )
          : null,
        gatewayToken:
          target && token
            ? {
                gatewayId: target.gatewayId,
                expiresOn: new Date(token.expiresAt).toISOString(),
                keyType: token.keyType ?? null,
                valid: token.keyType !== undefined && token.expiresAt > context.clock.now(),
              }
            : null,
      };
    },
  },
  failNextRoute(
    "/extensions/failures",
    "Makes the next cluster extension installs or updates end Failed: {count, code?, message?}.",
    failNextExtensionOperations,
    { code: "ExtensionOperationFailed", message: "The extension's Helm release failed to install." },
  ),
];
