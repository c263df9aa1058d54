import { agentConnectionType } from "../../local/emulator/providers/hybridCompute/machines";
import {
  connectionTypeScript,
  incomingPortsScript,
  mergeIncomingPorts,
} from "../../shared/azure/agentCommands";
import { readOperationStatus } from "../../shared/azure/longRunningOperation";
import { getMachine } from "../../shared/azure/machines";
import {
  beginDeleteRunCommand,
  beginRunCommand,
  findRunCommand,
  getRunCommand,
  type RunCommandRequest,
} from "../../shared/azure/runCommands";
import { NotFoundError, ValidationError } from "../../shared/errors";
import { connectTestMachine, testLocation, useArmTestbed } from "../support/armTestbed";

describe("Run Command on Arc machines", () => {
  const testbed = useArmTestbed();

  async function run(request: RunCommandRequest) {
    const start = await beginRunCommand(testbed.context, request);
    if (start.done) throw new Error("expected a long-running run command");
    return start;
  }

  test("switching a 1.50 agent to the gateway: Queued → InProgress → Succeeded, then exit code 0 in the instance view", async () => {
    const machineId = connectTestMachine(testbed, { name: "old-agent", agentVersion: "1.50.02861.1800" });
    const start = await run({
      machineId,
      runCommandName: "arc-autopilot-connection-type",
      location: testLocation,
      script: connectionTypeScript("linux", "gateway"),
      timeoutInSeconds: 600,
    });
    expect(start.result).toMatchObject({ provisioningState: "Creating" });
    expect(start.operation.monitorKind).toBe("azure-asyncoperation");
    expect(await readOperationStatus(testbed.context, start.operation)).toMatchObject({
      rawStatus: "Queued",
    });

    await testbed.clock.advance(testbed.emulator.timings.operationQueuedMs);
    expect(await readOperationStatus(testbed.context, start.operation)).toMatchObject({
      rawStatus: "InProgress",
    });
    expect(await getRunCommand(testbed.context, machineId, "arc-autopilot-connection-type")).toMatchObject({
      executionState: "Running",
    });

    await testbed.clock.advance(testbed.emulator.timings.runCommandMs);
    expect(await readOperationStatus(testbed.context, start.operation)).toMatchObject({ state: "succeeded" });
    const view = await getRunCommand(testbed.context, machineId, "arc-autopilot-connection-type");
    expect(view).toMatchObject({
      name: "arc-autopilot-connection-type",
      provisioningState: "Succeeded",
      executionState: "Succeeded",
      exitCode: 0,
      startTime: expect.any(String) as string,
      endTime: expect.any(String) as string,
    });
    expect(agentConnectionType(testbed.emulator.context(), machineId)).toBe("gateway");
  });

  test("opening a port merges with the ports already open, as the machine then reports", async () => {
    const machineId = connectTestMachine(testbed, {
      name: "win-01",
      osType: "windows",
      incomingConnectionsPorts: ["3389"],
    });
    const before = await getMachine(testbed.context, machineId);
    const ports = mergeIncomingPorts(before.agentConfiguration.incomingConnectionsPorts, ["22"]);
    await run({
      machineId,
      runCommandName: "arc-autopilot-ports",
      location: before.location,
      script: incomingPortsScript(before.osType, ports),
    });
    await testbed.clock.advance(testbed.emulator.timings.runCommandMs);

    const after = await getMachine(testbed.context, machineId);
    expect(after.agentConfiguration.incomingConnectionsPorts).toEqual(["3389", "22"]);
  });

  test("on a machine in monitor mode the operation fails with the agent's reason, also in the instance view", async () => {
    const machineId = connectTestMachine(testbed, { name: "locked", configMode: "monitor" });
    const start = await run({
      machineId,
      runCommandName: "arc-autopilot-connection-type",
      location: testLocation,
      script: connectionTypeScript("linux", "gateway"),
    });
    await testbed.clock.advance(testbed.emulator.timings.runCommandMs);

    expect(await readOperationStatus(testbed.context, start.operation)).toMatchObject({
      state: "failed",
      error: { code: "AgentInMonitorMode" },
    });
    expect(await getRunCommand(testbed.context, machineId, "arc-autopilot-connection-type")).toMatchObject({
      provisioningState: "Failed",
      executionState: "Failed",
      executionMessage: expect.stringMatching(/monitor mode/) as string,
    });
  });

  test("a script that fails reports its exit code and stderr", async () => {
    const machineId = connectTestMachine(testbed, { name: "linux-01" });
    await run({
      machineId,
      runCommandName: "wrong-shell",
      location: testLocation,
      script: connectionTypeScript("windows", "gateway"),
    });
    await testbed.clock.advance(testbed.emulator.timings.runCommandMs);
    const view = await getRunCommand(testbed.context, machineId, "wrong-shell");
    expect(view.executionState).toBe("Failed");
    expect(view.exitCode).not.toBe(0);
    expect(view.error).toEqual(expect.any(String));
  });

  test("a finished run command is deleted as an operation; afterwards it is gone", async () => {
    const machineId = connectTestMachine(testbed, { name: "tidy" });
    await run({
      machineId,
      runCommandName: "once",
      location: testLocation,
      script: connectionTypeScript("linux", "direct"),
    });
    await testbed.clock.advance(testbed.emulator.timings.runCommandMs);

    const deletion = await beginDeleteRunCommand(testbed.context, machineId, "once");
    expect(deletion.done).toBe(false);
    if (deletion.done) return;
    await testbed.clock.advance(testbed.emulator.timings.runCommandMs);
    expect((await readOperationStatus(testbed.context, deletion.operation)).state).toBe("succeeded");
    await expect(findRunCommand(testbed.context, machineId, "once")).resolves.toBeUndefined();
    await expect(getRunCommand(testbed.context, machineId, "once")).rejects.toBeInstanceOf(NotFoundError);
  });

  test("a bad name, an empty script or a non-positive timeout is refused before anything is sent", async () => {
    const machineId = connectTestMachine(testbed, { name: "any" });
    const base = { machineId, runCommandName: "ok", location: testLocation, script: "azcmagent show" };
    await expect(
      beginRunCommand(testbed.context, { ...base, runCommandName: "no spaces" }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(beginRunCommand(testbed.context, { ...base, script: "  " })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(beginRunCommand(testbed.context, { ...base, timeoutInSeconds: 0 })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
