// The Azure Resource Manager events the app acts on: the one list the event routing
// (toMachineEvent.ts, apimEvents.ts) reads, and the one the deployment's Event Grid filters are
// checked against (test/infra), so a subscription never delivers less than the routing handles,
// nor more than it needs. API Management's token event types are a setting
// (ARC_APIM_TOKEN_EVENT_TYPES), not listed here.

/** Event types of a subscription's system topic (Microsoft.Resources.Subscriptions) the app reads. */
export const resourceEventTypes = {
  write: "Microsoft.Resources.ResourceWriteSuccess",
  delete: "Microsoft.Resources.ResourceDeleteSuccess",
} as const;

/** `data.operationName` values the routing acts on, as ARM spells them (Event Grid compares them case-insensitively). */
export const subscribedOperations = {
  /** An Arc machine created or updated: onboard it. */
  machineWrite: "Microsoft.HybridCompute/machines/write",
  /** An Arc machine deleted: stop its onboarding. */
  machineDelete: "Microsoft.HybridCompute/machines/delete",
  /** An Arc-enabled Kubernetes cluster created or updated: check its API Management gateway tag. */
  connectedClusterWrite: "Microsoft.Kubernetes/connectedClusters/write",
} as const;

/** Whether `operationName` (any case, as ARM may send it) is `expected`. */
export function isOperation(operationName: string, expected: string): boolean {
  return operationName.toLowerCase() === expected.toLowerCase();
}
