// Arc gateways and the machine settings that link machines to them, over the emulator's HTTPS
// front door on a virtual clock. Every exchange here is valid against the official spec (the
// suite's traffic log is contract-checked); deliberately invalid requests live in
// hybridComputeBadInput.test.ts.
import { failNextGatewayCreations } from "../../local/emulator/providers/hybridCompute/gateways";
import { agentConnectionType } from "../../local/emulator/providers/hybridCompute/machines";
import {
  bodyOf,
  connect,
  gatewayId,
  location,
  operationStatus,
  provisionGateway,
  resourceGroup,
  settingsId,
  subscriptionId,
  useWorld,
  withApi,
} from "./hybridComputeFixtures";

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** A bare host name with a GUID prefix and no scheme, as the recorded gateway had. */
const endpointHost =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.gw\.arc\.azure\.com$/;

describe("Arc gateways in the emulator", () => {
  const world = useWorld();

  test("a new gateway is Creating without an endpoint for 4.5 virtual minutes, then Succeeded with one", async () => {
    const { emulator, clock } = world;
    const put = await emulator.request("PUT", withApi(gatewayId("gw-west")), { location: "West Europe" });

    expect(put.status).toBe(201);
    expect(put.headers["azure-asyncoperation"]).toContain(
      "/providers/Microsoft.HybridCompute/locations/westeurope/",
    );
    expect(put.headers.location).toContain("/operationResults/");
    // As recorded: no Retry-After on the 201, so the client's default poll interval applies.
    expect(put.headers).not.toHaveProperty("retry-after");
    expect(put.body).toMatchObject({
      id: gatewayId("gw-west"),
      name: "gw-west",
      type: "Microsoft.HybridCompute/gateways",
      location: "westeurope",
      properties: { provisioningState: "Creating", gatewayType: "Public", allowedFeatures: ["*"] },
    });
    expect(bodyOf(put).properties?.gatewayId).toMatch(guid);
    expect(bodyOf(put).properties).not.toHaveProperty("gatewayEndpoint");
    expect((await operationStatus(world, put)).status).toBe("Queued");

    await clock.advance(emulator.timings.operationQueuedMs);
    expect((await operationStatus(world, put)).status).toBe("InProgress");

    await clock.advance(4 * 60_000 + 29_000 - emulator.timings.operationQueuedMs);
    const almost = bodyOf(await emulator.request("GET", withApi(gatewayId("gw-west"))));
    expect(almost.properties).toMatchObject({ provisioningState: "Creating" });
    expect(almost.properties).not.toHaveProperty("gatewayEndpoint");
    expect(emulator.publishedEvents()).toHaveLength(0);

    await clock.advance(1_000);
    const done = bodyOf(await emulator.request("GET", withApi(gatewayId("gw-west"))));
    expect(done.properties).toMatchObject({
      provisioningState: "Succeeded",
      gatewayId: bodyOf(put).properties?.gatewayId,
      gatewayEndpoint: expect.stringMatching(endpointHost) as string,
    });
    expect((await operationStatus(world, put)).status).toBe("Succeeded");
    const result = await emulator.request("GET", put.headers.location ?? "");
    expect(result.status).toBe(200);
    expect(bodyOf(result).properties?.provisioningState).toBe("Succeeded");
    expect(emulator.publishedEvents()).toEqual([
      expect.objectContaining({
        kind: "write",
        resourceUri: gatewayId("gw-west"),
        operationName: "Microsoft.HybridCompute/gateways/write",
      }),
    ]);
  });

  test("the sixth gateway in a subscription is refused with QuotaExceeded naming the limit of 5", async () => {
    for (const name of ["gw1", "gw2", "gw3", "gw4", "gw5"]) {
      const put = await world.emulator.request("PUT", withApi(gatewayId(name, `rg-${name}`)), { location });
      expect(put.status).toBe(201);
    }
    const sixth = await world.emulator.request("PUT", withApi(gatewayId("gw6")), { location });

    expect(sixth.status).toBe(409);
    expect(bodyOf(sixth).error).toEqual({
      code: "QuotaExceeded",
      message: expect.stringContaining("5") as string,
    });
    expect((await world.emulator.request("GET", withApi(gatewayId("gw6")))).status).toBe(404);
  });

  test("once a gateway is deleted, a sixth one fits under the quota again", async () => {
    for (const name of ["gw1", "gw2", "gw3", "gw4", "gw5"]) await provisionGateway(world, name);
    await world.emulator.request("DELETE", withApi(gatewayId("gw1")));
    await world.clock.advance(world.emulator.timings.gatewayDeleteMs);

    expect((await world.emulator.request("PUT", withApi(gatewayId("gw6")), { location })).status).toBe(201);
  });

  test("a creation made to fail ends Failed with the injected error, and a retried PUT succeeds", async () => {
    failNextGatewayCreations(world.emulator.state, 1, {
      code: "GatewayProvisioningFailed",
      message: "Front Door timed out.",
    });
    const put = await world.emulator.request("PUT", withApi(gatewayId("gw-doomed")), { location });
    await world.clock.advance(world.emulator.timings.gatewayCreateMs);

    expect(await operationStatus(world, put)).toMatchObject({
      status: "Failed",
      error: { code: "GatewayProvisioningFailed", message: "Front Door timed out." },
    });
    const failed = bodyOf(await world.emulator.request("GET", withApi(gatewayId("gw-doomed"))));
    expect(failed.properties).toMatchObject({ provisioningState: "Failed" });
    expect(failed.properties).not.toHaveProperty("gatewayEndpoint");
    expect(world.emulator.publishedEvents()).toHaveLength(0);

    const retry = await world.emulator.request("PUT", withApi(gatewayId("gw-doomed")), { location });
    expect(retry.status).toBe(201);
    expect(bodyOf(retry).properties?.gatewayId).toBe(failed.properties?.gatewayId);
    await world.clock.advance(world.emulator.timings.gatewayCreateMs);
    expect((await operationStatus(world, retry)).status).toBe("Succeeded");
  });

  test("POST /_emulator/gateways/failures with a message only fails the next creation with that message and the gateway code", async () => {
    const knob = await world.emulator.request(
      "POST",
      "/_emulator/gateways/failures",
      { count: 1, message: "Front Door timed out." },
      { token: null },
    );
    expect(knob.status).toBe(201);
    const put = await world.emulator.request("PUT", withApi(gatewayId("gw-knob")), { location });
    await world.clock.advance(world.emulator.timings.gatewayCreateMs);

    expect(await operationStatus(world, put)).toMatchObject({
      status: "Failed",
      error: { code: "GatewayProvisioningFailed", message: "Front Door timed out." },
    });
    expect(
      (await world.emulator.request("POST", "/_emulator/gateways/failures", { count: 0 }, { token: null }))
        .status,
    ).toBe(400);
  });

  test("putting the same gateway again once it has succeeded is a synchronous 200 that keeps its identity", async () => {
    await provisionGateway(world, "gw-west");
    const before = bodyOf(await world.emulator.request("GET", withApi(gatewayId("gw-west"))));

    const again = await world.emulator.request("PUT", withApi(gatewayId("gw-west")), {
      location,
      tags: { owner: "arc-autopilot" },
      properties: { gatewayType: "Public", allowedFeatures: ["*"] },
    });

    expect(again.status).toBe(200);
    expect(again.headers).not.toHaveProperty("azure-asyncoperation");
    expect(again.body).toMatchObject({
      tags: { owner: "arc-autopilot" },
      properties: {
        provisioningState: "Succeeded",
        gatewayId: before.properties?.gatewayId,
        gatewayEndpoint: before.properties?.gatewayEndpoint,
      },
    });
  });

  test("PATCH changes tags and allowed features at once", async () => {
    await provisionGateway(world, "gw-west");
    const patch = await world.emulator.request("PATCH", withApi(gatewayId("gw-west")), {
      tags: { env: "prod" },
      properties: { allowedFeatures: ["azcmagent"] },
    });

    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({
      tags: { env: "prod" },
      properties: { allowedFeatures: ["azcmagent"], provisioningState: "Succeeded" },
    });
  });

  test("deleting a gateway is an operation: 202 with a Deleting body, gone a minute later, then a second delete answers 204", async () => {
    await provisionGateway(world, "gw-old");
    const deletion = await world.emulator.request("DELETE", withApi(gatewayId("gw-old")));

    expect(world.emulator.timings.gatewayDeleteMs).toBe(60_000);
    expect(deletion.status).toBe(202);
    expect(deletion.headers["azure-asyncoperation"]).toBeDefined();
    expect(deletion.body).toMatchObject({
      id: gatewayId("gw-old"),
      properties: { provisioningState: "Deleting" },
    });
    expect(
      bodyOf(await world.emulator.request("GET", withApi(gatewayId("gw-old")))).properties,
    ).toMatchObject({
      provisioningState: "Deleting",
    });

    await world.clock.advance(59_000);
    expect((await world.emulator.request("GET", withApi(gatewayId("gw-old")))).status).toBe(200);
    await world.clock.advance(1_000);
    expect((await operationStatus(world, deletion)).status).toBe("Succeeded");
    expect((await world.emulator.request("GET", deletion.headers.location ?? "")).status).toBe(204);
    expect((await world.emulator.request("GET", withApi(gatewayId("gw-old")))).status).toBe(404);
    expect(world.emulator.publishedEvents().at(-1)).toMatchObject({
      kind: "delete",
      resourceUri: gatewayId("gw-old"),
      operationName: "Microsoft.HybridCompute/gateways/delete",
    });
    expect((await world.emulator.request("DELETE", withApi(gatewayId("gw-old")))).status).toBe(204);
  });

  test("a gateway still being created cannot be deleted yet", async () => {
    await world.emulator.request("PUT", withApi(gatewayId("gw-busy")), { location });
    const deletion = await world.emulator.request("DELETE", withApi(gatewayId("gw-busy")));

    expect(deletion.status).toBe(409);
    expect(bodyOf(deletion).error?.code).toBe("AnotherOperationInProgress");
  });

  test("gateways are listed by resource group and by subscription", async () => {
    await world.emulator.request("PUT", withApi(gatewayId("gw-a")), { location });
    await world.emulator.request("PUT", withApi(gatewayId("gw-b", "rg-other")), { location });

    const inGroup = bodyOf(
      await world.emulator.request(
        "GET",
        withApi(
          `/subscriptions/${subscriptionId}/resourceGroups/rg-other/providers/Microsoft.HybridCompute/gateways`,
        ),
      ),
    );
    const inSubscription = bodyOf(
      await world.emulator.request(
        "GET",
        withApi(`/subscriptions/${subscriptionId}/providers/Microsoft.HybridCompute/gateways`),
      ),
    );

    expect(inGroup.value?.map((g) => g.name)).toEqual(["gw-b"]);
    expect(inSubscription.value?.map((g) => g.name)).toEqual(["gw-a", "gw-b"]);
    expect(inSubscription).not.toHaveProperty("nextLink");
  });

  test("without gateways/write the PUT is refused with 403 and nothing is created", async () => {
    world.emulator.state.denyRules = [{ action: "Microsoft.HybridCompute/gateways/write" }];
    const put = await world.emulator.request("PUT", withApi(gatewayId("gw-x")), { location });

    expect(put.status).toBe(403);
    expect(bodyOf(put).error?.code).toBe("AuthorizationFailed");
    world.emulator.state.denyRules = [];
    expect((await world.emulator.request("GET", withApi(gatewayId("gw-x")))).status).toBe(404);
  });
});

