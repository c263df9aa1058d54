// The emulator's test-only knobs that make a write turn out other than asked: off by default,
// aimed at one machine (or one subscription's provider), used up as promised, and every answer
// still one the Azure specs allow (the suite's traffic is contract-checked).
import { agentConnectionType } from "../../local/emulator/providers/hybridCompute/machines";
import { failNextRunCommands } from "../../local/emulator/providers/hybridCompute/runCommands";
import { linkNextSettingsPutTo } from "../../local/emulator/providers/hybridCompute/settings";
import {
  answerNextSshConfigurationPuts,
  failNextEndpointPuts,
} from "../../local/emulator/providers/hybridConnectivity";
import {
  holdProviderRegistration,
  presetProviderRegistration,
  releaseProviderRegistration,
} from "../../local/emulator/providers/resourceProviders";
import {
  bodyOf,
  connect,
  location,
  machineId,
  operationStatus,
  provisionGateway,
  runCommandId,
  settingsId,
  subscriptionId,
  useWorld,
  withApi,
} from "./hybridComputeFixtures";

const connectivityApi = "api-version=2024-12-01";
const endpointId = (machine: string) =>
  `${machineId(machine)}/providers/Microsoft.HybridConnectivity/endpoints/default`;
const sshId = (machine: string) => `${endpointId(machine)}/serviceConfigurations/SSH`;
const providerPath = (action = "") =>
  `/subscriptions/${subscriptionId}/providers/Microsoft.HybridConnectivity${action}?api-version=2025-04-01`;

describe("settings: the next PUT links another gateway", () => {
  const world = useWorld();

  const link = (machine: string, gateway: string) =>
    world.emulator.request("PUT", withApi(settingsId(machine)), {
      properties: { gatewayProperties: { gatewayResourceId: gateway } },
    });
  const linkOf = (body: ReturnType<typeof bodyOf>) =>
    (body.properties?.gatewayProperties as { gatewayResourceId?: string } | undefined)?.gatewayResourceId;

  test("answers and stores the other gateway once, for that machine only", async () => {
    connect(world, "web-01");
    connect(world, "web-02");
    const asked = await provisionGateway(world, "gw-asked");
    const other = await provisionGateway(world, "gw-other");
    linkNextSettingsPutTo(world.emulator.state, machineId("web-01").toUpperCase(), other);

    const bystander = await link("web-02", asked);
    expect(linkOf(bodyOf(bystander))).toBe(asked);

    const first = await link("web-01", asked);
    expect(first.status).toBe(200);
    expect(linkOf(bodyOf(first))).toBe(other);
    expect(linkOf(bodyOf(await world.emulator.request("GET", withApi(settingsId("web-01")))))).toBe(other);

    const second = await link("web-01", asked);
    expect(linkOf(bodyOf(second))).toBe(asked);
  });

  test("off by default: the gateway asked for is linked", async () => {
    connect(world, "web-01");
    const asked = await provisionGateway(world, "gw-asked");
    expect(linkOf(bodyOf(await link("web-01", asked)))).toBe(asked);
  });
});

describe("HybridConnectivity: endpoint and SSH configuration PUTs that do not succeed", () => {
  const world = useWorld();

  beforeEach(() => {
    presetProviderRegistration(
      world.emulator.state,
      subscriptionId,
      "Microsoft.HybridConnectivity",
      "Registered",
    );
    connect(world, "web-01");
    connect(world, "web-02");
  });

  const putEndpoint = (machine: string) =>
    world.emulator.request("PUT", `${endpointId(machine)}?${connectivityApi}`, {
      properties: { type: "default" },
    });
  const putSsh = (machine: string, port = 22) =>
    world.emulator.request("PUT", `${sshId(machine)}?${connectivityApi}`, {
      properties: { serviceName: "SSH", port },
    });
  const stateOf = (response: Awaited<ReturnType<typeof putEndpoint>>) => bodyOf(response).properties;

  test("the next endpoint PUT on a machine answers 200 with provisioningState Failed, then they succeed again", async () => {
    failNextEndpointPuts(world.emulator.state, machineId("web-01"));

    expect(stateOf(await putEndpoint("web-02"))).toMatchObject({ provisioningState: "Succeeded" });
    const failed = await putEndpoint("web-01");
    expect(failed.status).toBe(200);
    expect(stateOf(failed)).toEqual({ type: "default", provisioningState: "Failed" });
    const read = await world.emulator.request("GET", `${endpointId("web-01")}?${connectivityApi}`);
    expect(bodyOf(read).properties).toMatchObject({ provisioningState: "Failed" });
    expect(stateOf(await putEndpoint("web-01"))).toMatchObject({ provisioningState: "Succeeded" });
  });

  test("the next SSH configuration PUTs answer another port, as many times as asked", async () => {
    await putEndpoint("web-01");
    await putEndpoint("web-02");
    answerNextSshConfigurationPuts(world.emulator.state, machineId("web-01"), { port: 2222 }, 2);

    expect(stateOf(await putSsh("web-02"))).toMatchObject({ port: 22 });
    const created = await putSsh("web-01");
    expect(created.status).toBe(201);
    expect(stateOf(created)).toEqual({ serviceName: "SSH", port: 2222, provisioningState: "Succeeded" });
    const again = await putSsh("web-01");
    expect(again.status).toBe(200);
    expect(stateOf(again)).toMatchObject({ port: 2222 });
    const read = await world.emulator.request("GET", `${sshId("web-01")}?${connectivityApi}`);
    expect(bodyOf(read).properties).toMatchObject({ port: 2222 });
    expect(stateOf(await putSsh("web-01"))).toMatchObject({ port: 22, provisioningState: "Succeeded" });
  });

  test("an SSH configuration PUT can answer the port asked for in a Failed or Canceled state", async () => {
    await putEndpoint("web-01");
    answerNextSshConfigurationPuts(world.emulator.state, machineId("web-01"), {
      provisioningState: "Failed",
    });
    answerNextSshConfigurationPuts(world.emulator.state, machineId("web-01"), {
      provisioningState: "Canceled",
    });

    expect(stateOf(await putSsh("web-01"))).toMatchObject({ port: 22, provisioningState: "Failed" });
    expect(stateOf(await putSsh("web-01"))).toMatchObject({ port: 22, provisioningState: "Canceled" });
    expect(stateOf(await putSsh("web-01"))).toMatchObject({ port: 22, provisioningState: "Succeeded" });
  });

  test("a port outside 1–65535 is refused when the knob is set, never answered", () => {
    expect(() =>
      answerNextSshConfigurationPuts(world.emulator.state, machineId("web-01"), { port: 70000 }),
    ).toThrow();
  });
});

