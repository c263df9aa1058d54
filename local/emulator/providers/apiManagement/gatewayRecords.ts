// Looking up API Management gateways (`service/{svc}/gateways/{gw}`) in the emulator's store.
import { parseResourceId } from "../../../../shared/resourceId";
import type { StoredResource } from "../../state";
import type { EmulatorContext } from "../../types";
import { findStoredResource } from "../hybridCompute/armConventions";
import { apiManagementServiceType } from "./services";

export const apimGatewayType = "Microsoft.ApiManagement/service/gateways";

export function apimGatewayIdOf(serviceId: string, gatewayName: string): string {
  return `${serviceId}/gateways/${gatewayName}`;
}

export function findApimGateway(context: EmulatorContext, gatewayId: string): StoredResource | undefined {
  return findStoredResource(context, gatewayId, apimGatewayType);
}

/** The service an id under it belongs to. */
export function serviceIdOfGateway(gatewayId: string): string {
  const parsed = parseResourceId(gatewayId);
  const service = parsed.providers[0]?.types[0];
  return `/subscriptions/${parsed.subscriptionId}/resourceGroups/${parsed.resourceGroup ?? ""}/providers/${apiManagementServiceType}/${service?.name ?? ""}`;
}

/** The service named `name` anywhere in the emulator (APIM service names are globally unique). */
export function findServiceByName(context: EmulatorContext, name: string): StoredResource | undefined {
  return context.state
    .listResources({ type: apiManagementServiceType })
    .find((service) => String(service.body.name).toLowerCase() === name.toLowerCase());
}
