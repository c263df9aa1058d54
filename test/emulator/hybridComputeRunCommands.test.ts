// Run commands on Arc machines: ARM accepts the PUT as a long-running operation, the simulated
// agent runs the script when the command completes, and what the agent refuses fails the
// operation rather than the PUT.
import {
  agentConnectionType,
  setMachineConnectivity,
} from "../../local/emulator/providers/hybridCompute/machines";
import { runScript } from "../../local/emulator/providers/hybridCompute/simulatedAgent";
import type { EmulatorResponse } from "../../local/emulator/testClient";
import {
  bodyOf,
  connect,
  location,
  machineId,
  operationStatus,
  runCommandId,
  useWorld,
  withApi,
} from "./hybridComputeFixtures";

const windowsAgent = '& "$env:ProgramW6432\\AzureConnectedMachineAgent\\azcmagent.exe"';
const windowsMachine = {
  osType: "windows",
  osName: "Windows Server 2022 Datacenter",
  osVersion: "10.0.20348",
} as const;

describe("run commands on Arc machines", () => {
  const world = useWorld();

  const put = (machine: string, name: string, script: string, extra: Record<string, unknown> = {}) =>
    world.emulator.request("PUT", withApi(runCommandId(machine, name)), {
      location,
      properties: { source: { script }, ...extra },
    });

  const expanded = async (machine: string, name: string) =>
    bodyOf(
      await world.emulator.request("GET", withApi(runCommandId(machine, name), "&$expand=instanceView")),
    );

  const agentConfiguration = async (id: string) =>
    bodyOf(await world.emulator.request("GET", withApi(id))).properties?.agentConfiguration;

  const finish = () => world.clock.advance(world.emulator.timings.runCommandMs);

  test("a run command goes Creating/Pending → Running → Succeeded on virtual time and reports its output", async () => {
    connect(world, "web-01");
    const created = await put("web-01", "hello", "echo hello from the agent");

    expect(created.status).toBe(201);
    expect(created.headers["azure-asyncoperation"]).toBeDefined();
    expect(created.body).toMatchObject({
      id: runCommandId("web-01", "hello"),
      name: "hello",
      type: "Microsoft.HybridCompute/machines/runcommands",
      location,
      properties: {
        provisioningState: "Creating",
        asyncExecution: false,
        source: { script: "echo hello from the agent" },
      },
    });
    expect((await operationStatus(world, created)).status).toBe("Queued");

    await world.clock.advance(world.emulator.timings.operationQueuedMs);
    expect((await expanded("web-01", "hello")).properties?.instanceView).toMatchObject({
      executionState: "Running",
    });

    await world.clock.advance(world.emulator.timings.runCommandMs - world.emulator.timings.operationQueuedMs);
    expect((await operationStatus(world, created)).status).toBe("Succeeded");
    const done = await expanded("web-01", "hello");
    expect(done.properties?.provisioningState).toBe("Succeeded");
    expect(done.properties?.instanceView).toMatchObject({
      executionState: "Succeeded",
      exitCode: 0,
      output: "hello from the agent",
      startTime: expect.any(String) as string,
      endTime: new Date(world.clock.now()).toISOString(),
    });
    expect(world.emulator.publishedEvents().at(-1)).toMatchObject({
      kind: "write",
      resourceUri: runCommandId("web-01", "hello"),
      operationName: "Microsoft.HybridCompute/machines/runCommands/write",
    });
  });

  test("the instance view is shown only when asked for with $expand=instanceView", async () => {
    connect(world, "web-01");
    await put("web-01", "hello", "echo hi");
    await finish();

    const plain = bodyOf(await world.emulator.request("GET", withApi(runCommandId("web-01", "hello"))));
    expect(plain.properties).not.toHaveProperty("instanceView");
    expect((await expanded("web-01", "hello")).properties).toHaveProperty("instanceView");
  });

  test("setting incoming ports replaces the list: [3389] then `incomingconnections.ports 22` gives [22]", async () => {
    const id = connect(world, "web-01", { incomingConnectionsPorts: ["3389"] });
    await put("web-01", "ports", "sudo azcmagent config set incomingconnections.ports 22");
    expect(await agentConfiguration(id)).toMatchObject({ incomingConnectionsPorts: ["3389"] });

    await finish();

    expect(await agentConfiguration(id)).toMatchObject({ incomingConnectionsPorts: ["22"] });
  });

  test("the Windows form with the agent's full path runs several commands separated by ; and newlines", async () => {
    const id = connect(world, "sql-01", { ...windowsMachine, incomingConnectionsPorts: ["5985"] });
    const script = [
      "$ErrorActionPreference = 'Stop'",
      `${windowsAgent} config set connection.type gateway; ${windowsAgent} config set incomingconnections.ports 22,3389`,
      "azcmagent.exe config get incomingconnections.ports",
    ].join("\r\n");

    await put("sql-01", "configure", script);
    await finish();

    expect(await agentConfiguration(id)).toMatchObject({ incomingConnectionsPorts: ["22", "3389"] });
    expect(agentConnectionType(world.emulator.context(), id)).toBe("gateway");
    expect((await expanded("sql-01", "configure")).properties?.instanceView).toMatchObject({
      executionState: "Succeeded",
      output: expect.stringMatching(/22,3389$/) as string,
    });
  });

  test("Linux commands chained with && switch the agent to gateway and back to direct", async () => {
    const id = connect(world, "web-01");
    await put(
      "web-01",
      "toGateway",
      "sudo azcmagent config set connection.type gateway && azcmagent config get connection.type",
    );
    await finish();
    expect(agentConnectionType(world.emulator.context(), id)).toBe("gateway");

    await put("web-01", "toDirect", "azcmagent config set connection.type direct");
    await finish();
    expect(agentConnectionType(world.emulator.context(), id)).toBe("direct");
  });

  test("a command the agent does not know succeeds with no effect and says so", async () => {
    const id = connect(world, "web-01", { incomingConnectionsPorts: ["22"] });
    await put("web-01", "other", "systemctl restart himdsd");
    await finish();

    const view = (await expanded("web-01", "other")).properties?.instanceView;
    expect(view).toMatchObject({
      executionState: "Succeeded",
      output: expect.stringContaining("not emulated") as string,
    });
    expect(await agentConfiguration(id)).toMatchObject({ incomingConnectionsPorts: ["22"] });
  });

  async function expectRefusal(created: EmulatorResponse, name: string, code: string) {
    await finish();
    expect(await operationStatus(world, created)).toMatchObject({ status: "Failed", error: { code } });
    const view = await expanded("web-01", name);
    expect(view.properties?.provisioningState).toBe("Failed");
    expect(view.properties?.instanceView).toMatchObject({
      executionState: "Failed",
      executionMessage: expect.any(String) as string,
    });
    expect(world.emulator.publishedEvents().map((e) => e.operationName)).not.toContain(
      "Microsoft.HybridCompute/machines/runCommands/write",
    );
  }

  test("a disconnected machine accepts the PUT but the command fails: its agent never gets it", async () => {
    const id = connect(world, "web-01", { status: "Disconnected", incomingConnectionsPorts: ["3389"] });
    const created = await put("web-01", "ports", "azcmagent config set incomingconnections.ports 22");

    expect(created.status).toBe(201);
    await expectRefusal(created, "ports", "MachineNotConnected");
    expect(await agentConfiguration(id)).toMatchObject({ incomingConnectionsPorts: ["3389"] });
  });

  test("a machine that goes offline while the command is queued fails it too", async () => {
    const id = connect(world, "web-01");
    const created = await put("web-01", "late", "azcmagent config set connection.type gateway");
    setMachineConnectivity(world.emulator.context(), id, "Disconnected");

    await expectRefusal(created, "late", "MachineNotConnected");
    expect(agentConnectionType(world.emulator.context(), id)).toBe("direct");
  });

  test("an agent in monitor mode refuses Run Command", async () => {
    connect(world, "web-01", { configMode: "monitor" });
    await expectRefusal(
      await put("web-01", "ports", "azcmagent config set incomingconnections.ports 22"),
      "ports",
      "AgentInMonitorMode",
    );
  });

  test("an allowlist without the Run Command handler refuses it; one with the handler allows it", async () => {
    connect(world, "web-01", {
      extensionsAllowList: [{ publisher: "Microsoft.Azure.Monitor", type: "AzureMonitorLinuxAgent" }],
    });
    await expectRefusal(
      await put("web-01", "ports", "azcmagent config set incomingconnections.ports 22"),
      "ports",
      "ExtensionNotAllowed",
    );

    const id = connect(world, "web-01", {
      extensionsAllowList: [{ publisher: "Microsoft.CPlat.Core", type: "RunCommandHandlerLinux" }],
    });
    await put("web-01", "ports", "azcmagent config set incomingconnections.ports 22");
    await finish();
    expect(await agentConfiguration(id)).toMatchObject({ incomingConnectionsPorts: ["22"] });
  });

  test("the Windows handler on a Linux machine's allowlist does not count", async () => {
    connect(world, "web-01", {
      extensionsAllowList: [{ publisher: "Microsoft.CPlat.Core", type: "RunCommandHandlerWindows" }],
    });
    await expectRefusal(await put("web-01", "x", "azcmagent show"), "x", "ExtensionNotAllowed");
  });

  test("a blocklist naming the handler refuses Run Command", async () => {
    connect(world, "web-01", {
      extensionsBlockList: [{ publisher: "microsoft.cplat.core", type: "runcommandhandlerlinux" }],
    });
    await expectRefusal(await put("web-01", "x", "azcmagent show"), "x", "ExtensionBlocked");
  });

  test("a script whose azcmagent call fails ends Failed with its exit code and error stream", async () => {
    const id = connect(world, "web-01", { incomingConnectionsPorts: ["3389"] });
    const created = await put("web-01", "bad", "azcmagent config set incomingconnections.ports 22,70000");
    await finish();

    expect(await operationStatus(world, created)).toMatchObject({
      status: "Failed",
      error: { code: "RunCommandScriptFailed" },
    });
    expect((await expanded("web-01", "bad")).properties?.instanceView).toMatchObject({
      executionState: "Failed",
      exitCode: 1,
      error: expect.stringContaining("70000") as string,
    });
    expect(await agentConfiguration(id)).toMatchObject({ incomingConnectionsPorts: ["3389"] });
  });

  test("a timeout shorter than the run ends TimedOut without effects", async () => {
    const id = connect(world, "web-01");
    const created = await put("web-01", "slow", "azcmagent config set connection.type gateway", {
      timeoutInSeconds: 5,
    });
    await finish();

    expect(await operationStatus(world, created)).toMatchObject({
      status: "Failed",
      error: { code: "RunCommandTimedOut" },
    });
    expect((await expanded("web-01", "slow")).properties?.instanceView).toMatchObject({
      executionState: "TimedOut",
    });
    expect(agentConnectionType(world.emulator.context(), id)).toBe("direct");
  });

  test("with asyncExecution the operation ends when the script starts; its effects come when it finishes", async () => {
    const id = connect(world, "web-01");
    const created = await put("web-01", "bg", "azcmagent config set connection.type gateway", {
      asyncExecution: true,
    });

    await world.clock.advance(world.emulator.timings.operationQueuedMs);
    expect((await operationStatus(world, created)).status).toBe("Succeeded");
    expect((await expanded("web-01", "bg")).properties?.instanceView).toMatchObject({
      executionState: "Running",
    });
    expect(agentConnectionType(world.emulator.context(), id)).toBe("direct");

    await finish();
    expect((await expanded("web-01", "bg")).properties?.instanceView).toMatchObject({
      executionState: "Succeeded",
    });
    expect(agentConnectionType(world.emulator.context(), id)).toBe("gateway");
  });

  test("parameters reach the script as variables", async () => {
    const id = connect(world, "web-01");
    await put("web-01", "param", "azcmagent config set incomingconnections.ports $PORTS", {
      parameters: [{ name: "PORTS", value: "22,2222" }],
    });
    await finish();

    expect(await agentConfiguration(id)).toMatchObject({ incomingConnectionsPorts: ["22", "2222"] });
  });

  test("putting a command again re-runs it; putting it while it runs is a conflict", async () => {
    connect(world, "web-01");
    await put("web-01", "again", "echo one");
    const busy = await put("web-01", "again", "echo two");
    expect(busy.status).toBe(409);
    await finish();

    const rerun = await put("web-01", "again", "echo two");
    expect(rerun.status).toBe(200);
    expect(rerun.headers["azure-asyncoperation"]).toBeDefined();
    await finish();
    expect((await expanded("web-01", "again")).properties?.instanceView).toMatchObject({ output: "two" });
  });

  test("deleting a running command cancels it: no effect, then it is gone", async () => {
    const id = connect(world, "web-01");
    const created = await put("web-01", "doomed", "azcmagent config set connection.type gateway");
    const deletion = await world.emulator.request("DELETE", withApi(runCommandId("web-01", "doomed")));

    expect(deletion.status).toBe(202);
    expect((await operationStatus(world, created)).status).toBe("Canceled");
    await finish();
    expect((await operationStatus(world, deletion)).status).toBe("Succeeded");
    expect(agentConnectionType(world.emulator.context(), id)).toBe("direct");
    expect((await world.emulator.request("GET", withApi(runCommandId("web-01", "doomed")))).status).toBe(404);
    expect((await world.emulator.request("DELETE", withApi(runCommandId("web-01", "doomed")))).status).toBe(
      204,
    );
  });

  test("a machine's run commands are listed", async () => {
    connect(world, "web-01");
    await put("web-01", "a", "echo a");
    await put("web-01", "b", "echo b");

    const list = bodyOf(await world.emulator.request("GET", withApi(`${machineId("web-01")}/runCommands`)));
    expect(list.value?.map((r) => r.name)).toEqual(["a", "b"]);
  });

  test("a run command on a machine that does not exist is 404 ParentResourceNotFound", async () => {
    const created = await put("ghost", "x", "echo x");
    expect(created.status).toBe(404);
    expect(bodyOf(created).error?.code).toBe("ParentResourceNotFound");
  });
});

