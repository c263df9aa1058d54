// Under the local host, gateway token events are schedules of the emulated world: installing a
// gateway whose token expires in 20 days leaves `runUntilIdle` where it was, and running the host
// for that time delivers the near-expiry event through the app's real Event Grid webhook.
import { resolve } from "node:path";

import { VirtualClock } from "../../local/clock";
import { joinTaggedCluster, seedApimGateway } from "../../local/emulator/selfHostedGatewayWorld";
import { type LocalHost, silentHostLog, startLocalHost } from "../../local/host";
import { deliveredEvents } from "../host/fixtures/functionsEventGridApp";

const subscriptionId = "00000000-0000-4000-8000-00000000c113";
const resourceGroup = "rg-k8s";
const serviceId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ApiManagement/service/apim-prod`;
const gatewayId = `${serviceId}/gateways/edge-dc1`;
const extensionId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Kubernetes/connectedClusters/k8s-01/providers/Microsoft.KubernetesConfiguration/extensions/apim-gateway`;
const day = 24 * 3600_000;

let host: LocalHost;

beforeAll(async () => {
  host = await startLocalHost({
    app: { modules: [resolve(__dirname, "../host/fixtures/functionsEventGridApp.ts")] },
    clock: new VirtualClock(Date.UTC(2026, 4, 1)),
    log: silentHostLog,
    emulator: { trafficLog: null },
  });
});

afterAll(async () => {
  await host.stop();
});

test("token events wait like schedules and reach the app's webhook when the host runs past them", async () => {
  const emulator = host.emulator!;
  const context = emulator.context();
  expect(
    seedApimGateway(context, {
      subscriptionId,
      resourceGroup,
      serviceName: "apim-prod",
      gatewayName: "edge-dc1",
    }),
  ).toEqual({ serviceId, gatewayId });
  const clusterId = joinTaggedCluster(context, {
    subscriptionId,
    resourceGroup,
    name: "k8s-01",
    location: "westeurope",
    tagName: "arc-autopilot-apim-gateway",
    gatewayId,
  });
  expect(extensionId.startsWith(`${clusterId}/`)).toBe(true);
  const start = host.clock.now();
  const generated = await emulator.request("POST", `${gatewayId}/generateToken?api-version=2024-05-01`, {
    keyType: "primary",
    expiry: new Date(start + 20 * day).toISOString(),
  });
  const put = await emulator.request("PUT", `${extensionId}?api-version=2023-05-01`, {
    properties: {
      extensionType: "Microsoft.ApiManagement.Gateway",
      configurationSettings: { "gateway.configuration.uri": "https://apim-prod.configuration.azure-api.net" },
      configurationProtectedSettings: {
        "gateway.auth.token": `GatewayKey ${String((generated.body as { value: string }).value)}`,
      },
    },
  });
  expect(put.status).toBe(201);

  await host.runUntilIdle();
  // The install (2 minutes) ran; the 13-day and 20-day token timers did not pull time along.
  expect(host.clock.now() - start).toBeLessThan(day);
  const heartbeat = await emulator.request("GET", `${gatewayId}/heartbeats?api-version=2024-05-01`);
  expect((heartbeat.body as { count: number }).count).toBe(3);
  expect(deliveredEvents.filter((e) => e.eventType.startsWith("Microsoft.ApiManagement."))).toHaveLength(0);

  await host.runFor(14 * day);
  const apimEvents = deliveredEvents.filter((e) => e.eventType.startsWith("Microsoft.ApiManagement."));
  expect(apimEvents).toHaveLength(1);
  expect(apimEvents[0]).toMatchObject({
    eventType: "Microsoft.ApiManagement.GatewayTokenNearExpiry",
    topic: serviceId,
    subject: "/gateways/edge-dc1",
    data: { gateway: { gatewayId }, token: { expiresOn: new Date(start + 20 * day).toISOString() } },
  });
});
