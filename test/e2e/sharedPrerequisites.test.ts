// Issue 4, stories 2 and 3: a gateway and a provider registration are done once however many
// machines need them, the machines wait on events rather than polling ARM, and a creation that
// fails releases every waiting machine with the reason, leaving nothing running.
import { failNextGatewayCreations } from "../../local/emulator/providers/hybridCompute/gateways";
import { gatewayInstanceKey, providerInstanceId } from "../../shared/onboarding/instanceIds";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const fleet = "00000000-0000-4000-8000-0000000a0402";
const unlucky = "00000000-0000-4000-8000-0000000a0403";
let h: Harness;

harnessPerFile(
  {
    subscriptionId: fleet,
    appSettings: { ARC_SCOPES: `/subscriptions/${fleet},/subscriptions/${unlucky}` },
  },
  (started) => {
    h = started;
  },
);

const path = (url: string) => new URL(url).pathname.toLowerCase();

test("story 2: 50 machines join at once: one gateway PUT, one register POST, no gateway GET by waiters; all ready", async () => {
  const gatewayId = h.gatewayId("arc-gw-westeurope");
  const from = h.host.traffic().length;
  const machineIds = Array.from({ length: 50 }, (_, i) =>
    h.connect({ name: `node-${String(i).padStart(2, "0")}`, location: "westeurope" }),
  );

  const results = [];
  for (const id of machineIds) results.push(await h.outcome(id));

  const unexpected = results.filter((r) => r.outcome !== "onboarded");
  expect(
    unexpected.map((r) => `${r.machineId.split("/").pop()}: ${r.outcome} ${r.code ?? ""} ${r.reason}`),
  ).toEqual([]);
  const traffic = h.host.traffic().slice(from);
  const gatewayPath = gatewayId.toLowerCase();
  expect(traffic.filter((e) => e.method === "PUT" && path(e.url) === gatewayPath)).toHaveLength(1);
  expect(
    traffic.filter(
      (e) => e.method === "POST" && path(e.url).endsWith("/providers/microsoft.hybridconnectivity/register"),
    ),
  ).toHaveLength(1);
  // The one GET of the gateway is its singleton's look before the PUT; machines only waited for its event.
  expect(traffic.filter((e) => e.method === "GET" && path(e.url) === gatewayPath)).toHaveLength(1);
  // Each machine was attached to it, and the singletons say whom they released.
  for (const id of machineIds) {
    const settings = h.host.emulator!.state.getResource(
      `${id}/providers/Microsoft.HybridCompute/settings/default`,
    );
    expect(JSON.stringify(settings?.body)).toContain(gatewayId);
  }
  await h.host.runUntilIdle(); // the singletons linger a minute for late joiners
  const [gatewaySingleton] = h.host.statuses({ instanceIdPrefix: gatewayInstanceKey(gatewayId) });
  expect(gatewaySingleton).toMatchObject({
    runtimeStatus: "Completed",
    output: { succeeded: true, attempts: 1 },
  });
  // Every machine joined it while it ran (none came late enough to find it ended).
  expect((gatewaySingleton?.output as { waiters: number }).waiters).toBe(50);
  const [providerSingleton] = h.host.statuses({
    instanceIdPrefix: providerInstanceId(fleet, "Microsoft.HybridConnectivity"),
  });
  expect(providerSingleton).toMatchObject({ runtimeStatus: "Completed", output: { succeeded: true } });
});

test("story 3: a gateway creation that fails twice fails every waiting machine with the reason; nothing is left running", async () => {
  failNextGatewayCreations(h.host.emulator!.state, 2);
  const ids = Array.from({ length: 3 }, (_, i) =>
    h.connect({ name: `unlucky-${i}`, location: "australiaeast", subscriptionId: unlucky }),
  );

  const results = [];
  for (const id of ids) results.push(await h.outcome(id));

  for (const result of results) {
    expect(result).toMatchObject({
      runtimeStatus: "Completed",
      outcome: "failed",
      code: "GatewayCreationFailed",
    });
    expect(result.reason).toMatch(/arc-gw-australiaeast failed to create 2 times/);
  }
  const gatewayId = `/subscriptions/${unlucky}/resourceGroups/arc-gateways/providers/Microsoft.HybridCompute/gateways/arc-gw-australiaeast`;
  expect(
    h.host.traffic().filter((e) => e.method === "PUT" && path(e.url) === gatewayId.toLowerCase()),
  ).toHaveLength(2);
  // The singleton lingers a minute for late joiners, then ends too.
  await h.host.runUntilIdle();
  expect(
    h.host.statuses().filter((s) => s.runtimeStatus === "Running" || s.runtimeStatus === "Pending"),
  ).toEqual([]);
  // No machine was attached to the failed gateway.
  for (const id of ids) {
    expect(
      h.host.emulator!.state.getResource(`${id}/providers/Microsoft.HybridCompute/settings/default`),
    ).toBeUndefined();
  }
});
