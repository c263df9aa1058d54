// The token-rotation backstop where ARC_SCOPES names a resource group, not the subscription: the
// clusters are listed at that resource group — the only place the deployment grants
// connectedClusters/Read for such a scope (infra/roles/managedScope.json) — never across the
// subscription, and a due token is still rotated.
import { setTokenEventOptions } from "../../local/emulator/providers/apiManagement/heartbeat";
import type { ApimDeployResult } from "../../shared/apim/results";
import { apimModules, apimWorld, day, ended, fireRotationTimer } from "./apimHarness";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-00000000a114";
let h: Harness;
let world: ReturnType<typeof apimWorld>;

harnessPerFile(
  {
    subscriptionId,
    extraModules: apimModules,
    appSettings: { ARC_SCOPES: `/subscriptions/${subscriptionId}/resourceGroups/rg-k8s` },
  },
  (started) => {
    h = started;
    world = apimWorld(h, subscriptionId);
  },
);

test("a resource-group scope: clusters listed at the group only, and the due token rotated", async () => {
  setTokenEventOptions(h.host.emulator!.state, { drop: true });
  const gatewayId = world.gateway("woodgrove-apim", "edge-rg");
  const clusterId = world.join("aks-rg", { "arc-autopilot-apim-gateway": gatewayId });
  const deployed = (await ended(h, "deploy", clusterId)).output as ApimDeployResult;
  expect(deployed).toMatchObject({ outcome: "healthy" });

  // 25 days on, the 30-day token is inside the 7-day window; with its events lost, the timer finds it.
  await h.host.runFor(25 * day);
  const from = h.host.traffic().length;
  await fireRotationTimer(h);
  const rotated = await ended(h, "rotate", clusterId);
  expect(rotated.output).toMatchObject({ outcome: "rotated", trigger: "timer" });
  await h.host.runUntilIdle();

  const lists = h.host
    .traffic()
    .slice(from)
    .filter((exchange) => exchange.method === "GET")
    .map((exchange) => new URL(exchange.url).pathname.toLowerCase())
    .filter((path) => path.endsWith("/providers/microsoft.kubernetes/connectedclusters"));
  expect(lists).toEqual([
    `/subscriptions/${subscriptionId}/resourcegroups/rg-k8s/providers/microsoft.kubernetes/connectedclusters`,
  ]);
});
