// Issue 10, item 5: the onboarding run's failure branches for writes Azure does not confirm, end to
// end. An emulator knob makes one write on one machine turn out other than asked; the run must
// end `failed` with that branch's code, say what happened, list what it had done, and write
// nothing under the machine after the failure. One host; each story has its own machine.
import { failNextRunCommands } from "../../local/emulator/providers/hybridCompute/runCommands";
import { linkNextSettingsPutTo } from "../../local/emulator/providers/hybridCompute/settings";
import {
  answerNextSshConfigurationPuts,
  failNextEndpointPuts,
} from "../../local/emulator/providers/hybridConnectivity";
import type { TrafficExchange } from "../../local/emulator/trafficLog";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000a1001";
let h: Harness;
let gatewayId: string;
let otherGatewayId: string;

harnessPerFile({ subscriptionId }, (started) => {
  h = started;
  started.registerHybridConnectivity();
});

beforeAll(async () => {
  gatewayId = await h.readyGateway("arc-gw-eastus", "eastus");
  // Provisioned, so a settings write may name it; no machine here is placed on it.
  otherGatewayId = await h.readyGateway("arc-gw-westus2", "westus2");
});

const settings = "/providers/Microsoft.HybridCompute/settings/default";
const endpoint = "/providers/Microsoft.HybridConnectivity/endpoints/default";
const ssh = `${endpoint}/serviceConfigurations/SSH`;

/**
 * The machine's writes since `from`, as `METHOD /path-below-the-machine`, once everything left
 * has run: a write after the failure, however late, would be among them.
 */
async function writesUnder(machineId: string, from: number): Promise<string[]> {
  await h.host.runUntilIdle();
  return h
    .machineRequests(machineId, from)
    .filter((e: TrafficExchange) => e.method !== "GET")
    .map((e) => `${e.method} ${new URL(e.url).pathname.slice(machineId.length) || "/"}`);
}

function linkOf(machineId: string): unknown {
  const body = h.host.emulator!.state.getResource(`${machineId}${settings}`)?.body as
    { properties?: { gatewayProperties?: { gatewayResourceId?: string } } } | undefined;
  return body?.properties?.gatewayProperties?.gatewayResourceId;
}

const attached = (name: string) => `Attach ${name} to gateway arc-gw-eastus`;
const endpointCreated = (name: string) => `Create the default connectivity endpoint of ${name}`;

test("AttachNotConfirmed: the settings PUT answers another gateway; nothing else is written", async () => {
  const machineId = h.machineId("attach-01");
  linkNextSettingsPutTo(h.host.emulator!.state, machineId, otherGatewayId);
  const from = h.host.traffic().length;

  h.connect({ name: "attach-01", location: "eastus" });
  const result = await h.outcome(machineId);

  expect(result).toMatchObject({
    runtimeStatus: "Completed",
    outcome: "failed",
    code: "AttachNotConfirmed",
    done: [],
  });
  expect(result.reason).toContain(`name gateway ${otherGatewayId} after the write, not ${gatewayId}`);
  // The write was sent once, for the gateway placed; the answer stopped the run there.
  expect(await writesUnder(machineId, from)).toEqual([`PUT ${settings}`]);
  expect(
    JSON.stringify(h.machineRequests(machineId, from).find((e) => e.method === "PUT")?.requestBody),
  ).toContain(gatewayId);
  expect(linkOf(machineId)).toBe(otherGatewayId);
});

test("RunCommandFailed: the connection.type Run Command exits non-zero; its exit code and error are the reason", async () => {
  const machineId = h.machineId("legacy-01");
  failNextRunCommands(h.host.emulator!.state, machineId, {
    exitCode: 3,
    message: "azcmagent: the himds service is not running",
  });
  const from = h.host.traffic().length;

  h.connect({ name: "legacy-01", location: "eastus", agentVersion: "1.45.02779.1667" });
  const result = await h.outcome(machineId);

  expect(result).toMatchObject({
    runtimeStatus: "Completed",
    outcome: "failed",
    code: "RunCommandFailed",
    done: [attached("legacy-01")],
  });
  expect(result.reason).toContain("Run Command arc-autopilot-connection-type failed");
  expect(result.reason).toContain("exit code 3: azcmagent: the himds service is not running");
  // No endpoint, no SSH configuration after the failed command.
  expect(await writesUnder(machineId, from)).toEqual([
    `PUT ${settings}`,
    "PUT /runCommands/arc-autopilot-connection-type",
  ]);
});