describe("the simulated agent's script interpreter", () => {
  const linux = {
    osType: "linux",
    status: "Connected",
    agentVersion: "1.45",
    connectionType: "direct",
    incomingConnectionsPorts: [],
  } as const;
  const windows = { ...linux, osType: "windows" } as const;

  test("`sudo` is not a Windows command", () => {
    const outcome = runScript("sudo azcmagent config set connection.type gateway", windows);
    expect(outcome).toMatchObject({ exitCode: 1, changes: {} });
    expect(outcome.error).toContain("'sudo' is not recognized");
  });

  test("the Windows agent path is not found on Linux", () => {
    const outcome = runScript(`${windowsAgent} config set connection.type gateway`, linux);
    expect(outcome.exitCode).not.toBe(0);
    expect(outcome.changes).toEqual({});
  });

  test("`&&` does not parse in Windows PowerShell 5.1, so nothing runs", () => {
    const outcome = runScript(
      "azcmagent config set connection.type gateway && azcmagent config get connection.type",
      windows,
    );
    expect(outcome).toMatchObject({ exitCode: 1, changes: {} });
    expect(outcome.error).toContain("not a valid statement separator");
  });

  test("`&&` stops after a failure and `||` runs only then", () => {
    const outcome = runScript(
      "azcmagent config set incomingconnections.ports nope && azcmagent config set connection.type gateway || echo fallback",
      linux,
    );
    expect(outcome).toMatchObject({ exitCode: 0, output: "fallback", changes: {} });
  });

  test("quoted values, comments and trailing flags are understood", () => {
    const outcome = runScript(
      '#!/bin/bash\nset -euo pipefail\n# open SSH\nazcmagent config set incomingconnections.ports "22,443" --verbose  # comment',
      linux,
    );
    expect(outcome).toMatchObject({ exitCode: 0, changes: { incomingConnectionsPorts: ["22", "443"] } });
  });

  test("an unknown connection type and a wrong argument count are errors", () => {
    expect(runScript("azcmagent config set connection.type proxy", linux).exitCode).toBe(1);
    expect(runScript("azcmagent config set incomingconnections.ports 22 3389", linux)).toMatchObject({
      exitCode: 1,
      error: "Error: accepts 2 arg(s), received 3",
    });
  });

  test("`exit N` ends the script with that code", () => {
    const outcome = runScript(
      "azcmagent config set connection.type gateway\nexit 3\necho unreachable",
      linux,
    );
    expect(outcome).toMatchObject({ exitCode: 3, changes: { connectionType: "gateway" } });
    expect(outcome.output).not.toContain("unreachable");
  });

  test("clearing the ports empties the list", () => {
    expect(
      runScript("azcmagent config clear incomingconnections.ports", {
        ...linux,
        incomingConnectionsPorts: ["22"],
      }).changes,
    ).toEqual({
      incomingConnectionsPorts: [],
    });
  });
});
