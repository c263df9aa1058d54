// Every api-version arc-autopilot sends, in one place. Each has an official OpenAPI spec that
// the contract check validates traffic against (see README, "Azure API versions").
export const apiVersions = {
  /** Lowest stable version with gateways, machine settings, run commands and agentConfiguration. */
  hybridCompute: "2025-01-13",
  /** Endpoints and service configurations (SSH). 2023-03-15 is what `az ssh` used; 2024-12-01 is the newest stable. */
  hybridConnectivity: "2024-12-01",
  /** Microsoft.Resources: resource providers (the @azure/arm-resources 7.x default). */
  resources: "2025-04-01",
  /** Microsoft.ResourceGraph resources query (the latest stable; docs/azure-facts.md §13). */
  resourceGraph: "2024-04-01",
  kubernetesConfiguration: "2023-05-01",
  apiManagement: "2024-05-01",
  connectedClusters: "2026-05-01",
} as const;

export type ApiVersionKey = keyof typeof apiVersions;
