// Event Grid's Azure Resource Manager events carry `data.httpRequest` when a resource is updated
// or deleted, not when it is created (docs/azure-facts.md §9). The emulator follows that rule for
// every resource it creates, whether through its front door or behind it.
import type { ResourceEventInput } from "../../local/emulator";
import {
  connect,
  gatewayId,
  type HybridComputeWorld,
  location,
  machineId,
  provisionGateway,
  runCommandId,
  settingsId,
  useWorld,
  withApi,
} from "./hybridComputeFixtures";

function eventsFor(world: HybridComputeWorld, operationName: string): ResourceEventInput[] {
  return world.emulator.publishedEvents().filter((event) => event.operationName === operationName);
}

describe("httpRequest in resource events: on updates and deletes, not on creations", () => {
  const world = useWorld();

  test("a gateway's creation event has none; its update and its deletion have one", async () => {
    await provisionGateway(world, "gw-west");
    await world.emulator.request("PATCH", withApi(gatewayId("gw-west")), { tags: { env: "prod" } });
    await world.emulator.request("DELETE", withApi(gatewayId("gw-west")));
    await world.clock.advance(world.emulator.timings.gatewayDeleteMs);

    const [created, updated] = eventsFor(world, "Microsoft.HybridCompute/gateways/write");
    expect(created).toBeDefined();
    expect(created).not.toHaveProperty("httpRequest");
    expect(updated?.httpRequest).toMatchObject({ method: "PATCH" });
    const [deleted] = eventsFor(world, "Microsoft.HybridCompute/gateways/delete");
    expect(deleted?.httpRequest).toMatchObject({
      method: "DELETE",
      url: expect.stringContaining(gatewayId("gw-west")) as string,
    });
  });

  test("a new run command's event has none; running it again under the same name has one", async () => {
    connect(world, "web-01");
    const body = { location, properties: { source: { script: "azcmagent show" } } };
    await world.emulator.request("PUT", withApi(runCommandId("web-01", "show")), body);
    await world.clock.advance(world.emulator.timings.runCommandMs);
    await world.emulator.request("PUT", withApi(runCommandId("web-01", "show")), body);
    await world.clock.advance(world.emulator.timings.runCommandMs);

    const [first, rerun] = eventsFor(world, "Microsoft.HybridCompute/machines/runCommands/write");
    expect(first).toBeDefined();
    expect(first).not.toHaveProperty("httpRequest");
    expect(rerun?.httpRequest).toMatchObject({ method: "PUT" });
  });

  test("azcmagent connect creating a machine has none; reconnecting it (an update) has the PUT on the machine", () => {
    connect(world, "web-01");
    connect(world, "web-01", { agentVersion: "1.52.03132.2125" });

    const [created, reconnected] = eventsFor(world, "Microsoft.HybridCompute/machines/write");
    expect(created).not.toHaveProperty("httpRequest");
    expect(reconnected?.httpRequest).toEqual({
      method: "PUT",
      url: `${world.emulator.url}${machineId("web-01")}?api-version=2025-01-13`,
    });
  });

  test("HybridConnectivity: the endpoint's creation has none, its replacement has one", async () => {
    const machine = connect(world, "web-01");
    const subscription = machine.split("/").slice(0, 3).join("/");
    await world.emulator.request(
      "POST",
      `${subscription}/providers/Microsoft.HybridConnectivity/register?api-version=2025-04-01`,
    );
    await world.clock.advance(world.emulator.timings.providerRegistrationMs);
    const endpoint = `${machine}/providers/Microsoft.HybridConnectivity/endpoints/default?api-version=2024-12-01`;
    await world.emulator.request("PUT", endpoint, { properties: { type: "default" } });
    await world.emulator.request("PUT", endpoint, { properties: { type: "default" } });

    const [created, replaced] = eventsFor(world, "Microsoft.HybridConnectivity/endpoints/write");
    expect(created).toBeDefined();
    expect(created).not.toHaveProperty("httpRequest");
    expect(replaced?.httpRequest).toMatchObject({ method: "PUT" });
  });

  test("settings, which already answer GET before the first PUT, report the request on every write", async () => {
    connect(world, "web-01");
    const gateway = await provisionGateway(world, "gw-west");
    await world.emulator.request("PUT", withApi(settingsId("web-01")), {
      properties: { gatewayProperties: { gatewayResourceId: gateway } },
    });

    const [write] = eventsFor(world, "Microsoft.HybridCompute/settings/write");
    expect(write?.httpRequest).toMatchObject({ method: "PUT" });
  });

  test("a deletion behind the app's back (admin API) still reports a DELETE", async () => {
    connect(world, "web-01");
    const removed = await world.emulator.request("POST", "/_emulator/resources/delete", {
      resourceId: machineId("web-01"),
    });
    expect(removed.status).toBeLessThan(300);

    const [deleted] = eventsFor(world, "Microsoft.HybridCompute/machines/delete");
    expect(deleted?.httpRequest).toEqual({
      method: "DELETE",
      url: `${world.emulator.url}${machineId("web-01")}?api-version=2025-01-13`,
    });
  });
});
