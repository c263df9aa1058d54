// Arc machines in the emulator: what `azcmagent connect` leaves in ARM, how the agent's heartbeat
// shows, reading them one by one and page by page, and deleting them.
import { ArmHttpError } from "../../local/emulator/armError";
import {
  connectMachine,
  setMachineConnectivity,
  updateAgentConfiguration,
} from "../../local/emulator/providers/hybridCompute/machines";
import {
  type ArmBody,
  bodyOf,
  connect,
  location,
  machineId,
  provisionGateway,
  resourceGroup,
  runCommandId,
  settingsId,
  subscriptionId,
  useWorld,
  withApi,
} from "./hybridComputeFixtures";

describe("Arc machines in the emulator", () => {
  const world = useWorld();

  test("azcmagent connect leaves the full machine in ARM and a write event without an httpRequest", async () => {
    const id = connect(world, "sql-01", {
      osType: "windows",
      osName: "Windows Server 2022 Datacenter",
      osVersion: "10.0.20348",
      osSku: "Windows Server 2022 Datacenter",
      agentVersion: "1.52.03132.2125",
      incomingConnectionsPorts: ["3389"],
      extensionsAllowList: [{ publisher: "Microsoft.CPlat.Core", type: "RunCommandHandlerWindows" }],
      tags: { team: "dba" },
    });

    const get = await world.emulator.request("GET", withApi(id, "&$expand=instanceView"));

    expect(get.status).toBe(200);
    expect(get.body).toMatchObject({
      id,
      name: "sql-01",
      type: "Microsoft.HybridCompute/machines",
      location,
      tags: { team: "dba" },
      identity: {
        type: "SystemAssigned",
        principalId: expect.any(String) as string,
        tenantId: expect.any(String) as string,
      },
      properties: {
        provisioningState: "Succeeded",
        status: "Connected",
        lastStatusChange: new Date(world.clock.now()).toISOString(),
        agentVersion: "1.52.03132.2125",
        osType: "windows",
        osSku: "Windows Server 2022 Datacenter",
        displayName: "sql-01",
        agentConfiguration: {
          incomingConnectionsPorts: ["3389"],
          extensionsAllowList: [{ publisher: "Microsoft.CPlat.Core", type: "RunCommandHandlerWindows" }],
          extensionsBlockList: [],
          proxyBypass: [],
          extensionsEnabled: "true",
          guestConfigurationEnabled: "true",
          configMode: "full",
        },
      },
      systemData: { createdAt: expect.any(String) as string },
    });
    const [event] = world.emulator.publishedEvents();
    expect(event).toMatchObject({
      kind: "write",
      resourceUri: id,
      operationName: "Microsoft.HybridCompute/machines/write",
    });
    expect(event).not.toHaveProperty("httpRequest");
  });

  test("reconnecting a machine keeps its identity, vmId and creation time", async () => {
    const id = connect(world, "web-01");
    const first = bodyOf(await world.emulator.request("GET", withApi(id)));
    await world.clock.advance(60_000);
    connect(world, "web-01", { agentVersion: "1.55.02941.1840" });
    const second = bodyOf(await world.emulator.request("GET", withApi(id)));

    expect(second.properties).toMatchObject({
      agentVersion: "1.55.02941.1840",
      vmId: first.properties?.vmId,
    });
    expect(second).toMatchObject({
      identity: (first as { identity?: unknown }).identity,
      systemData: { createdAt: (first as { systemData?: { createdAt?: string } }).systemData?.createdAt },
    });
  });

  test("bad connect input is an ARM 400, and nothing is created", () => {
    const attempt = () =>
      connectMachine(world.emulator.context(), {
        subscriptionId,
        resourceGroup,
        name: "bad name!",
        location,
        agentVersion: "1.52",
        osType: "linux",
        osName: "ubuntu",
        osVersion: "22.04",
      });

    expect(attempt).toThrow(ArmHttpError);
    expect(attempt).toThrow(/name/);
    expect(world.emulator.state.allResources()).toHaveLength(0);
  });

  test("a machine in monitor mode reports guest configuration disabled", async () => {
    const id = connect(world, "dc-01", { configMode: "monitor" });
    const machine = bodyOf(await world.emulator.request("GET", withApi(id)));

    expect(machine.properties?.agentConfiguration).toMatchObject({
      configMode: "monitor",
      guestConfigurationEnabled: "false",
    });
  });

  test("the heartbeat going quiet turns the machine Disconnected with a new lastStatusChange, without an ARM event", async () => {
    const id = connect(world, "web-01");
    const eventsBefore = world.emulator.publishedEvents().length;
    await world.clock.advance(15 * 60_000);

    setMachineConnectivity(world.emulator.context(), id, "Disconnected");

    const machine = bodyOf(await world.emulator.request("GET", withApi(id)));
    expect(machine.properties).toMatchObject({
      status: "Disconnected",
      lastStatusChange: new Date(world.clock.now()).toISOString(),
    });
    expect(world.emulator.publishedEvents()).toHaveLength(eventsBefore);
  });

  test("an unknown status is refused", () => {
    const id = connect(world, "web-01");
    expect(() => setMachineConnectivity(world.emulator.context(), id, "Expired")).toThrow(ArmHttpError);
  });

  test("agent configuration changes replace the lists they name and keep the rest", async () => {
    const id = connect(world, "web-01", { incomingConnectionsPorts: ["3389", "5985"], configMode: "full" });
    updateAgentConfiguration(world.emulator.context(), id, { incomingConnectionsPorts: ["22"] });

    const machine = bodyOf(await world.emulator.request("GET", withApi(id)));
    expect(machine.properties?.agentConfiguration).toMatchObject({
      incomingConnectionsPorts: ["22"],
      configMode: "full",
    });
  });

  test("230 machines list in pages of 100 whose absolute nextLink carries a $skipToken", async () => {
    for (let i = 0; i < 230; i++)
      connect(world, `node-${String(i).padStart(3, "0")}`, { resourceGroup: i % 2 ? "rg-odd" : "rg-even" });
    connect(world, "elsewhere", { subscriptionId: "00000000-0000-4000-8000-00000000c002" });

    const pages: ArmBody[] = [];
    let next: string | undefined = withApi(
      `/subscriptions/${subscriptionId}/providers/Microsoft.HybridCompute/machines`,
    );
    while (next) {
      const response = await world.emulator.request("GET", next);
      expect(response.status).toBe(200);
      const page = bodyOf(response);
      pages.push(page);
      next = page.nextLink;
      if (next) {
        expect(next.startsWith(`${world.emulator.url}/subscriptions/`)).toBe(true);
        expect(next).toMatch(/[?&]\$skipToken=\d+/);
        expect(next).toContain("api-version=2025-01-13");
      }
    }

    expect(pages.map((page) => page.value?.length)).toEqual([100, 100, 30]);
    const names = pages.flatMap((page) => page.value ?? []).map((machine) => machine.name);
    expect(new Set(names).size).toBe(230);
    expect(names).not.toContain("elsewhere");

    const odd = bodyOf(
      await world.emulator.request(
        "GET",
        withApi(
          `/subscriptions/${subscriptionId}/resourceGroups/rg-odd/providers/Microsoft.HybridCompute/machines`,
        ),
      ),
    );
    expect(odd.value).toHaveLength(100);
    expect(odd.nextLink).toBeDefined();
  });

  test("PATCH with tags replaces the whole tag set, answers 200 with the machine and publishes its write with the PATCH", async () => {
    const id = connect(world, "tagged-01", { tags: { team: "ops", env: "prod" } });
    const before = world.emulator.publishedEvents().length;

    const patch = await world.emulator.request("PATCH", withApi(id), {
      tags: { team: "ops", "arc-autopilot-connection": "direct" },
    });

    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({
      id,
      tags: { team: "ops", "arc-autopilot-connection": "direct" },
      properties: { status: "Connected", agentVersion: expect.any(String) as string },
    });
    expect((bodyOf(patch) as { tags?: Record<string, string> }).tags).not.toHaveProperty("env");
    expect((await world.emulator.request("GET", withApi(id))).body).toMatchObject({
      tags: { team: "ops", "arc-autopilot-connection": "direct" },
    });
    const events = world.emulator.publishedEvents().slice(before);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: "write",
      resourceUri: id,
      operationName: "Microsoft.HybridCompute/machines/write",
      httpRequest: { method: "PATCH" },
    });
  });

  test("a machine that does not exist answers 404 ResourceNotFound", async () => {
    const get = await world.emulator.request("GET", withApi(machineId("ghost")));
    expect(get.status).toBe(404);
    expect(bodyOf(get).error?.code).toBe("ResourceNotFound");
  });

  test("deleting a machine removes it with its settings and run commands, and publishes the delete", async () => {
    const id = connect(world, "web-01");
    const gateway = await provisionGateway(world, "gw-west");
    await world.emulator.request("PUT", withApi(settingsId("web-01")), {
      properties: { gatewayProperties: { gatewayResourceId: gateway } },
    });
    await world.emulator.request("PUT", withApi(runCommandId("web-01", "hello")), {
      location,
      properties: { source: { script: "echo hello" } },
    });
    await world.clock.advance(world.emulator.timings.runCommandMs);

    const deletion = await world.emulator.request("DELETE", withApi(id));

    expect(deletion.status).toBe(204);
    expect((await world.emulator.request("GET", withApi(id))).status).toBe(404);
    expect(world.emulator.state.getResource(settingsId("web-01"))).toBeUndefined();
    expect(world.emulator.state.getResource(runCommandId("web-01", "hello"))).toBeUndefined();
    expect(world.emulator.publishedEvents().at(-1)).toMatchObject({
      kind: "delete",
      resourceUri: id,
      operationName: "Microsoft.HybridCompute/machines/delete",
      httpRequest: { method: "DELETE" },
    });
    expect((await world.emulator.request("DELETE", withApi(id))).status).toBe(204);
  });
});

// Bodies the spec refuses stay out of the traffic log the contract check reads.
describe("Arc machine PATCH bodies the spec does not hold", () => {
  const badWorld = useWorld({ trafficLog: null });

  test("PATCH refuses what MachineUpdate does not hold, a machine that does not exist, and too many tags", async () => {
    const id = connect(badWorld, "tagged-02");
    const before = badWorld.emulator.publishedEvents().length;
    const unknown = await badWorld.emulator.request("PATCH", withApi(id), { location: "westus" });
    expect(unknown.status).toBe(400);
    const status = await badWorld.emulator.request("PATCH", withApi(id), {
      properties: { status: "Connected" },
    });
    expect(status.status).toBe(400);
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, "x"]));
    expect((await badWorld.emulator.request("PATCH", withApi(id), { tags: tooMany })).status).toBe(400);
    const ghost = await badWorld.emulator.request("PATCH", withApi(machineId("ghost")), { tags: {} });
    expect(ghost.status).toBe(404);
    expect(badWorld.emulator.publishedEvents().slice(before)).toEqual([]);
  });
});
