// Deleting an Arc gateway that machines still use: ARM accepts it (a recorded CLI session deleted
// one a second after a machine was attached), and every agent in gateway mode that went through
// it loses its way to Azure. Its heartbeats stop, and after `strandedAgentDisconnectMs` on the
// emulator's clock ARM shows the machine Disconnected. Later gateway-retirement tests rely on it.
import { agentConnectionType } from "../../local/emulator/providers/hybridCompute/machines";
import {
  bodyOf,
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

const modernAgent = "1.51.02853.1690";
const legacyAgent = "1.50.02812.1511";

async function statusOf(world: HybridComputeWorld, name: string): Promise<unknown> {
  return bodyOf(await world.emulator.request("GET", withApi(machineId(name)))).properties?.status;
}

async function link(world: HybridComputeWorld, name: string, gateway: string): Promise<void> {
  const put = await world.emulator.request("PUT", withApi(settingsId(name)), {
    properties: { gatewayProperties: { gatewayResourceId: gateway } },
  });
  if (put.status !== 200) throw new Error(`linking ${name} answered ${put.status}: ${put.text}`);
}

/** `azcmagent config set connection.type <type>` by Run Command, run to the end. */
async function setConnectionType(
  world: HybridComputeWorld,
  name: string,
  commandName: string,
  type: "gateway" | "direct",
): Promise<void> {
  const put = await world.emulator.request("PUT", withApi(runCommandId(name, commandName)), {
    location,
    properties: { source: { script: `sudo azcmagent config set connection.type ${type}` } },
  });
  if (put.status !== 201) throw new Error(`the run command answered ${put.status}: ${put.text}`);
  await world.clock.advance(world.emulator.timings.runCommandMs);
}

describe("machines stranded by a deleted gateway", () => {
  const world = useWorld();

  test("a gateway with attached machines is deleted anyway; its gateway-mode machines turn Disconnected after the configured time", async () => {
    const { emulator, clock } = world;
    const gateway = await provisionGateway(world, "gw-west");
    const modern = connect(world, "modern", { agentVersion: modernAgent });
    const legacy = connect(world, "legacy", { agentVersion: legacyAgent });
    connect(world, "legacy-direct", { agentVersion: legacyAgent });
    connect(world, "unlinked", { agentVersion: modernAgent });
    for (const name of ["modern", "legacy", "legacy-direct"]) await link(world, name, gateway);
    // An agent before 1.51 is put in gateway mode locally, by Run Command.
    await setConnectionType(world, "legacy", "toGateway", "gateway");
    expect(agentConnectionType(emulator.context(), modern)).toBe("gateway");
    expect(agentConnectionType(emulator.context(), legacy)).toBe("gateway");

    const deletion = await emulator.request("DELETE", withApi(gatewayId("gw-west")));
    expect(deletion.status).toBe(202);
    await clock.advance(emulator.timings.gatewayDeleteMs);
    expect((await emulator.request("GET", withApi(gatewayId("gw-west")))).status).toBe(404);

    await clock.advance(emulator.timings.strandedAgentDisconnectMs - 1_000);
    for (const name of ["modern", "legacy", "legacy-direct", "unlinked"]) {
      expect(await statusOf(world, name)).toBe("Connected");
    }

    const before = clock.now();
    await clock.advance(1_000);
    expect(await statusOf(world, "modern")).toBe("Disconnected");
    expect(await statusOf(world, "legacy")).toBe("Disconnected");
    expect(await statusOf(world, "legacy-direct")).toBe("Connected");
    expect(await statusOf(world, "unlinked")).toBe("Connected");
    const stranded = bodyOf(await emulator.request("GET", withApi(machineId("modern"))));
    expect(Date.parse(String(stranded.properties?.lastStatusChange))).toBe(before + 1_000);
    // The link in the cloud still names the gateway that is gone: nothing cleaned it up.
    expect(
      bodyOf(await emulator.request("GET", withApi(settingsId("modern")))).properties?.gatewayProperties,
    ).toEqual({ gatewayResourceId: gateway });
  });

  test("an agent switched back to direct before the time is up stays Connected", async () => {
    const { emulator, clock } = world;
    const gateway = await provisionGateway(world, "gw-west");
    connect(world, "legacy", { agentVersion: legacyAgent });
    await link(world, "legacy", gateway);
    await setConnectionType(world, "legacy", "toGateway", "gateway");

    await emulator.request("DELETE", withApi(gatewayId("gw-west")));
    await clock.advance(emulator.timings.gatewayDeleteMs);
    await setConnectionType(world, "legacy", "toDirect", "direct");
    await clock.advance(emulator.timings.strandedAgentDisconnectMs);

    expect(await statusOf(world, "legacy")).toBe("Connected");
  });

  test("clearing the link does not save an older agent still in gateway mode", async () => {
    const { emulator, clock } = world;
    const gateway = await provisionGateway(world, "gw-west");
    connect(world, "legacy", { agentVersion: legacyAgent });
    await link(world, "legacy", gateway);
    await setConnectionType(world, "legacy", "toGateway", "gateway");
    // The wrong order for retirement: the cloud link first, the agent not told.
    await emulator.request("PUT", withApi(settingsId("legacy")), {
      properties: { gatewayProperties: { gatewayResourceId: null } },
    });

    await emulator.request("DELETE", withApi(gatewayId("gw-west")));
    await clock.advance(emulator.timings.gatewayDeleteMs + emulator.timings.strandedAgentDisconnectMs);

    expect(await statusOf(world, "legacy")).toBe("Disconnected");
  });
});

describe("stranded-machine timing comes from the emulator's timings", () => {
  const world = useWorld({ timings: { gatewayDeleteMs: 10_000, strandedAgentDisconnectMs: 120_000 } });

  test("a shorter configured delay strands the machine sooner", async () => {
    const { emulator, clock } = world;
    const gateway = await provisionGateway(world, "gw-west");
    connect(world, "modern", { agentVersion: modernAgent, gatewayResourceId: gateway });

    await emulator.request("DELETE", withApi(gatewayId("gw-west")));
    await clock.advance(10_000);
    expect((await emulator.request("GET", withApi(gatewayId("gw-west")))).status).toBe(404);
    await clock.advance(119_000);
    expect(await statusOf(world, "modern")).toBe("Connected");
    await clock.advance(1_000);
    expect(await statusOf(world, "modern")).toBe("Disconnected");
  });
});

describe("stranded-machine timing through the admin API", () => {
  const world = useWorld();

  test("PUT /_emulator/timings sets strandedAgentDisconnectMs for what follows", async () => {
    const { emulator, clock } = world;
    const set = await emulator.request("PUT", "/_emulator/timings", { strandedAgentDisconnectMs: 30_000 });
    expect(set.status).toBeLessThan(300);
    expect(emulator.timings.strandedAgentDisconnectMs).toBe(30_000);
    const gateway = await provisionGateway(world, "gw-west");
    connect(world, "modern", { agentVersion: modernAgent, gatewayResourceId: gateway });

    await emulator.request("DELETE", withApi(gatewayId("gw-west")));
    await clock.advance(emulator.timings.gatewayDeleteMs + 30_000);

    expect(await statusOf(world, "modern")).toBe("Disconnected");
  });
});
