// ARC_APIM_CREATE_GATEWAY=true: a cluster tagged with an API Management gateway that does not
// exist yet gets it created (location named after the cluster) and deployed, healthy.
import type { ApimDeployResult } from "../../shared/apim/results";
import { apimWorld, ended } from "./apimHarness";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-00000000a313";
let h: Harness;
let world: ReturnType<typeof apimWorld>;

harnessPerFile({ subscriptionId, appSettings: { ARC_APIM_CREATE_GATEWAY: "true" } }, (started) => {
  h = started;
  world = apimWorld(h, subscriptionId);
});

test("a missing gateway is created when the settings allow it, then deployed and heartbeating", async () => {
  const existing = world.gateway("contoso-apim", "edge-existing", "Premium");
  const missing = existing.replace("/gateways/edge-existing", "/gateways/edge-new");
  const clusterId = world.join("aks-new", { "arc-autopilot-apim-gateway": missing });
  const result = (await ended(h, "deploy", clusterId)).output as ApimDeployResult;
  expect(result).toMatchObject({ outcome: "healthy", gatewayId: missing, gatewayCreated: true, nodes: 3 });
  const gateway = await h.host.emulator!.request("GET", `${missing}?api-version=2024-05-01`);
  expect(gateway.status).toBe(200);
  expect(gateway.body).toMatchObject({ properties: { locationData: { name: "aks-new" } } });
  expect(await world.nodes(missing)).toBe(3);
});
