// Moving a machine onto another gateway, pure: the link first, then `connection.type gateway` only
// for agents below the auto-switch version; a machine that cannot be moved is left as it is.
import { planGatewayMove } from "../../shared/gateways/movePlan";
import { gatewayId, machine, machineId } from "../onboarding/fixtures";

const spareId = gatewayId.replace(/gateways\/[^/]+$/, "gateways/arc-gw-spare");
const request = { fromGatewayId: gatewayId, toGatewayId: spareId, autoSwitchVersion: "1.51" };
const planFor = (
  overrides: Parameters<typeof machine>[0] = {},
  configuration: Parameters<typeof machine>[1] = {},
  gatewayLink: string | null = gatewayId,
) =>
  planGatewayMove(
    { machineId, machine: machine(overrides, configuration), ...(gatewayLink ? { gatewayLink } : {}) },
    request,
  );

test("agent 1.51 and later: the link only; the agent follows it by itself, even in monitor mode", () => {
  const steps = [{ kind: "linkToGateway", machineId, gatewayId: spareId }];
  expect(planFor({ agentVersion: "1.55.02941.1840" })).toEqual({
    kind: "steps",
    fromGatewayId: gatewayId,
    toGatewayId: spareId,
    steps,
  });
  expect(planFor({ agentVersion: "1.51.0.0" }, { configMode: "monitor" })).toMatchObject({ steps });
});

test("agent 1.50 and earlier: the link first, then connection.type gateway by Run Command", () => {
  expect(planFor({ agentVersion: "1.45.02779.1667" })).toMatchObject({
    kind: "steps",
    steps: [
      { kind: "linkToGateway", machineId, gatewayId: spareId },
      {
        kind: "switchAgentToGateway",
        runCommandName: "arc-autopilot-gateway-move",
        script: "azcmagent config set connection.type gateway",
      },
    ],
  });
});

test.each<[string, Parameters<typeof machine>[0], Parameters<typeof machine>[1], string, string[]]>([
  ["disconnected", { status: "Disconnected" }, {}, "NotConnected", ["sudo azcmagent show"]],
  [
    "1.50 in monitor mode",
    { agentVersion: "1.50.0.0" },
    { configMode: "monitor" },
    "RunCommandBlocked",
    ["sudo azcmagent config set config.mode full", "sudo azcmagent config set connection.type gateway"],
  ],
])(
  "%s: not moved, its link left alone, with the local commands",
  (_, overrides, configuration, code, commands) => {
    const plan = planFor(overrides, configuration);
    expect(plan).toMatchObject({
      kind: "stop",
      outcome: "needs-local-action",
      code,
      localAction: { commands },
    });
    expect(plan.kind === "stop" && plan.reason).toMatch(/its gateway link is left alone$/);
  },
);

test("a machine linked elsewhere meanwhile, or not at all, is not moved", () => {
  expect(planFor({}, {}, spareId)).toMatchObject({
    kind: "stop",
    outcome: "not-attached",
    code: "NotAttached",
  });
  expect(planFor({}, {}, null)).toMatchObject({ kind: "stop", outcome: "not-attached" });
});
