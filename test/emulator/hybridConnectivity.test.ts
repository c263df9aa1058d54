// SSH over Arc: the `default` endpoint and its SSH service configuration under a machine, and
// the relay credentials `az ssh arc` connects with. Nothing works until the subscription has
// registered Microsoft.HybridConnectivity, which it has not by default.
import type { VirtualClock } from "../../local/clock";
import type { Emulator } from "../../local/emulator";
import { presetProviderRegistration } from "../../local/emulator/providers/resourceProviders";
import type { EmulatorResponse } from "../../local/emulator/testClient";
import { connectTestMachine, startVirtualEmulator, type VirtualEmulator } from "../support/armTestbed";

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
// `default` and the SSH service configuration with its port (docs/azure-facts.md §8).
describe("az ssh arc against what onboarding leaves behind", () => {
  let emulator: Emulator;

  beforeEach(async () => {
    ({ emulator } = await startWorld());
    registerConnectivity(emulator);
    await emulator.request("PUT", api(endpointId("web-01")), { properties: { type: "default" } });
    await emulator.request("PUT", api(sshId("web-01")), { properties: { serviceName: "SSH", port: 2222 } });
  });

  afterEach(() => emulator.close());

  test("the endpoint, the SSH port and relay credentials for SSH are readable at 2024-12-01", async () => {
    const endpoint = await emulator.request("GET", api(endpointId("web-01")));
    const ssh = await emulator.request("GET", api(sshId("web-01")));
    const credentials = await emulator.request(
      "POST",
      api(`${endpointId("web-01")}/listCredentials`, "&expiresin=3600"),
      { serviceName: "SSH" },
    );

    expect(endpoint.status).toBe(200);
    expect(bodyOf(endpoint).properties).toMatchObject({ type: "default", provisioningState: "Succeeded" });
    expect(ssh.status).toBe(200);
    expect(bodyOf(ssh).properties).toMatchObject({ serviceName: "SSH", port: 2222 });
    expect(credentials.status).toBe(200);
    expect(bodyOf(credentials).relay).toMatchObject({
      namespaceNameSuffix: "servicebus.windows.net",
      serviceConfigurationToken: expect.stringMatching(/^SSH/) as string,
    });
  });
});

// `az ssh arc` itself sends api-version 2023-03-15. The official specs the contract check uses
// (../shared/azure-specs) hold HybridConnectivity 2024-12-01 only, so the emulator cannot serve
// 2023-03-15 and stay checked: it refuses it the way ARM refuses an unknown version. Add the
// version to hybridConnectivityApiVersions once its spec is collected, and turn this test round.
describe("HybridConnectivity api-versions the emulator serves", () => {
  let emulator: Emulator;

  beforeEach(async () => {
    ({ emulator } = await startWorld(null));
    registerConnectivity(emulator);
  });

  afterEach(() => emulator.close());

  test.each([
    ["GET", endpointId("web-01")],
    ["PUT", endpointId("web-01")],
    ["GET", sshId("web-01")],
    ["POST", `${endpointId("web-01")}/listCredentials`],
  ])("%s %s at 2023-03-15 is refused with 400 naming 2024-12-01", async (method, path) => {
    const response = await emulator.request(
      method,
      `${path}?api-version=2023-03-15`,
      method === "PUT" ? { properties: { type: "default" } } : undefined,
    );

    expect(response.status).toBe(400);
    expect(bodyOf(response).error?.message).toContain("2024-12-01");
  });
});
