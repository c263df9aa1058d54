// What Microsoft.HybridCompute refuses, in ARM's 400 envelope. These requests are deliberately
// invalid, so this emulator keeps no traffic log (the suite's log must satisfy the specs).
import {
  bodyOf,
  connect,
  gatewayId,
  location,
  machineId,
  provisionGateway,
  runCommandId,
  settingsId,
  subscriptionId,
  useWorld,
  withApi,
} from "./hybridComputeFixtures";

describe("bad input to Microsoft.HybridCompute", () => {
  const world = useWorld({ trafficLog: null });

  const expect400 = async (method: string, path: string, body: unknown, code: string, mention?: string) => {
    const response = await world.emulator.request(method, path, body);
    expect(response.status).toBe(400);
    expect(bodyOf(response).error).toEqual({ code, message: expect.any(String) as string });
    if (mention) expect(bodyOf(response).error?.message).toContain(mention);
  };

  test("a gateway name outside the spec's pattern is InvalidResourceName", async () => {
    await expect400("PUT", withApi(gatewayId("gw!1")), { location }, "InvalidResourceName", "gw!1");
  });

  test("a gateway without a location is refused: it is a tracked resource", async () => {
    await expect400(
      "PUT",
      withApi(gatewayId("gw1")),
      { properties: {} },
      "InvalidRequestContent",
      "location",
    );
  });

  test("an unknown property, even a near-miss of a real one, is refused by name", async () => {
    await expect400(
      "PUT",
      withApi(gatewayId("gw1")),
      { location, properties: { allowedFeature: ["*"] } },
      "InvalidRequestContent",
      "allowedFeature",
    );
    connect(world, "web-01");
    await expect400(
      "PUT",
      withApi(settingsId("web-01")),
      { properties: { gatewayProperties: { gatewayResourceID: gatewayId("gw1") } } },
      "InvalidRequestContent",
      "gatewayResourceID",
    );
  });

  test("a wrong type or an enum value the spec lacks is refused", async () => {
    await expect400(
      "PUT",
      withApi(gatewayId("gw1")),
      { location, properties: { allowedFeatures: "*" } },
      "InvalidRequestContent",
    );
    await expect400(
      "PUT",
      withApi(gatewayId("gw1")),
      { location, properties: { gatewayType: "Private" } },
      "InvalidRequestContent",
    );
    await expect400(
      "PUT",
      withApi(gatewayId("gw1")),
      { location, tags: { owner: 42 } },
      "InvalidRequestContent",
    );
  });

  test("malformed JSON is refused before the provider sees it", async () => {
    const response = await world.emulator.request("PUT", withApi(gatewayId("gw1")), undefined, {
      rawBody: '{"location": ',
    });
    expect(response.status).toBe(400);
    expect(bodyOf(response).error?.code).toBe("InvalidRequestContent");
  });

  test("a run command needs exactly one script source, and typed properties", async () => {
    connect(world, "web-01");
    const path = withApi(runCommandId("web-01", "rc"));
    await expect400("PUT", path, { location, properties: {} }, "InvalidRequestContent", "source");
    await expect400(
      "PUT",
      path,
      { location, properties: { source: { script: "echo a", commandId: "RunShellScript" } } },
      "InvalidRequestContent",
      "exactly one",
    );
    await expect400(
      "PUT",
      path,
      { location, properties: { source: { script: "echo a" }, timeoutInSeconds: "60" } },
      "InvalidRequestContent",
    );
    await expect400(
      "PUT",
      path,
      { properties: { source: { script: "echo a" } } },
      "InvalidRequestContent",
      "location",
    );
    await expect400(
      "PUT",
      path,
      { location, properties: { source: { script: "echo a" }, treatFailureAsDeploymentFailure: true } },
      "InvalidRequestContent",
      "treatFailureAsDeploymentFailure",
    );
  });

  test("a gateway link that is not a gateway id is LinkedInvalidPropertyId", async () => {
    connect(world, "web-01");
    await expect400(
      "PUT",
      withApi(settingsId("web-01")),
      { properties: { gatewayProperties: { gatewayResourceId: machineId("web-01") } } },
      "LinkedInvalidPropertyId",
    );
  });

  test("the CLI's detach body, gatewayResourceId null, is accepted although the spec types it as a string", async () => {
    connect(world, "web-01");
    const gateway = await provisionGateway(world, "gw1");
    await world.emulator.request("PUT", withApi(settingsId("web-01")), {
      properties: { gatewayProperties: { gatewayResourceId: gateway } },
    });

    const detached = await world.emulator.request("PUT", withApi(settingsId("web-01")), {
      properties: { gatewayProperties: { gatewayResourceId: null } },
    });

    expect(detached.status).toBe(200);
    expect(bodyOf(detached).properties?.gatewayProperties).toEqual({});
  });

  test("a settings name other than default is refused", async () => {
    connect(world, "web-01");
    const path = withApi(`${machineId("web-01")}/providers/Microsoft.HybridCompute/settings/custom`);
    await expect400("PUT", path, { properties: {} }, "InvalidResourceName");
  });

  test("a skip token the emulator did not issue is refused", async () => {
    await expect400(
      "GET",
      withApi(
        `/subscriptions/${subscriptionId}/providers/Microsoft.HybridCompute/machines`,
        "&$skipToken=abc",
      ),
      undefined,
      "InvalidSkipToken",
    );
  });

  test("no body shape, however odd, makes a provider answer 500", async () => {
    connect(world, "web-01");
    await provisionGateway(world, "gw1");
    const bodies: unknown[] = [
      null,
      42,
      "text",
      [],
      [{ location }],
      {},
      { location: null },
      { location: 7 },
      { location: "" },
      { location, properties: null },
      { location, properties: [] },
      { location, properties: { source: null } },
      { location, properties: { source: { script: 1 } } },
      { location, properties: { gatewayProperties: [] } },
      { properties: { gatewayProperties: { gatewayResourceId: 5 } } },
      { properties: { gatewayProperties: { gatewayResourceId: "not an id" } } },
      { properties: { gatewayProperties: { gatewayResourceId: "/subscriptions//resourceGroups/x" } } },
      { location, tags: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`t${i}`, "v"])) },
      { location: "a".repeat(10_000) },
    ];
    const paths = [
      ["PUT", withApi(gatewayId("gw2"))],
      ["PATCH", withApi(gatewayId("gw1"))],
      ["PUT", withApi(settingsId("web-01"))],
      ["PATCH", withApi(settingsId("web-01"))],
      ["PUT", withApi(runCommandId("web-01", "rc"))],
    ] as const;
    for (const [method, path] of paths) {
      for (const body of bodies) {
        const response = await world.emulator.request(method, path, body);
        expect([method, path, body, response.status]).toEqual([method, path, body, expect.any(Number)]);
        expect(response.status).toBeLessThan(500);
      }
    }
    const oddPaths = [
      `/subscriptions/${subscriptionId}/resourceGroups/rg%20with%20space/providers/Microsoft.HybridCompute/machines/m1`,
      `/subscriptions/${subscriptionId}/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/m%3F1`,
      `/subscriptions/${subscriptionId}/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/${"m".repeat(60)}`,
      `/subscriptions/sub%20one/providers/Microsoft.HybridCompute/machines`,
      `/subscriptions/${subscriptionId}/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/m1/runCommands/rc%23x`,
    ];
    for (const path of oddPaths) {
      const response = await world.emulator.request("GET", withApi(path));
      expect([path, response.status]).toEqual([path, 400]);
    }
  });
});
