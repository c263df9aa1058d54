// The detach planner, pure: the documented order for every agent, and never a half-detach.
import { planDetach } from "../../shared/gateways/detachPlan";
import { gatewayId, machine, machineId } from "../onboarding/fixtures";

const attached = (
  overrides: Parameters<typeof machine>[0] = {},
  configuration: Parameters<typeof machine>[1] = {},
) =>
  planDetach(
    { machineId, machine: machine(overrides, configuration), gatewayLink: gatewayId },
    "arc-autopilot-connection",
  );

test("a reachable machine: the choice tagged, then connection.type direct by Run Command, then the link", () => {
  expect(attached()).toEqual({
    kind: "steps",
    gatewayId,
    steps: [
      { kind: "recordDirectChoice", machineId, tagName: "arc-autopilot-connection" },
      {
        kind: "switchAgentToDirect",
        machineId,
        location: "eastus",
        runCommandName: "arc-autopilot-connection-type",
        script: "azcmagent config set connection.type direct",
      },
      { kind: "clearGatewayLink", machineId, gatewayId },
    ],
  });
});

test("Windows gets the agent's full path in the Run Command script", () => {
  const plan = attached({ osType: "windows" });
  expect(plan.kind === "steps" && plan.steps[1]).toMatchObject({
    script:
      '& "$env:ProgramW6432\\AzureConnectedMachineAgent\\azcmagent.exe" config set connection.type direct',
  });
});

test.each<[string, Parameters<typeof machine>[0], Parameters<typeof machine>[1], string, RegExp]>([
  ["not Connected", { status: "Disconnected" }, {}, "NotConnected", /is Disconnected/],
  ["monitor mode", {}, { configMode: "monitor" }, "MonitorMode", /monitor mode/],
  [
    "extensions disabled",
    {},
    { extensionsEnabled: false },
    "RunCommandBlocked",
    /extension manager is disabled/,
  ],
  [
    "handler blocked",
    {},
    { extensionsBlockList: [{ publisher: "Microsoft.CPlat.Core", type: "RunCommandHandlerLinux" }] },
    "RunCommandBlocked",
    /blocklist contains/,
  ],
] as const)(
  "%s: needs-local-action with the local command, link left alone",
  (_, overrides, configuration, code, why) => {
    const plan = attached(overrides, configuration);
    expect(plan).toMatchObject({ kind: "stop", outcome: "needs-local-action", code });
    if (plan.kind !== "stop") throw new Error("expected a stop");
    expect(plan.reason).toMatch(why);
    expect(plan.reason).toMatch(/its gateway link is left alone/);
    expect(plan.localAction?.commands).toEqual(["sudo azcmagent config set connection.type direct"]);
  },
);

test("Windows machines are told to use an elevated PowerShell, without sudo", () => {
  const plan = attached({ osType: "windows", status: "Expired" });
  expect(plan).toMatchObject({
    kind: "stop",
    localAction: { osType: "windows", commands: ["azcmagent config set connection.type direct"] },
  });
  expect(plan.kind === "stop" && plan.localAction?.explanation).toMatch(/elevated PowerShell/);
});

test("no link: only the choice is tagged, or nothing when it is; no machine: skipped; unknown OS: failed without a write", () => {
  expect(planDetach({ machineId, machine: machine() }, "arc-autopilot-connection")).toEqual({
    kind: "steps",
    steps: [{ kind: "recordDirectChoice", machineId, tagName: "arc-autopilot-connection" }],
  });
  expect(
    planDetach(
      { machineId, machine: machine({ tags: { "ARC-AUTOPILOT-CONNECTION": "Direct" } }) },
      "arc-autopilot-connection",
    ),
  ).toMatchObject({ kind: "stop", outcome: "not-attached", code: "NotAttached" });
  // Already tagged and attached: no second tag write, the agent and the link as before.
  const tagged = attached({ tags: { "arc-autopilot-connection": "direct" } });
  expect(tagged.kind === "steps" && tagged.steps.map((s) => s.kind)).toEqual([
    "switchAgentToDirect",
    "clearGatewayLink",
  ]);
  expect(planDetach({ machineId }, "arc-autopilot-connection")).toMatchObject({
    kind: "stop",
    outcome: "skipped",
    code: "MachineNotFound",
  });
  expect(attached({ osType: "plan9" })).toMatchObject({
    kind: "stop",
    outcome: "failed",
    code: "UnknownOsType",
  });
});