test("RunCommandFailed on the last step: the incoming-ports Run Command fails, so the run ends failed, not needing local action", async () => {
  const machineId = h.machineId("ancient-01");
  failNextRunCommands(h.host.emulator!.state, machineId, {
    exitCode: 1,
    message: "Access is denied.",
  });
  const from = h.host.traffic().length;

  // Below 1.31 the agent's own ports list needs 22; below 1.40 no gateway (a local upgrade).
  h.connect({
    name: "ancient-01",
    location: "eastus",
    agentVersion: "1.20.02151.1134",
    osType: "windows",
    osName: "Windows Server 2019 Datacenter",
    osVersion: "10.0.17763",
    incomingConnectionsPorts: ["3389"],
  });
  const result = await h.outcome(machineId);

  expect(result).toMatchObject({
    runtimeStatus: "Completed",
    outcome: "failed",
    code: "RunCommandFailed",
    done: [endpointCreated("ancient-01"), "Create the SSH service configuration of ancient-01 on port 22"],
  });
  expect(result.reason).toContain(
    "Run Command arc-autopilot-ssh-port failed (exit code 1: Access is denied.)",
  );
  expect(await writesUnder(machineId, from)).toEqual([
    `PUT ${endpoint}`,
    `PUT ${ssh}`,
    "PUT /runCommands/arc-autopilot-ssh-port",
  ]);
  // The script's change never happened: the agent keeps only its own port.
  const machine = h.host.emulator!.state.getResource(machineId)?.body as {
    properties?: { agentConfiguration?: { incomingConnectionsPorts?: string[] } };
  };
  expect(machine.properties?.agentConfiguration?.incomingConnectionsPorts).toEqual(["3389"]);
});

test("EndpointFailed: the default endpoint PUT answers provisioningState Failed; no SSH configuration follows", async () => {
  const machineId = h.machineId("endpoint-01");
  failNextEndpointPuts(h.host.emulator!.state, machineId);
  const from = h.host.traffic().length;

  h.connect({ name: "endpoint-01", location: "eastus" });
  const result = await h.outcome(machineId);

  expect(result).toMatchObject({
    runtimeStatus: "Completed",
    outcome: "failed",
    code: "EndpointFailed",
    done: [attached("endpoint-01")],
  });
  expect(result.reason).toContain("The default endpoint's provisioning Failed");
  expect(await writesUnder(machineId, from)).toEqual([`PUT ${settings}`, `PUT ${endpoint}`]);
});

describe("SshConfigurationNotConfirmed: the SSH configuration still disagrees after its one delete-and-recreate", () => {
  test.each([
    {
      name: "ssh-port-01",
      answer: { port: 2222 },
      says: "The SSH service configuration answered port 2222 (Succeeded), not 22",
    },
    {
      name: "ssh-state-01",
      answer: { provisioningState: "Failed" as const },
      says: "The SSH service configuration answered port 22 (Failed), not 22",
    },
  ])("$name: answers $answer twice", async ({ name, answer, says }) => {
    const machineId = h.machineId(name);
    answerNextSshConfigurationPuts(h.host.emulator!.state, machineId, answer, 2);
    const from = h.host.traffic().length;

    h.connect({ name, location: "eastus" });
    const result = await h.outcome(machineId);

    expect(result).toMatchObject({
      runtimeStatus: "Completed",
      outcome: "failed",
      code: "SshConfigurationNotConfirmed",
      done: [attached(name), endpointCreated(name)],
    });
    expect(result.reason).toContain(says);
    // PUT, the one DELETE, PUT again — and no third try.
    expect(await writesUnder(machineId, from)).toEqual([
      `PUT ${settings}`,
      `PUT ${endpoint}`,
      `PUT ${ssh}`,
      `DELETE ${ssh}`,
      `PUT ${ssh}`,
    ]);
  });

  test("one disagreeing answer is repaired by the delete-and-recreate: the run onboards", async () => {
    const machineId = h.machineId("ssh-once-01");
    answerNextSshConfigurationPuts(h.host.emulator!.state, machineId, { port: 2222 });
    const from = h.host.traffic().length;

    h.connect({ name: "ssh-once-01", location: "eastus" });
    const result = await h.outcome(machineId);

    expect(result).toMatchObject({ outcome: "onboarded" });
    expect((await writesUnder(machineId, from)).slice(2)).toEqual([
      `PUT ${ssh}`,
      `DELETE ${ssh}`,
      `PUT ${ssh}`,
    ]);
  });
});
