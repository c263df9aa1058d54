// Every route the emulator serves, by provider.
import { asyncOperationRoutes } from "../asyncOperations";
import type { RouteDefinition } from "../types";
import { apimGatewaysRoutes } from "./apiManagement/gateways";
import { apiManagementServiceRoutes } from "./apiManagement/services";
import { gatewaysRoutes } from "./hybridCompute/gateways";
import { machinesRoutes } from "./hybridCompute/machines";
import { runCommandsRoutes } from "./hybridCompute/runCommands";
import { settingsRoutes } from "./hybridCompute/settings";
import { hybridConnectivityRoutes } from "./hybridConnectivity";
import { connectedClustersRoutes } from "./kubernetes/connectedClusters";
import { clusterExtensionsRoutes } from "./kubernetes/extensions";
import { resourceGraphRoutes } from "./resourceGraph";
import { resourceProvidersRoutes } from "./resourceProviders";

export const hybridComputeApiVersions = ["2025-01-13"] as const;

export function allRoutes(): RouteDefinition[] {
  return [
    ...machinesRoutes(),
    ...gatewaysRoutes(),
    ...settingsRoutes(),
    ...runCommandsRoutes(),
    ...asyncOperationRoutes("Microsoft.HybridCompute", hybridComputeApiVersions),
    ...resourceProvidersRoutes(),
    ...hybridConnectivityRoutes(),
    ...resourceGraphRoutes(),
    ...connectedClustersRoutes(),
    ...clusterExtensionsRoutes(),
    ...apiManagementServiceRoutes(),
    ...apimGatewaysRoutes(),
  ];
}
