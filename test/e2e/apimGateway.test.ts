// API Management self-hosted gateway on Arc-enabled Kubernetes (issue 13), end to end through the
// local host and the emulator: a tagged cluster joins and receives its gateway (exact settings and
// protected settings, healthy with its node count); nothing captured holds the token or the
// ingestion key; the errors of the issue write nothing.
import { createApimGateway } from "../../local/emulator/providers/apiManagement/gateways";
import { createApiManagementService } from "../../local/emulator/providers/apiManagement/services";
import { connectCluster, setClusterTags } from "../../local/emulator/providers/kubernetes/connectedClusters";
import { extensionProtectedSettings } from "../../local/emulator/providers/kubernetes/extensions";
import { presetProviderRegistration } from "../../local/emulator/providers/resourceProviders";
import { apimInstanceId } from "../../orchestrations/apim/apimNames";
import type { ApimDeployResult } from "../../shared/apim/results";
import { gatewayDigest } from "../../shared/apim/tokenTag";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-00000000a013";
const resourceGroup = "rg-k8s";
const ingestionKey = "law-ingestion-key-SECRET-5d1f";
let h: Harness;

harnessPerFile(
  {
    subscriptionId,
    appSettings: {
      ARC_APIM_MONITORING_INGESTION_KEY: ingestionKey,
      ARC_APIM_REPLICAS: "2",
    },
  },
  (started) => {
    h = started;
    for (const namespace of [
      "Microsoft.Kubernetes",
      "Microsoft.KubernetesConfiguration",
      "Microsoft.ApiManagement",
    ])
      presetProviderRegistration(h.host.emulator!.state, subscriptionId, namespace, "Registered");
  },
);