describe("machine settings: linking Arc machines to gateways", () => {
  const world = useWorld();

  test("a machine that was never linked reads as settings with its tenant, its location and empty gatewayProperties", async () => {
    connect(world, "web-01");
    const get = await world.emulator.request("GET", withApi(settingsId("web-01")));

    expect(get.status).toBe(200);
    expect(get.body).toMatchObject({
      id: settingsId("web-01"),
      type: "Microsoft.HybridCompute/settings",
      location,
      properties: { tenantId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string },
    });
    expect(bodyOf(get).properties?.gatewayProperties).toEqual({});
  });

  test("linking answers 200 the first time as after, and publishes a settings write for each", async () => {
    connect(world, "web-01");
    const gateway = await provisionGateway(world, "gw-west");
    const link = { properties: { gatewayProperties: { gatewayResourceId: gateway } } };

    const first = await world.emulator.request("PUT", withApi(settingsId("web-01")), link);
    const second = await world.emulator.request("PUT", withApi(settingsId("web-01")), link);

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ properties: { gatewayProperties: { gatewayResourceId: gateway } } });
    expect(
      bodyOf(await world.emulator.request("GET", withApi(settingsId("web-01")))).properties,
    ).toMatchObject({
      gatewayProperties: { gatewayResourceId: gateway },
    });
    const settingsWrites = world.emulator
      .publishedEvents()
      .filter((event) => event.operationName === "Microsoft.HybridCompute/settings/write");
    expect(settingsWrites).toHaveLength(2);
    expect(settingsWrites[0]).toMatchObject({
      resourceUri: settingsId("web-01"),
      httpRequest: { method: "PUT" },
    });
  });

  test("a PUT without a gateway link detaches the machine; a PATCH that names nothing keeps the link", async () => {
    connect(world, "web-01");
    const gateway = await provisionGateway(world, "gw-west");
    await world.emulator.request("PUT", withApi(settingsId("web-01")), {
      properties: { gatewayProperties: { gatewayResourceId: gateway } },
    });

    const patched = await world.emulator.request("PATCH", withApi(settingsId("web-01")), { properties: {} });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ properties: { gatewayProperties: { gatewayResourceId: gateway } } });

    const detached = await world.emulator.request("PUT", withApi(settingsId("web-01")), {
      properties: { gatewayProperties: {} },
    });
    expect(detached.status).toBe(200);
    expect(bodyOf(detached).properties?.gatewayProperties).toEqual({});
  });

  test("a PUT with gatewayResourceId null clears the link, as the CLI detaches", async () => {
    const machine = connect(world, "web-01", { agentVersion: "1.51.02853.1690" });
    const gateway = await provisionGateway(world, "gw-west");
    await world.emulator.request("PUT", withApi(settingsId("web-01")), {
      properties: { gatewayProperties: { gatewayResourceId: gateway } },
    });
    expect(agentConnectionType(world.emulator.context(), machine)).toBe("gateway");

    // `az arcgateway settings update` reads, then PUTs back only what its model knows, with the
    // nullable gatewayResourceId set to null.
    const cleared = await world.emulator.request("PUT", withApi(settingsId("web-01")), {
      properties: { gatewayProperties: { gatewayResourceId: null } },
    });

    expect(cleared.status).toBe(200);
    expect(bodyOf(cleared).properties?.gatewayProperties).toEqual({});
    expect(
      bodyOf(await world.emulator.request("GET", withApi(settingsId("web-01")))).properties
        ?.gatewayProperties,
    ).toEqual({});
    expect(agentConnectionType(world.emulator.context(), machine)).toBe("direct");
  });

  test("linking to a gateway that does not exist is refused with GatewayNotFound", async () => {
    connect(world, "web-01");
    const put = await world.emulator.request("PUT", withApi(settingsId("web-01")), {
      properties: { gatewayProperties: { gatewayResourceId: gatewayId("gw-missing") } },
    });

    expect(put.status).toBe(400);
    expect(bodyOf(put).error?.code).toBe("GatewayNotFound");
  });

  test("linking to a gateway still being created is refused with GatewayNotReady", async () => {
    connect(world, "web-01");
    await world.emulator.request("PUT", withApi(gatewayId("gw-new")), { location });
    const put = await world.emulator.request("PUT", withApi(settingsId("web-01")), {
      properties: { gatewayProperties: { gatewayResourceId: gatewayId("gw-new") } },
    });

    expect(put.status).toBe(409);
    expect(bodyOf(put).error).toMatchObject({
      code: "GatewayNotReady",
      message: expect.stringContaining("Creating") as string,
    });
  });

  test("settings of a machine that does not exist: 404 ParentResourceNotFound on PUT, ResourceNotFound on GET", async () => {
    const gateway = await provisionGateway(world, "gw-west");
    const put = await world.emulator.request("PUT", withApi(settingsId("ghost")), {
      properties: { gatewayProperties: { gatewayResourceId: gateway } },
    });
    const get = await world.emulator.request("GET", withApi(settingsId("ghost")));

    expect(put.status).toBe(404);
    expect(bodyOf(put).error?.code).toBe("ParentResourceNotFound");
    expect(get.status).toBe(404);
    expect(bodyOf(get).error?.code).toBe("ResourceNotFound");
  });

  test("an agent from 1.51 on follows the link by itself; an older one stays direct until told locally", async () => {
    const modern = connect(world, "modern", { agentVersion: "1.51.02853.1690" });
    const legacy = connect(world, "legacy", { agentVersion: "1.50.02812.1511" });
    const gateway = await provisionGateway(world, "gw-west");
    const link = { properties: { gatewayProperties: { gatewayResourceId: gateway } } };

    await world.emulator.request("PUT", withApi(settingsId("modern")), link);
    await world.emulator.request("PUT", withApi(settingsId("legacy")), link);

    expect(agentConnectionType(world.emulator.context(), modern)).toBe("gateway");
    expect(agentConnectionType(world.emulator.context(), legacy)).toBe("direct");
  });

  test("a machine connected with --gateway-id is linked and in gateway mode from the start", async () => {
    const gateway = await provisionGateway(world, "gw-west");
    const machine = connect(world, "web-01", { gatewayResourceId: gateway });

    expect(agentConnectionType(world.emulator.context(), machine)).toBe("gateway");
    expect(
      bodyOf(await world.emulator.request("GET", withApi(settingsId("web-01")))).properties,
    ).toMatchObject({
      gatewayProperties: { gatewayResourceId: gateway },
    });
  });

  test("settings are served only for Arc machines", async () => {
    const path = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.AzureStackHCI/clusters/c1/providers/Microsoft.HybridCompute/settings/default`;
    const get = await world.emulator.request("GET", withApi(path));

    expect(get.status).toBe(400);
    expect(bodyOf(get).error?.code).toBe("UnsupportedBaseResourceType");
  });
});
