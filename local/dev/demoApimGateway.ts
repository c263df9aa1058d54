// The demo's gateway act: a Kubernetes cluster joins Arc carrying the API Management gateway tag
// (ARC_APIM_GATEWAY_TAG, its value a Developer-tier service's gateway), so `npm run dev` shows the
// app deploying the self-hosted gateway extension on it — prerequisites, the token generated and
// written as a protected setting, the install waited out, the heartbeat checked — and logs the
// result: healthy with its live nodes and the token's key and expiry (never the token).
import { apimInstanceId } from "../../orchestrations/apim/apimNames";
import { getSettings } from "../../shared/config";
import { demoSubscriptionIds } from "../emulator/demoFleet";
import { createApimGateway } from "../emulator/providers/apiManagement/gateways";
import { createApiManagementService } from "../emulator/providers/apiManagement/services";
import { connectCluster } from "../emulator/providers/kubernetes/connectedClusters";
import { presetProviderRegistration } from "../emulator/providers/resourceProviders";
import type { LocalHost } from "../host";
import type { ActivityView } from "./activityView";

export const demoCluster = { resourceGroup: "rg-k8s-edge", name: "aks-edge-store-042" } as const;

/** Joins the demo cluster, tagged with a new Developer-tier gateway; logs the deployment's result when it ends. */
export function joinDemoApimCluster(host: LocalHost, view: ActivityView): string | undefined {
  const emulator = host.emulator;
  if (!emulator) return undefined;
  const subscriptionId = demoSubscriptionIds[0];
  for (const namespace of [
    "Microsoft.Kubernetes",
    "Microsoft.KubernetesConfiguration",
    "Microsoft.ApiManagement",
  ])
    presetProviderRegistration(emulator.state, subscriptionId, namespace, "Registered");
  const context = emulator.context();
  createApiManagementService(context, {
    subscriptionId,
    resourceGroup: "rg-apim",
    name: "contoso-apim-demo",
    location: "westeurope",
    sku: "Developer",
  });
  const serviceId = `/subscriptions/${subscriptionId}/resourceGroups/rg-apim/providers/Microsoft.ApiManagement/service/contoso-apim-demo`;
  createApimGateway(context, { serviceId, name: "store-042" });
  const gatewayId = `${serviceId}/gateways/store-042`;
  const clusterId = `/subscriptions/${subscriptionId}/resourceGroups/${demoCluster.resourceGroup}/providers/Microsoft.Kubernetes/connectedClusters/${demoCluster.name}`;
  const instanceId = apimInstanceId("deploy", clusterId);
  let reported = false;
  const unsubscribe = host.engine.onInstanceChanged((status) => {
    if (
      reported ||
      status.instanceId !== instanceId ||
      !["Completed", "Failed", "Terminated"].includes(status.runtimeStatus)
    )
      return;
    reported = true;
    unsubscribe();
    view.log(apimDeploySummary(demoCluster.name, status.runtimeStatus, status.output));
  });
  connectCluster(context, {
    subscriptionId,
    resourceGroup: demoCluster.resourceGroup,
    name: demoCluster.name,
    location: "westeurope",
    tags: { [getSettings().ARC_APIM_GATEWAY_TAG]: gatewayId },
  });
  view.log(`demo: cluster ${demoCluster.name} joined Arc tagged with API Management gateway store-042`);
  return clusterId;
}

/** `demo: aks-… received its API Management gateway: …` from the deployment's result. */
export function apimDeploySummary(name: string, runtimeStatus: string, output: unknown): string {
  const result = output as
    | { outcome?: string; reason?: string; nodes?: number; token?: { keyType?: string; expiresOn?: string } }
    | null
    | undefined;
  if (runtimeStatus !== "Completed" || !result?.outcome)
    return `demo: the gateway deployment on ${name} ended ${runtimeStatus}`;
  if (result.outcome !== "healthy")
    return `demo: the gateway deployment on ${name}: ${result.outcome} — ${result.reason}`;
  return (
    `demo: ${name} received its API Management gateway: ${result.reason}` +
    (result.token
      ? `; ${result.token.keyType}-key token expires ${result.token.expiresOn}, rotation ahead of it`
      : "")
  );
}
