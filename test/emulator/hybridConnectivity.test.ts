// SSH over Arc: the `default` endpoint and its SSH service configuration under a machine, and
// the relay credentials `az ssh arc` connects with. Nothing works until the subscription has
// registered Microsoft.HybridConnectivity, which it has not by default.
import type { VirtualClock } from "../../local/clock";
import type { Emulator } from "../../local/emulator";
import { presetProviderRegistration } from "../../local/emulator/providers/resourceProviders";
import type { EmulatorResponse } from "../../local/emulator/testClient";
import {
  getDefaultEndpoint,
  getSshServiceConfiguration,
  putDefaultEndpoint,
  putSshServiceConfiguration,
} from "../../shared/azure/hybridConnectivity";
import {
  type ArmTestbed,
  connectTestMachine,
  startArmTestbed,
  startVirtualEmulator,
  type VirtualEmulator,
} from "../support/armTestbed";

const subscriptionId = "00000000-0000-4000-8000-00000000e001";
const resourceGroup = "rg-ssh";
const machineId = (name: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.HybridCompute/machines/${name}`;
const endpointId = (machine: string) =>
  `${machineId(machine)}/providers/Microsoft.HybridConnectivity/endpoints/default`;
const sshId = (machine: string) => `${endpointId(machine)}/serviceConfigurations/SSH`;
const api = (path: string, query = "") => `${path}?api-version=2024-12-01${query}`;

interface ConnectivityBody {
  readonly id?: string;
  readonly name?: string;
  readonly type?: string;
  readonly properties?: { type?: string; serviceName?: string; port?: number; provisioningState?: string };
  readonly value?: ConnectivityBody[];
  readonly relay?: {
    namespaceName: string;
    namespaceNameSuffix: string;
    hybridConnectionName: string;
    accessKey: string;
    expiresOn: number;
    serviceConfigurationToken?: string;
  };
  readonly error?: { code: string; message: string };
}

const bodyOf = (response: EmulatorResponse) => (response.body ?? {}) as ConnectivityBody;

async function startWorld(trafficLog?: null): Promise<VirtualEmulator> {
  const world = await startVirtualEmulator({ seed: 3, ...(trafficLog === null ? { trafficLog: null } : {}) });
  connectTestMachine(world, { subscriptionId, resourceGroup, name: "web-01" });
  return world;
}

const registerConnectivity = (emulator: Emulator) =>
  presetProviderRegistration(emulator.state, subscriptionId, "Microsoft.HybridConnectivity", "Registered");

describe("Microsoft.HybridConnectivity endpoints and service configurations", () => {
  let clock: VirtualClock;
  let emulator: Emulator;

  beforeEach(async () => {
    ({ clock, emulator } = await startWorld());
  });

  afterEach(() => emulator.close());

  test("creating the endpoint is refused with 409 MissingSubscriptionRegistration until the provider is registered", async () => {
    const refused = await emulator.request("PUT", api(endpointId("web-01")), {
      properties: { type: "default" },
    });
    expect(refused.status).toBe(409);
    expect(bodyOf(refused).error?.code).toBe("MissingSubscriptionRegistration");
    expect(bodyOf(refused).error?.message).toContain("'Microsoft.HybridConnectivity'");

    await emulator.request(
      "POST",
      `/subscriptions/${subscriptionId}/providers/Microsoft.HybridConnectivity/register?api-version=2025-04-01`,
    );
    const stillRegistering = await emulator.request("PUT", api(endpointId("web-01")), {
      properties: { type: "default" },
    });
    expect(stillRegistering.status).toBe(409);

    await clock.advance(emulator.timings.providerRegistrationMs);
    const created = await emulator.request("PUT", api(endpointId("web-01")), {
      properties: { type: "default" },
    });
    expect(created.status).toBe(200);
    expect(bodyOf(created)).toMatchObject({
      id: endpointId("web-01"),
      name: "default",
      type: "Microsoft.HybridConnectivity/endpoints",
      properties: { type: "default", provisioningState: "Succeeded" },
    });
    expect(emulator.publishedEvents()).toContainEqual(
      expect.objectContaining({
        kind: "write",
        operationName: "Microsoft.HybridConnectivity/endpoints/write",
        resourceUri: endpointId("web-01"),
      }),
    );
  });

  test("even reads are refused while the provider is not registered", async () => {
    const list = await emulator.request(
      "GET",
      api(`${machineId("web-01")}/providers/Microsoft.HybridConnectivity/endpoints`),
    );
    expect(list.status).toBe(409);
    expect(bodyOf(list).error?.code).toBe("MissingSubscriptionRegistration");
  });

  test("the SSH service configuration is created with 201, its port updated with PATCH, and re-put with 200", async () => {
    registerConnectivity(emulator);
    await emulator.request("PUT", api(endpointId("web-01")), { properties: { type: "default" } });

    const created = await emulator.request("PUT", api(sshId("web-01")), {
      properties: { serviceName: "SSH", port: 22 },
    });
    expect(created.status).toBe(201);
    expect(bodyOf(created)).toMatchObject({
      id: sshId("web-01"),
      name: "SSH",
      type: "Microsoft.HybridConnectivity/endpoints/serviceConfigurations",
      properties: { serviceName: "SSH", port: 22, provisioningState: "Succeeded" },
    });

    const patched = await emulator.request("PATCH", api(sshId("web-01")), { properties: { port: 2222 } });
    expect(patched.status).toBe(200);
    expect(bodyOf(patched).properties).toMatchObject({ serviceName: "SSH", port: 2222 });
    expect(bodyOf(await emulator.request("GET", api(sshId("web-01")))).properties?.port).toBe(2222);

    const replaced = await emulator.request("PUT", api(sshId("web-01")), {
      properties: { serviceName: "SSH", port: 22 },
    });
    expect(replaced.status).toBe(200);
    expect(bodyOf(replaced).properties?.port).toBe(22);

    const list = bodyOf(await emulator.request("GET", api(`${endpointId("web-01")}/serviceConfigurations`)));
    expect(list.value?.map((c) => c.name)).toEqual(["SSH"]);
    const writes = emulator
      .publishedEvents()
      .filter(
        (e) => e.operationName === "Microsoft.HybridConnectivity/endpoints/serviceConfigurations/write",
      );
    expect(writes).toHaveLength(3);
  });

  test("a service configuration needs its endpoint, and an endpoint needs its machine", async () => {
    registerConnectivity(emulator);
    const noEndpoint = await emulator.request("PUT", api(sshId("web-01")), {
      properties: { serviceName: "SSH", port: 22 },
    });
    expect(noEndpoint.status).toBe(404);
    expect(bodyOf(noEndpoint).error?.code).toBe("ParentResourceNotFound");

    const noMachine = await emulator.request("PUT", api(endpointId("ghost-01")), {
      properties: { type: "default" },
    });
    expect(noMachine.status).toBe(404);
    expect(bodyOf(noMachine).error?.code).toBe("ParentResourceNotFound");

    const missing = await emulator.request("GET", api(endpointId("web-01")));
    expect(missing.status).toBe(404);
    expect(bodyOf(missing).error?.code).toBe("ResourceNotFound");
  });

  test("listCredentials answers a relay with a fresh access key that expires after expiresin seconds", async () => {
    registerConnectivity(emulator);
    const listCredentials = () =>
      emulator.request("POST", api(`${endpointId("web-01")}/listCredentials`, "&expiresin=3600"), {
        serviceName: "SSH",
      });

    const beforeEndpoint = await listCredentials();
    expect(beforeEndpoint.status).toBe(404);
    expect(bodyOf(beforeEndpoint).error?.code).toBe("ResourceNotFound");

    await emulator.request("PUT", api(endpointId("web-01")), { properties: { type: "default" } });
    // `az ssh arc` reads 412 as "the endpoint exists but SSH is not configured yet".
    expect((await listCredentials()).status).toBe(412);

    await emulator.request("PUT", api(sshId("web-01")), { properties: { serviceName: "SSH", port: 22 } });
    const first = await listCredentials();
    expect(first.status).toBe(200);
    const relay = bodyOf(first).relay;
    expect(relay).toMatchObject({
      namespaceName: "azgnrelay-westeurope-l1",
      namespaceNameSuffix: "servicebus.windows.net",
      expiresOn: Math.floor(clock.now() / 1000) + 3600,
    });
    expect(relay?.accessKey).toMatch(/^SharedAccessSignature sr=.+&sig=.+&se=\d+&skn=listener$/);
    expect(relay?.serviceConfigurationToken).toMatch(/^SSH/);

    const second = bodyOf(await listCredentials()).relay;
    expect(second?.accessKey).not.toBe(relay?.accessKey);
    expect(second?.hybridConnectionName.split("/").slice(0, 3)).toEqual(
      relay?.hybridConnectionName.split("/").slice(0, 3),
    );
    expect(emulator.publishedEvents()).toContainEqual(
      expect.objectContaining({
        kind: "action",
        operationName: "Microsoft.HybridConnectivity/endpoints/listCredentials/action",
      }),
    );
  });

  test("deleting the endpoint deletes its service configurations; deleting again answers 204", async () => {
    registerConnectivity(emulator);
    await emulator.request("PUT", api(endpointId("web-01")), { properties: { type: "default" } });
    await emulator.request("PUT", api(sshId("web-01")), { properties: { serviceName: "SSH", port: 22 } });

    const deleted = await emulator.request("DELETE", api(endpointId("web-01")));
    expect(deleted.status).toBe(200);
    expect(emulator.state.getResource(sshId("web-01"))).toBeUndefined();
    expect((await emulator.request("GET", api(sshId("web-01")))).status).toBe(404);
    expect((await emulator.request("DELETE", api(endpointId("web-01")))).status).toBe(204);
    expect(emulator.publishedEvents().filter((e) => e.kind === "delete")).toEqual([
      expect.objectContaining({
        operationName: "Microsoft.HybridConnectivity/endpoints/delete",
        resourceUri: endpointId("web-01"),
      }),
    ]);
  });

  test("a deny rule on service configuration writes answers 403 and creates nothing", async () => {
    registerConnectivity(emulator);
    await emulator.request("PUT", api(endpointId("web-01")), { properties: { type: "default" } });
    emulator.state.denyRules = [
      { action: "Microsoft.HybridConnectivity/endpoints/serviceConfigurations/write" },
    ];
    const denied = await emulator.request("PUT", api(sshId("web-01")), {
      properties: { serviceName: "SSH", port: 22 },
    });
    expect(denied.status).toBe(403);
    expect(bodyOf(denied).error?.message).toContain(sshId("web-01"));
    expect(emulator.state.getResource(sshId("web-01"))).toBeUndefined();
  });

  test("endpoints are listed per machine", async () => {
    registerConnectivity(emulator);
    await emulator.request("PUT", api(endpointId("web-01")), { properties: { type: "default" } });
    const list = await emulator.request(
      "GET",
      api(`${machineId("web-01")}/providers/Microsoft.HybridConnectivity/endpoints`),
    );
    expect(list.status).toBe(200);
    expect(bodyOf(list).value?.map((e) => e.id)).toEqual([endpointId("web-01")]);
  });
});

// These requests are invalid on purpose, so they stay out of the suite's spec-checked traffic log.
describe("Microsoft.HybridConnectivity refuses malformed requests", () => {
  let emulator: Emulator;

  beforeEach(async () => {
    ({ emulator } = await startWorld(null));
    registerConnectivity(emulator);
    await emulator.request("PUT", api(endpointId("web-01")), { properties: { type: "default" } });
  });

  afterEach(() => emulator.close());

  test.each([
    ["an unknown property", { properties: { serviceName: "SSH", port: 22, portRange: "22-23" } }],
    ["a service name that does not match the path", { properties: { serviceName: "WAC", port: 6516 } }],
    ["a port out of range", { properties: { serviceName: "SSH", port: 70000 } }],
    ["a port that is not a number", { properties: { serviceName: "SSH", port: "22" } }],
    ["no body at all", undefined],
  ])("a service configuration with %s is refused with 400", async (_what, body) => {
    const response = await emulator.request("PUT", api(sshId("web-01")), body);
    expect(response.status).toBe(400);
    expect(bodyOf(response).error?.code).toBe("InvalidRequestContent");
    expect(emulator.state.getResource(sshId("web-01"))).toBeUndefined();
  });

  test("an unknown service configuration name and an out-of-range expiresin are refused with 400", async () => {
    const telnet = await emulator.request(
      "PUT",
      api(`${endpointId("web-01")}/serviceConfigurations/TELNET`),
      {
        properties: { serviceName: "SSH" },
      },
    );
    expect(telnet.status).toBe(400);
    expect(bodyOf(telnet).error?.code).toBe("InvalidResourceName");
    const tooLong = await emulator.request(
      "POST",
      api(`${endpointId("web-01")}/listCredentials`, "&expiresin=99999"),
    );
    expect(tooLong.status).toBe(400);
  });

  test("an endpoint of an unknown type is refused with 400", async () => {
    const response = await emulator.request("PUT", api(endpointId("web-01")), {
      properties: { type: "tunnel" },
    });
    expect(response.status).toBe(400);
    expect(bodyOf(response).properties).toBeUndefined();
  });
});

// What onboarding leaves behind is what `az ssh arc` reads: the endpoint `default` of type
// `default` and the SSH service configuration with its port (docs/azure-facts.md §8). The product
// writes them at 2024-12-01; the CLI reads and writes them at 2023-03-15 (§1). Its order: POST
// listCredentials for SSH first (404: create the endpoint; 412: create the SSH configuration),
// then GET the SSH configuration to compare the port.
describe("az ssh arc against what onboarding leaves behind", () => {
  let testbed: ArmTestbed;
  let emulator: Emulator;

  const at =
    (version: string) =>
    (path: string, query = "") =>
      `${path}?api-version=${version}${query}`;

  beforeEach(async () => {
    testbed = await startArmTestbed({ emulator: { seed: 3 } });
    ({ emulator } = testbed);
    connectTestMachine(testbed, { subscriptionId, resourceGroup, name: "web-01" });
    connectTestMachine(testbed, { subscriptionId, resourceGroup, name: "web-02" });
    registerConnectivity(emulator);
    // The product's own calls, as onboarding makes them.
    await putDefaultEndpoint(testbed.context, machineId("web-01"));
    await putSshServiceConfiguration(testbed.context, machineId("web-01"), 2222);
  });

  afterEach(() => testbed.close());

  test.each(["2023-03-15", "2024-12-01"])(
    "at %s the relay credentials for SSH, the SSH port and the endpoint are readable",
    async (version) => {
      const api = at(version);
      const credentials = await emulator.request(
        "POST",
        api(`${endpointId("web-01")}/listCredentials`, "&expiresin=3600"),
        { serviceName: "SSH" },
      );
      const ssh = await emulator.request("GET", api(sshId("web-01")));
      const endpoint = await emulator.request("GET", api(endpointId("web-01")));

      expect(credentials.status).toBe(200);
      expect(bodyOf(credentials).relay).toMatchObject({
        namespaceNameSuffix: "servicebus.windows.net",
        expiresOn: Math.floor(testbed.clock.now() / 1000) + 3600,
        serviceConfigurationToken: expect.stringMatching(/^SSH/) as string,
      });
      expect(ssh.status).toBe(200);
      expect(bodyOf(ssh)).toMatchObject({
        id: sshId("web-01"),
        type: "Microsoft.HybridConnectivity/endpoints/serviceConfigurations",
        properties: { serviceName: "SSH", port: 2222, provisioningState: "Succeeded" },
      });
      expect(endpoint.status).toBe(200);
      expect(bodyOf(endpoint)).toMatchObject({
        id: endpointId("web-01"),
        properties: { type: "default", provisioningState: "Succeeded" },
      });
    },
  );

  test("what az ssh arc creates at 2023-03-15 is what the product reads at 2024-12-01, and back", async () => {
    const cli = at("2023-03-15");
    const listCredentials = () =>
      emulator.request("POST", cli(`${endpointId("web-02")}/listCredentials`, "&expiresin=3600"), {
        serviceName: "SSH",
      });

    expect((await listCredentials()).status).toBe(404);
    const endpoint = await emulator.request("PUT", cli(endpointId("web-02")), {
      properties: { type: "default" },
    });
    expect(endpoint.status).toBe(200);
    expect((await listCredentials()).status).toBe(412);
    const created = await emulator.request("PUT", cli(sshId("web-02")), {
      properties: { serviceName: "SSH", port: 22 },
    });
    expect(created.status).toBe(201);
    expect((await listCredentials()).status).toBe(200);

    expect(await getDefaultEndpoint(testbed.context, machineId("web-02"))).toMatchObject({
      id: endpointId("web-02"),
      type: "default",
    });
    expect(await getSshServiceConfiguration(testbed.context, machineId("web-02"))).toMatchObject({
      serviceName: "SSH",
      port: 22,
    });

    // The product moves the port at 2024-12-01; a later `az ssh arc` sees it, and can move it back.
    await putSshServiceConfiguration(testbed.context, machineId("web-02"), 2200);
    expect(bodyOf(await emulator.request("GET", cli(sshId("web-02")))).properties?.port).toBe(2200);
    const patched = await emulator.request("PATCH", cli(sshId("web-02")), { properties: { port: 22 } });
    expect(patched.status).toBe(200);
    expect((await getSshServiceConfiguration(testbed.context, machineId("web-02")))?.port).toBe(22);

    expect((await emulator.request("DELETE", cli(endpointId("web-02")))).status).toBe(200);
    expect(await getSshServiceConfiguration(testbed.context, machineId("web-02"))).toBeUndefined();
  });
});

// 2023-03-15 is served for the operations `az ssh arc` works with only; the lists and the other
// writes answer the product's version alone, as ARM answers a version a type does not have.
describe("HybridConnectivity operations outside az ssh arc stay at 2024-12-01", () => {
  let emulator: Emulator;

  beforeEach(async () => {
    ({ emulator } = await startWorld(null));
    registerConnectivity(emulator);
    await emulator.request("PUT", api(endpointId("web-01")), { properties: { type: "default" } });
  });

  afterEach(() => emulator.close());

  // Every row names its body (jest would take a missing last argument for a `done` callback).
  test.each<[string, string, string, object | undefined]>([
    [
      "the endpoint list",
      "GET",
      `${machineId("web-01")}/providers/Microsoft.HybridConnectivity/endpoints`,
      undefined,
    ],
    ["the service configuration list", "GET", `${endpointId("web-01")}/serviceConfigurations`, undefined],
    ["an endpoint PATCH", "PATCH", endpointId("web-01"), { properties: { type: "default" } }],
    ["a service configuration DELETE", "DELETE", sshId("web-01"), undefined],
  ])("%s at 2023-03-15 is refused with 400 naming 2024-12-01", async (_what, method, path, body) => {
    const response = await emulator.request(method, `${path}?api-version=2023-03-15`, body);

    expect(response.status).toBe(400);
    expect(bodyOf(response).error?.code).toBe("NoRegisteredProviderFound");
    expect(bodyOf(response).error?.message).toContain("2024-12-01");
  });
});
