// Shortcuts for tests and demos of the API Management gateway story: an API Management service with a
// self-hosted gateway, and an Arc-enabled cluster joining with the tag that asks for it (its
// write event goes out through Event Grid as `az connectedk8s connect` would make it).
import { apimGatewayIdOf } from "./providers/apiManagement/gatewayRecords";
import { createApimGateway } from "./providers/apiManagement/gateways";
import { type ApiManagementSku, createApiManagementService } from "./providers/apiManagement/services";
import { connectCluster, type ConnectClusterInput } from "./providers/kubernetes/connectedClusters";
import type { EmulatorContext } from "./types";

export interface ApimGatewaySeed {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly serviceName: string;
  readonly gatewayName: string;
  /** Developer by default; Basic, Standard… make the tier check fail. */
  readonly sku?: ApiManagementSku;
  readonly location?: string;
  /** False: the service only, the gateway left for the app to create. */
  readonly createGateway?: boolean;
}

/** Creates the service (and its gateway); returns both ids. */
export function seedApimGateway(
  context: EmulatorContext,
  seed: ApimGatewaySeed,
): { serviceId: string; gatewayId: string } {
  const service = createApiManagementService(context, {
    subscriptionId: seed.subscriptionId,
    resourceGroup: seed.resourceGroup,
    name: seed.serviceName,
    location: seed.location ?? "westeurope",
    sku: seed.sku ?? "Developer",
  });
  const serviceId = String(service.id);
  if (seed.createGateway !== false) createApimGateway(context, { serviceId, name: seed.gatewayName });
  return { serviceId, gatewayId: apimGatewayIdOf(serviceId, seed.gatewayName) };
}

/** A cluster joins Arc tagged `{tagName: gatewayId}` (plus any other tags); returns its id. */
export function joinTaggedCluster(
  context: EmulatorContext,
  cluster: Omit<ConnectClusterInput, "tags"> & {
    readonly tagName: string;
    readonly gatewayId: string;
    readonly tags?: Record<string, string>;
  },
): string {
  const { tagName, gatewayId, tags, ...rest } = cluster;
  const body = connectCluster(context, { ...rest, tags: { ...tags, [tagName]: gatewayId } });
  return String(body.id);
}