describe("Run Command: the simulated agent's next script fails", () => {
  const world = useWorld();

  const put = (machine: string, name: string, script: string) =>
    world.emulator.request("PUT", withApi(runCommandId(machine, name)), {
      location,
      properties: { source: { script } },
    });
  const instanceView = async (machine: string, name: string) =>
    bodyOf(await world.emulator.request("GET", withApi(runCommandId(machine, name), "&$expand=instanceView")))
      .properties;
  const finish = () => world.clock.advance(world.emulator.timings.runCommandMs);
  const connectionType = "azcmagent config set connection.type gateway";

  test("with its exit code and message, without the script's effect, once, on that machine only", async () => {
    const id = connect(world, "web-01");
    connect(world, "web-02");
    failNextRunCommands(world.emulator.state, machineId("web-01"), {
      exitCode: 42,
      message: "azcmagent: the agent service is stopped",
    });

    const failing = await put("web-01", "switch", connectionType);
    const bystander = await put("web-02", "switch", connectionType);
    await finish();

    expect(await operationStatus(world, failing)).toMatchObject({
      status: "Failed",
      error: { code: "RunCommandScriptFailed", message: expect.stringContaining("code 42") as string },
    });
    expect(await instanceView("web-01", "switch")).toMatchObject({
      provisioningState: "Failed",
      instanceView: {
        executionState: "Failed",
        exitCode: 42,
        error: "azcmagent: the agent service is stopped",
      },
    });
    expect(agentConnectionType(world.emulator.context(), id)).toBe("direct");
    expect(await operationStatus(world, bystander)).toMatchObject({ status: "Succeeded" });

    // A re-run of the same command answers 200; its instance view says how it ended.
    expect((await put("web-01", "switch", connectionType)).status).toBe(200);
    await finish();
    expect(await instanceView("web-01", "switch")).toMatchObject({
      instanceView: { executionState: "Succeeded", exitCode: 0 },
    });
    expect(agentConnectionType(world.emulator.context(), id)).toBe("gateway");
  });

  test("an exit code of 0 is not a failure and is refused", () => {
    expect(() =>
      failNextRunCommands(world.emulator.state, machineId("web-01"), { exitCode: 0, message: "x" }),
    ).toThrow(/non-zero/);
  });
});

describe("provider registration held in Registering", () => {
  const world = useWorld();

  const registrationState = async () =>
    (bodyOf(await world.emulator.request("GET", providerPath())) as { registrationState?: string })
      .registrationState;

  test("stays Registering long past its time while held, and is Registered once released", async () => {
    holdProviderRegistration(world.emulator.state, subscriptionId, "microsoft.hybridconnectivity");
    const register = await world.emulator.request("POST", providerPath("/register"));
    expect(register.status).toBe(200);

    await world.clock.advance(24 * 3_600_000);
    expect(await registrationState()).toBe("Registering");

    releaseProviderRegistration(world.emulator.state, subscriptionId, "Microsoft.HybridConnectivity");
    expect(await registrationState()).toBe("Registered");
  });

  test("off by default: a registration finishes on its own", async () => {
    await world.emulator.request("POST", providerPath("/register"));
    await world.clock.advance(world.emulator.timings.providerRegistrationMs);
    expect(await registrationState()).toBe("Registered");
  });

  test("releasing a hold nothing is waiting on changes nothing", async () => {
    holdProviderRegistration(world.emulator.state, subscriptionId, "Microsoft.HybridConnectivity");
    releaseProviderRegistration(world.emulator.state, subscriptionId, "Microsoft.HybridConnectivity");
    expect(await registrationState()).toBe("NotRegistered");
  });
});
