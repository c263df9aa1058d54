// Admin routes that act on the emulated world: machines joining Arc, agents going offline,
// resources deleted behind the app's back, gateway creations that fail.
import { z } from "zod";

import { ArcAutopilotError } from "../../../shared/errors";
import { parseResourceId, resourceTypeOf } from "../../../shared/resourceId";
import { armErrors, ArmHttpError } from "../armError";
import { armRequestFor } from "../armResource";
import type { EventSubscriptionOptions } from "../eventGrid";
import { onboardingPrincipal } from "../principal";
import { apiManagementApiVersions } from "../providers/apiManagement/services";
import { hybridComputeApiVersion } from "../providers/hybridCompute/armConventions";
import { failNextGatewayCreations } from "../providers/hybridCompute/gateways";
import { connectMachine, setMachineConnectivity } from "../providers/hybridCompute/machines";
import { hybridConnectivityApiVersions } from "../providers/hybridConnectivity";
import { connectedClustersApiVersions } from "../providers/kubernetes/connectedClusters";
import { extensionsApiVersions } from "../providers/kubernetes/extensions";
import { adminResourceIdSchema, parseAdminBody } from "../validation";
import type { AdminRoute } from "./adminApi";
import { failNextRoute } from "./failureRoute";

/** Typed errors from the Event Grid topic (bad options, failed handshake, name taken) as ARM answers. */
function asAdminError(error: unknown): unknown {
  if (error instanceof ArcAutopilotError) {
    return new ArmHttpError(error.statusCode ?? 400, error.code, error.message);
  }
  return error;
}

export const adminOperations: AdminRoute[] = [
  {
    method: "POST",
    path: "/machines",
    summary:
      "A server runs `azcmagent connect`: {subscriptionId, resourceGroup, name, location, agentVersion, osType, osName, osVersion, status?, configMode?, extensionsAllowList?, extensionsBlockList?, incomingConnectionsPorts?, tags?}. Emits the machine's write event.",
    handle: (emulator, body) =>
      connectMachine(emulator.context(), body as Parameters<typeof connectMachine>[1], onboardingPrincipal),
  },
  {
    method: "PUT",
    path: "/machines/connectivity",
    summary:
      "The agent's heartbeat changes: {machineId, status: Connected|Disconnected|Error|AwaitingConnection}.",
    handle: (emulator, body) => {
      const input = parseAdminBody(
        z.strictObject({
          machineId: adminResourceIdSchema,
          status: z.enum(["Connected", "Disconnected", "Error", "AwaitingConnection"]),
        }),
        body,
      );
      setMachineConnectivity(emulator.context(), input.machineId, input.status);
      return input;
    },
  },
  {
    method: "POST",
    path: "/resources/delete",
    summary:
      "Deletes a resource (and what is nested under it) behind the app's back: {resourceId, silent?}. Emits the delete event unless silent (a missed event).",
    handle: (emulator, body) => {
      const input = parseAdminBody(
        z.strictObject({ resourceId: adminResourceIdSchema, silent: z.boolean().default(false) }),
        body,
      );
      const context = emulator.context();
      const removed = context.state.deleteResource(input.resourceId);
      if (removed.length === 0)
        throw armErrors.notFound(resourceTypeOf(parseResourceId(input.resourceId)), input.resourceId);
      const target =
        removed.find((r) => r.id.toLowerCase() === input.resourceId.toLowerCase()) ?? removed[0]!;
      if (!input.silent) {
        // A delete's event reports the request (docs/azure-facts.md §9): the DELETE ARM would have had.
        context.publish({
          kind: "delete",
          resourceUri: target.id,
          operationName: `${target.type}/delete`,
          principal: onboardingPrincipal,
          httpRequest: armRequestFor(context, "DELETE", target.id, apiVersionFor(target.type)),
          correlationId: context.correlationId,
          status: "Succeeded",
        });
      }
      return { deleted: removed.map((r) => r.id) };
    },
  },
  {
    method: "POST",
    path: "/eventgrid/subscriptions",
    summary:
      "Adds a webhook subscriber after its validation handshake: {name, endpointUrl, schema?, includedEventTypes?, operationNameFilters?, subjectBeginsWith?, maxDeliveryAttempts?, eventTimeToLiveInMinutes?, maxEventsPerBatch?, duplicateRate?, shuffle?}.",
    handle: async (emulator, body) => {
      try {
        return await emulator.eventGrid.addSubscription(body as EventSubscriptionOptions);
      } catch (error) {
        throw asAdminError(error);
      }
    },
  },
  {
    method: "GET",
    path: "/eventgrid/subscriptions",
    summary: "The webhook subscribers.",
    handle: (emulator) => ({ value: emulator.eventGrid.listSubscriptions() }),
  },
  {
    method: "DELETE",
    path: "/eventgrid/subscriptions/{name}",
    summary: "Removes a webhook subscriber (its pending retries too).",
    handle: (emulator, _body, params) => {
      const name = params.name ?? "";
      if (!emulator.eventGrid.removeSubscription(name)) throw armErrors.notFound("eventSubscriptions", name);
      return { removed: name };
    },
  },
  failNextRoute(
    "/gateways/failures",
    "Makes the next gateway creations end Failed: {count, code?, message?}.",
    failNextGatewayCreations,
    { code: "GatewayProvisioningFailed", message: "The Arc gateway could not be provisioned." },
  ),
];

/** The api-version the emulator serves for a resource type, for the URL an event reports. */
function apiVersionFor(resourceType: string): string | undefined {
  const namespace = resourceType.split("/")[0]?.toLowerCase();
  if (namespace === "microsoft.hybridcompute") return hybridComputeApiVersion;
  if (namespace === "microsoft.hybridconnectivity") return hybridConnectivityApiVersions[0];
  if (namespace === "microsoft.kubernetes") return connectedClustersApiVersions[0];
  if (namespace === "microsoft.kubernetesconfiguration") return extensionsApiVersions[0];
  if (namespace === "microsoft.apimanagement") return apiManagementApiVersions[0];
  return undefined;
}
