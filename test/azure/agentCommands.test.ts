import { type AgentSnapshot, runScript } from "../../local/emulator/providers/hybridCompute/simulatedAgent";
import {
  agentOsTypeOf,
  connectionTypeScript,
  incomingPortsScript,
  mergeIncomingPorts,
} from "../../shared/azure/agentCommands";
import { ValidationError } from "../../shared/errors";

describe("agent commands run through Run Command", () => {
  test("a Linux machine is switched to the gateway with the azcmagent on its PATH", () => {
    expect(connectionTypeScript("linux", "gateway")).toBe("azcmagent config set connection.type gateway");
  });

  test("a Windows machine calls azcmagent.exe by its full path under ProgramW6432", () => {
    expect(connectionTypeScript("Windows", "direct")).toBe(
      '& "$env:ProgramW6432\\AzureConnectedMachineAgent\\azcmagent.exe" config set connection.type direct',
    );
  });

  test("incoming ports are listed comma-separated in canonical form", () => {
    expect(incomingPortsScript("linux", ["22", 3389, "022"])).toBe(
      "azcmagent config set incomingconnections.ports 22,3389",
    );
    expect(incomingPortsScript("windows", [22])).toBe(
      '& "$env:ProgramW6432\\AzureConnectedMachineAgent\\azcmagent.exe" config set incomingconnections.ports 22',
    );
  });

  test.each([["0"], ["65536"], ["22;rm -rf /"], ["-1"], ["2.5"], [""], ["ssh"]])(
    "port %p is refused before it reaches a shell",
    (port) => {
      expect(() => incomingPortsScript("linux", [port])).toThrow(ValidationError);
    },
  );

  test("an empty port list is refused: it would close every port", () => {
    expect(() => incomingPortsScript("linux", [])).toThrow(/at least one/i);
  });

  test("merging keeps every port already open and adds the wanted ones once", () => {
    expect(mergeIncomingPorts(["3389", "22"], ["22", "2222"])).toEqual(["3389", "22", "2222"]);
  });

  test("an unknown OS type is refused with the value it got", () => {
    expect(() => agentOsTypeOf("macos")).toThrow(/'macos'/);
    expect(() => connectionTypeScript(undefined, "gateway")).toThrow(ValidationError);
  });

  describe("as the emulator's simulated agent runs them", () => {
    const agent = (osType: string): AgentSnapshot => ({
      osType,
      status: "Connected",
      agentVersion: "1.50.0",
      connectionType: "direct",
      incomingConnectionsPorts: ["3389"],
    });

    test.each([["linux"], ["windows"]])("on %s the connection type changes to gateway", (osType) => {
      const outcome = runScript(connectionTypeScript(osType, "gateway"), agent(osType));
      expect(outcome).toMatchObject({ exitCode: 0, changes: { connectionType: "gateway" } });
    });

    test.each([["linux"], ["windows"]])(
      "on %s the merged port list is what the agent ends with",
      (osType) => {
        const ports = mergeIncomingPorts(agent(osType).incomingConnectionsPorts, ["22"]);
        const outcome = runScript(incomingPortsScript(osType, ports), agent(osType));
        expect(outcome).toMatchObject({ exitCode: 0, changes: { incomingConnectionsPorts: ["3389", "22"] } });
      },
    );

    test("a Windows command on a Linux machine fails as it would for real", () => {
      expect(runScript(connectionTypeScript("windows", "gateway"), agent("linux")).exitCode).not.toBe(0);
    });
  });
});