const serviceId = (name: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ApiManagement/service/${name}`;
const clusterId = (name: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Kubernetes/connectedClusters/${name}`;

function apimService(name: string, sku: string): string {
  createApiManagementService(h.host.emulator!.context(), {
    subscriptionId,
    resourceGroup,
    name,
    location: "westeurope",
    sku,
  } as Parameters<typeof createApiManagementService>[1]);
  return serviceId(name);
}

function apimGateway(service: string, name: string): string {
  createApimGateway(h.host.emulator!.context(), { serviceId: service, name });
  return `${service}/gateways/${name}`;
}

function join(name: string, tags: Record<string, string>, connectivityStatus = "Connected"): string {
  connectCluster(h.host.emulator!.context(), {
    subscriptionId,
    resourceGroup,
    name,
    location: "westeurope",
    tags,
    connectivityStatus,
  } as Parameters<typeof connectCluster>[1]);
  return clusterId(name);
}

async function deployment(cluster: string): Promise<ApimDeployResult & { runtimeStatus: string }> {
  const id = apimInstanceId("deploy", cluster);
  await h.host.runUntil(() => {
    const status = h.host.engine.getStatus(id);
    return (
      status !== undefined && ["Completed", "Failed", "Terminated"].includes(String(status.runtimeStatus))
    );
  });
  await h.host.runUntilIdle();
  const status = h.host.engine.getStatus(id);
  return { ...(status?.output as ApimDeployResult), runtimeStatus: String(status?.runtimeStatus) };
}

test("a tagged cluster joins: the extension with exactly the expected settings, healthy with its node count, the token's key and expiry on the cluster", async () => {
  const gatewayId = apimGateway(apimService("contoso-apim", "Developer"), "edge-dc1");
  const cluster = join("aks-edge-1", { "arc-autopilot-apim-gateway": gatewayId, env: "prod" });
  const result = await deployment(cluster);
  if (result.outcome !== "healthy") throw new Error(`${result.code}: ${result.reason}`);
  expect({ ...result, reason: "" }).toMatchObject({
    runtimeStatus: "Completed",
    outcome: "healthy",
    nodes: 2,
    gatewayId,
  });
  if (result.outcome !== "healthy") throw new Error(result.reason);
  expect(result.token).toMatchObject({ keyType: "primary", extensionName: "apim-gateway" });

  const extensionId = `${cluster}/providers/Microsoft.KubernetesConfiguration/extensions/apim-gateway`;
  const extension = await h.host.emulator!.request("GET", `${extensionId}?api-version=2023-05-01`);
  const properties = (extension.body as { properties: Record<string, unknown> }).properties;
  expect(properties).toMatchObject({
    extensionType: "Microsoft.ApiManagement.Gateway",
    releaseTrain: "preview",
    provisioningState: "Succeeded",
    scope: { namespace: { targetNamespace: "apim-gateway" } },
  });
  expect(properties.configurationSettings).toEqual({
    "gateway.configuration.uri": "https://contoso-apim.configuration.azure-api.net",
    "service.type": "LoadBalancer",
    replicaCount: "2",
  });
  const protectedSettings = extensionProtectedSettings(h.host.emulator!.state, extensionId);
  expect(Object.keys(protectedSettings ?? {})).toEqual(["gateway.auth.token"]);
  expect(protectedSettings?.["gateway.auth.token"]).toMatch(/^GatewayKey edge-dc1&\d{12}&/);

  const tags = (await h.host.emulator!.request("GET", `${cluster}?api-version=2026-05-01`)).body as {
    tags: Record<string, string>;
  };
  expect(tags.tags["arc-autopilot-apim-token"]).toBe(
    `primary;${result.token!.expiresOn};apim-gateway;${gatewayDigest(gatewayId)}`,
  );
  expect(tags.tags.env).toBe("prod");
});

test("wrong tier, missing gateway, disconnected cluster: a clear failure, and nothing written", async () => {
  const basic = apimService("basic-apim", "Basic");
  const onBasic = join("aks-basic", { "arc-autopilot-apim-gateway": `${basic}/gateways/edge` });
  const premium = apimService("premium-apim", "Premium");
  const missing = join("aks-missing", { "arc-autopilot-apim-gateway": `${premium}/gateways/nowhere` });
  const gateway = apimGateway(premium, "edge-offline");
  const offline = join("aks-offline", { "arc-autopilot-apim-gateway": gateway }, "Offline");
  const from = h.host.traffic().length;
  expect(await deployment(onBasic)).toMatchObject({
    outcome: "failed",
    code: "TierWithoutSelfHostedGateways",
  });
  expect(await deployment(missing)).toMatchObject({ outcome: "failed", code: "GatewayNotFound" });
  expect(await deployment(offline)).toMatchObject({ outcome: "failed", code: "ClusterNotConnected" });
  const writes = h.host
    .traffic()
    .slice(from)
    .filter((exchange) => exchange.method !== "GET");
  expect(writes.map((w) => `${w.method} ${w.url}`)).toEqual([]);
});

test("the cluster tagged with another gateway of the same service gets that gateway; its own later writes change nothing", async () => {
  const service = serviceId("contoso-apim");
  const second = apimGateway(service, "edge-dc2");
  const cluster = clusterId("aks-edge-1");
  const before = h.host.engine.getStatus(apimInstanceId("deploy", cluster))!;
  await h.host.runFor(60_000); // someone retags the cluster a minute after its deployment ended
  setClusterTags(h.host.emulator!.context(), cluster, { "arc-autopilot-apim-gateway": second, env: "prod" });
  await h.host.runUntil(() => {
    const status = h.host.engine.getStatus(apimInstanceId("deploy", cluster));
    return (
      status !== undefined &&
      status.createdTime !== before.createdTime &&
      status.runtimeStatus === "Completed"
    );
  });
  const result = await deployment(cluster);
  expect(result).toMatchObject({ outcome: "healthy", gatewayId: second, nodes: 2 });
  const token = extensionProtectedSettings(
    h.host.emulator!.state,
    `${cluster}/providers/Microsoft.KubernetesConfiguration/extensions/apim-gateway`,
  )?.["gateway.auth.token"];
  expect(token).toMatch(/^GatewayKey edge-dc2&/);
  const nodes = async (gateway: string) =>
    (
      (await h.host.emulator!.request("GET", `${gateway}/heartbeats?api-version=2024-05-01`)).body as {
        count: number;
      }
    ).count;
  expect(await nodes(second)).toBe(2);
  expect(await nodes(`${service}/gateways/edge-dc1`)).toBe(0);
});
