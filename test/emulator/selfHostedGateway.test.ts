// Arc-enabled Kubernetes and API Management self-hosted gateways in the emulator: connected
// clusters (admin-created, write events), cluster extensions (async install on the clock,
// protected settings never returned), API Management services, gateways, keys and tokens
// (30-day maximum), the gateway's heartbeat and its token events.
import type { VirtualClock } from "../../local/clock";
import type { Emulator } from "../../local/emulator";
import { extensionProtectedSettings } from "../../local/emulator/providers/kubernetes/extensions";
import type { EmulatorResponse } from "../../local/emulator/testClient";
import { startVirtualEmulator } from "../support/armTestbed";

const subscriptionId = "00000000-0000-4000-8000-00000000c013";
const resourceGroup = "rg-k8s";
const clusterId = (name: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Kubernetes/connectedClusters/${name}`;
const extensionId = (cluster: string, name = "apim-gateway") =>
  `${clusterId(cluster)}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`;
const serviceId = (name: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ApiManagement/service/${name}`;
const gatewayId = (service: string, name: string) => `${serviceId(service)}/gateways/${name}`;
const clusters = (path: string) => `${path}?api-version=2026-05-01`;
const extensions = (path: string, query = "") => `${path}?api-version=2023-05-01${query}`;
const apim = (path: string) => `${path}?api-version=2024-05-01`;
const minute = 60_000;
const day = 24 * 3600_000;

type Json = Record<string, unknown> & {
  properties?: Record<string, unknown>;
  error?: { code: string; message: string; details?: { target?: string }[] };
  value?: unknown;
  count?: number;
  status?: string;
};
const bodyOf = (response: EmulatorResponse) => (response.body ?? {}) as Json;

async function admin(
  emulator: Emulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<EmulatorResponse> {
  return emulator.request(method, `/_emulator${path}`, body, { token: null });
}

async function connect(emulator: Emulator, name: string, extra: Record<string, unknown> = {}) {
  const response = await admin(emulator, "POST", "/connectedClusters", {
    subscriptionId,
    resourceGroup,
    name,
    location: "westeurope",
    ...extra,
  });
  expect(response.status).toBe(201);
  return response;
}

async function premiumGateway(
  emulator: Emulator,
  service = "apim-prod",
  gateway = "edge-dc1",
  sku = "Premium",
) {
  expect(
    (
      await admin(emulator, "POST", "/apim/services", {
        subscriptionId,
        resourceGroup,
        name: service,
        location: "westeurope",
        sku,
      })
    ).status,
  ).toBe(201);
  return admin(emulator, "POST", "/apim/gateways", { serviceId: serviceId(service), name: gateway });
}

async function token(
  emulator: Emulator,
  expiry: number,
  keyType = "primary",
  service = "apim-prod",
  gateway = "edge-dc1",
) {
  const response = await emulator.request("POST", apim(`${gatewayId(service, gateway)}/generateToken`), {
    keyType,
    expiry: new Date(expiry).toISOString(),
  });
  expect(response.status).toBe(200);
  return `GatewayKey ${String(bodyOf(response).value)}`;
}

function gatewayExtension(gatewayToken: string, replicas = "2", service = "apim-prod") {
  return {
    properties: {
      extensionType: "Microsoft.ApiManagement.Gateway",
      autoUpgradeMinorVersion: true,
      releaseTrain: "preview",
      scope: { namespace: { targetNamespace: "apim-gateway" } },
      configurationSettings: {
        "gateway.configuration.uri": `https://${service}.configuration.azure-api.net`,
        "service.type": "LoadBalancer",
        replicaCount: replicas,
      },
      configurationProtectedSettings: {
        "gateway.auth.token": gatewayToken,
        "monitoring.ingestionKey": "ingest-secret-1",
      },
    },
  };
}

async function nodes(emulator: Emulator, service = "apim-prod", gateway = "edge-dc1"): Promise<number> {
  const response = await emulator.request("GET", apim(`${gatewayId(service, gateway)}/heartbeats`));
  expect(response.status).toBe(200);
  return bodyOf(response).count ?? -1;
}

describe("Arc-enabled Kubernetes and API Management self-hosted gateways", () => {
  let clock: VirtualClock;
  let emulator: Emulator;

  beforeEach(async () => {
    ({ clock, emulator } = await startVirtualEmulator({ seed: 13 }));
  });

  afterEach(() => emulator.close());

  test("a connected cluster is created by the admin API with its write event, read per spec, and its connectivity and tags change with events", async () => {
    const tags = { "arc-autopilot/apim-gateway": gatewayId("apim-prod", "edge-dc1") };
    await connect(emulator, "k8s-01", { tags });
    const got = await emulator.request("GET", clusters(clusterId("k8s-01")));
    expect(got.status).toBe(200);
    expect(bodyOf(got)).toMatchObject({
      id: clusterId("k8s-01"),
      type: "Microsoft.Kubernetes/connectedClusters",
      location: "westeurope",
      tags,
      identity: { type: "SystemAssigned" },
      properties: { connectivityStatus: "Connected", provisioningState: "Succeeded" },
    });
    expect(typeof bodyOf(got).properties?.agentPublicKeyCertificate).toBe("string");
    const listed = await emulator.request(
      "GET",
      clusters(`/subscriptions/${subscriptionId}/providers/Microsoft.Kubernetes/connectedClusters`),
    );
    expect((bodyOf(listed).value as unknown[]).length).toBe(1);

    const offline = await admin(emulator, "PUT", "/connectedClusters/connectivity", {
      clusterId: clusterId("k8s-01"),
      status: "Disconnected",
    });
    expect(offline.status).toBe(200);
    expect(
      bodyOf(await emulator.request("GET", clusters(clusterId("k8s-01")))).properties?.connectivityStatus,
    ).toBe("Offline");
    expect(
      (
        await admin(emulator, "PUT", "/connectedClusters/connectivity", {
          clusterId: clusterId("k8s-01"),
          status: "Sleeping",
        })
      ).status,
    ).toBe(400);
    await admin(emulator, "PUT", "/connectedClusters/tags", {
      clusterId: clusterId("k8s-01"),
      tags: { owner: "ops" },
    });

    const writes = emulator
      .publishedEvents()
      .filter((e) => e.operationName === "Microsoft.Kubernetes/connectedClusters/write");
    expect(writes).toHaveLength(3);
    expect(writes[0]?.httpRequest).toBeUndefined();
    expect(writes[1]?.httpRequest?.method).toBe("PATCH");
    expect(writes[2]?.resourceUri).toBe(clusterId("k8s-01"));
    expect((await emulator.request("GET", clusters(clusterId("missing")))).status).toBe(404);
  });

  test("an extension installs over virtual time: 201 Creating with Azure-AsyncOperation, then Succeeded; protected settings never come back", async () => {
    await connect(emulator, "k8s-01");
    await premiumGateway(emulator);
    const gatewayToken = await token(emulator, clock.now() + 20 * day);
    const put = await emulator.request(
      "PUT",
      extensions(extensionId("k8s-01")),
      gatewayExtension(gatewayToken),
    );
    expect(put.status).toBe(201);
    expect(bodyOf(put).properties).toMatchObject({
      provisioningState: "Creating",
      currentVersion: null,
      releaseTrain: "preview",
    });
    expect(bodyOf(put).properties).not.toHaveProperty("configurationProtectedSettings");
    const monitor = put.headers["azure-asyncoperation"] ?? "";
    expect(monitor).toContain(`${extensionId("k8s-01")}/operations/`);
    const monitorPath = new URL(monitor).pathname + new URL(monitor).search;
    expect(bodyOf(await emulator.request("GET", monitorPath)).status).toBe("InProgress");

    const extensionWrites = () =>
      emulator
        .publishedEvents()
        .filter((e) => e.operationName === "Microsoft.KubernetesConfiguration/extensions/write");
    expect(extensionWrites()).toHaveLength(0);
    await clock.advance(2 * minute);
    expect(bodyOf(await emulator.request("GET", monitorPath)).status).toBe("Succeeded");
    // Event Grid reports the write once the install has succeeded; a creation without httpRequest.
    expect(extensionWrites().map((e) => [e.resourceUri, e.httpRequest])).toEqual([
      [extensionId("k8s-01"), undefined],
    ]);
    const got = await emulator.request("GET", extensions(extensionId("k8s-01")));
    expect(bodyOf(got).properties).toMatchObject({
      provisioningState: "Succeeded",
      configurationSettings: { "service.type": "LoadBalancer", replicaCount: "2" },
    });
    expect(bodyOf(got).properties).not.toHaveProperty("configurationProtectedSettings");
    const list = await emulator.request(
      "GET",
      extensions(`${clusterId("k8s-01")}/providers/Microsoft.KubernetesConfiguration/extensions`),
    );
    expect((bodyOf(list).value as unknown[]).length).toBe(1);
    expect(extensionProtectedSettings(emulator.state, extensionId("k8s-01"))).toEqual({
      "gateway.auth.token": gatewayToken,
      "monitoring.ingestionKey": "ingest-secret-1",
    });
    const rawToken = gatewayToken.slice("GatewayKey ".length);
    // The suite's traffic (requests and responses) keeps the secret fields' names, never their values.
    const traffic = JSON.stringify(emulator.exchanges());
    expect(traffic).not.toContain(rawToken);
    expect(traffic).not.toContain("ingest-secret-1");
    const putExchange = emulator
      .exchanges()
      .find((e) => e.method === "PUT" && e.url.includes("/extensions/"));
    expect(putExchange?.requestBody).toMatchObject({
      properties: {
        configurationProtectedSettings: {
          "gateway.auth.token": "[redacted]",
          "monitoring.ingestionKey": "[redacted]",
        },
      },
    });
    const adminView = await admin(emulator, "POST", "/extensions/protectedSettings", {
      extensionId: extensionId("k8s-01"),
    });
    expect(adminView.text).not.toContain(rawToken);
    expect(bodyOf(adminView)).toMatchObject({ gatewayToken: { keyType: "primary", valid: true } });
  });

  test("bad extension requests are refused; a cluster that is Offline or a failure knob ends the install Failed; DELETE is asynchronous", async () => {
    await connect(emulator, "k8s-01");
    const noType = await emulator.request("PUT", extensions(extensionId("k8s-01")), {
      properties: { releaseTrain: "preview" },
    });
    expect(noType.status).toBe(400);
    const pinned = await emulator.request("PUT", extensions(extensionId("k8s-01")), {
      properties: { extensionType: "Microsoft.ApiManagement.Gateway", version: "1.0.0" },
    });
    expect(bodyOf(pinned).error?.code).toBe("InvalidVersion");
    expect(
      (await emulator.request("PUT", extensions(extensionId("nowhere")), gatewayExtension("GatewayKey x")))
        .status,
    ).toBe(404);

    await admin(emulator, "POST", "/extensions/failures", { count: 1 });
    await emulator.request("PUT", extensions(extensionId("k8s-01")), gatewayExtension("GatewayKey x"));
    await clock.advance(2 * minute);
    expect(bodyOf(await emulator.request("GET", extensions(extensionId("k8s-01")))).properties).toMatchObject(
      {
        provisioningState: "Failed",
        errorInfo: { code: "ExtensionOperationFailed" },
      },
    );

    const badService = gatewayExtension("GatewayKey x");
    badService.properties.configurationSettings["service.type"] = "ExternalName";
    await emulator.request("PUT", extensions(extensionId("k8s-01", "bad-service")), badService);
    const noToken = gatewayExtension("GatewayKey x");
    noToken.properties.configurationProtectedSettings =
      {} as typeof noToken.properties.configurationProtectedSettings;
    await emulator.request("PUT", extensions(extensionId("k8s-01", "no-token")), noToken);
    await clock.advance(2 * minute);
    const errorOf = async (name: string) =>
      (
        bodyOf(await emulator.request("GET", extensions(extensionId("k8s-01", name)))).properties
          ?.errorInfo as {
          message: string;
        }
      ).message;
    expect(await errorOf("bad-service")).toContain("'ExternalName'");
    expect(await errorOf("no-token")).toContain("gateway.auth.token");

    await connect(emulator, "k8s-02", { connectivityStatus: "Offline" });
    const put = await emulator.request(
      "PUT",
      extensions(extensionId("k8s-02")),
      gatewayExtension("GatewayKey x"),
    );
    expect(put.status).toBe(201);
    await clock.advance(2 * minute);
    expect(bodyOf(await emulator.request("GET", extensions(extensionId("k8s-02")))).properties).toMatchObject(
      {
        provisioningState: "Failed",
        errorInfo: { code: "ClusterNotConnected" },
      },
    );

    const deleted = await emulator.request("DELETE", extensions(extensionId("k8s-02")));
    expect(deleted.status).toBe(202);
    expect(deleted.headers["azure-asyncoperation"]).toContain("/operations/");
    await clock.advance(minute);
    expect((await emulator.request("GET", extensions(extensionId("k8s-02")))).status).toBe(404);
    expect((await emulator.request("DELETE", extensions(extensionId("k8s-02")))).status).toBe(204);
  });

  test("API Management: tiers, gateways, keys and tokens as the spec shapes them", async () => {
    await admin(emulator, "POST", "/apim/services", {
      subscriptionId,
      resourceGroup,
      name: "apim-basic",
      location: "westeurope",
      sku: "Basic",
    });
    const basic = await emulator.request("PUT", apim(gatewayId("apim-basic", "gw1")), {
      properties: { locationData: { name: "dc1" } },
    });
    expect(basic.status).toBe(400);
    expect(bodyOf(basic).error?.code).toBe("MethodNotAllowedInPricingTier");

    await admin(emulator, "POST", "/apim/services", {
      subscriptionId,
      resourceGroup,
      name: "apim-dev",
      location: "westeurope",
      sku: "Developer",
    });
    const service = await emulator.request("GET", apim(serviceId("apim-dev")));
    expect(bodyOf(service)).toMatchObject({
      sku: { name: "Developer", capacity: 1 },
      properties: { provisioningState: "Succeeded" },
    });
    const created = await emulator.request("PUT", apim(gatewayId("apim-dev", "gw1")), {
      properties: { locationData: { name: "dc1" }, description: "edge" },
    });
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBeDefined();
    expect(
      (await emulator.request("PUT", apim(gatewayId("apim-dev", "managed")), { properties: {} })).status,
    ).toBe(400);
    const listed = await emulator.request("GET", apim(`${serviceId("apim-dev")}/gateways`));
    expect(bodyOf(listed).count).toBe(1);

    const tooLong = await emulator.request("POST", apim(`${gatewayId("apim-dev", "gw1")}/generateToken`), {
      keyType: "primary",
      expiry: new Date(clock.now() + 31 * day).toISOString(),
    });
    expect(tooLong.status).toBe(400);
    expect(bodyOf(tooLong).error).toMatchObject({ code: "ValidationError", details: [{ target: "expiry" }] });
    const ok = await emulator.request("POST", apim(`${gatewayId("apim-dev", "gw1")}/generateToken`), {
      keyType: "secondary",
      expiry: new Date(clock.now() + 30 * day).toISOString(),
    });
    expect(String(bodyOf(ok).value)).toMatch(/^gw1&\d{12}&[A-Za-z0-9+/=]+$/);

    const keys = await emulator.request("POST", apim(`${gatewayId("apim-dev", "gw1")}/listKeys`));
    expect(Object.keys(bodyOf(keys)).sort()).toEqual(["primary", "secondary"]);
    expect(
      (
        await emulator.request("POST", apim(`${gatewayId("apim-dev", "gw1")}/regenerateKey`), {
          keyType: "primary",
        })
      ).status,
    ).toBe(204);
    const after = await emulator.request("POST", apim(`${gatewayId("apim-dev", "gw1")}/listKeys`));
    expect(bodyOf(after).primary).not.toBe(bodyOf(keys).primary);
    expect(bodyOf(after).secondary).toBe(bodyOf(keys).secondary);

    expect((await emulator.request("DELETE", apim(gatewayId("apim-dev", "gw1")))).status).toBe(400);
    expect(
      (
        await emulator.request("DELETE", apim(gatewayId("apim-dev", "gw1")), undefined, {
          headers: { "if-match": "*" },
        })
      ).status,
    ).toBe(200);
    expect((await emulator.request("GET", apim(gatewayId("apim-dev", "gw1")))).status).toBe(404);
  });

  test("the heartbeat appears once the extension succeeded with a valid token, stops at expiry or when its key is regenerated, and resumes after a PATCH with a new token", async () => {
    await connect(emulator, "k8s-01");
    await premiumGateway(emulator);
    await emulator.request(
      "PUT",
      extensions(extensionId("k8s-01")),
      gatewayExtension(await token(emulator, clock.now() + 10 * day), "2"),
    );
    expect(await nodes(emulator)).toBe(0);
    await clock.advance(2 * minute);
    expect(await nodes(emulator)).toBe(2);

    await clock.advance(10 * day);
    expect(await nodes(emulator)).toBe(0);
    expect(
      bodyOf(await emulator.request("GET", extensions(extensionId("k8s-01")))).properties?.provisioningState,
    ).toBe("Succeeded");

    const patched = await emulator.request("PATCH", extensions(extensionId("k8s-01")), {
      properties: {
        configurationProtectedSettings: {
          "gateway.auth.token": await token(emulator, clock.now() + 20 * day, "secondary"),
        },
      },
    });
    expect(patched.status).toBe(202);
    expect(await nodes(emulator)).toBe(0);
    await clock.advance(minute);
    expect(await nodes(emulator)).toBe(2);

    await emulator.request("POST", apim(`${gatewayId("apim-prod", "edge-dc1")}/regenerateKey`), {
      keyType: "secondary",
    });
    expect(await nodes(emulator)).toBe(0);

    const wrongUri = gatewayExtension(await token(emulator, clock.now() + 5 * day), "1", "apim-other");
    await emulator.request("PUT", extensions(extensionId("k8s-01", "second")), wrongUri);
    await clock.advance(2 * minute);
    expect(await nodes(emulator)).toBe(0);
  });

  test("token events: near expiry 7 days ahead and expired at expiry, for the running token only; the drop knob loses them", async () => {
    await connect(emulator, "k8s-01");
    await premiumGateway(emulator);
    const expiry = clock.now() + 20 * day;
    await emulator.request(
      "PUT",
      extensions(extensionId("k8s-01")),
      gatewayExtension(await token(emulator, expiry)),
    );
    await clock.advance(2 * minute);
    const apimEvents = () =>
      emulator
        .eventLog()
        .published.filter((record) => record.event.eventType.startsWith("Microsoft.ApiManagement."));

    await clock.advance(13 * day - 3 * minute);
    expect(apimEvents()).toHaveLength(0);
    await clock.advance(2 * minute);
    expect(apimEvents()).toHaveLength(1);
    const near = apimEvents()[0]!.event;
    expect(near).toMatchObject({
      eventType: "Microsoft.ApiManagement.GatewayTokenNearExpiry",
      topic: serviceId("apim-prod"),
      subject: "/gateways/edge-dc1",
      data: {
        gateway: { gatewayId: gatewayId("apim-prod", "edge-dc1") },
        token: { expiresOn: new Date(Math.floor(expiry / minute) * minute).toISOString() },
      },
    });
    await clock.advance(7 * day);
    expect(apimEvents().map((r) => r.event.eventType)).toEqual([
      "Microsoft.ApiManagement.GatewayTokenNearExpiry",
      "Microsoft.ApiManagement.GatewayTokenExpired",
    ]);

    await admin(emulator, "PUT", "/apim/tokenEvents", { drop: true });
    await emulator.request("PATCH", extensions(extensionId("k8s-01")), {
      properties: {
        configurationProtectedSettings: {
          "gateway.auth.token": await token(emulator, clock.now() + 10 * day),
        },
      },
    });
    await clock.advance(11 * day);
    expect(apimEvents()).toHaveLength(2);
  });
});

// Requests that break the spec on purpose: their exchanges stay out of the suite's traffic log.
describe("self-hosted gateway requests that break the contract", () => {
  test("generateToken without an expiry or with an unknown key type is APIM's 400 ValidationError", async () => {
    const { emulator } = await startVirtualEmulator({ seed: 13, trafficLog: null });
    try {
      await premiumGateway(emulator);
      const response = await emulator.request(
        "POST",
        apim(`${gatewayId("apim-prod", "edge-dc1")}/generateToken`),
        {
          keyType: "tertiary",
        },
      );
      expect(response.status).toBe(400);
      expect(bodyOf(response).error?.code).toBe("ValidationError");
      expect(
        bodyOf(response)
          .error?.details?.map((d) => d.target)
          .sort(),
      ).toEqual(["expiry", "keyType"]);
    } finally {
      await emulator.close();
    }
  });
});
