// Drift kinds from the real planner's plans: each machine gets one kind, and only kinds the
// onboarding orchestration can fix are repaired.
import { classifyDrift, type DriftFacts } from "../../shared/drift/driftKinds";
import { planOnboarding } from "../../shared/onboarding/plan";
import { gatewayId, machine, machineId, observation, onboarded, policyWith } from "../onboarding/fixtures";

const policy = policyWith();

function facts(observed: Parameters<typeof planOnboarding>[0], extra: Partial<DriftFacts> = {}): DriftFacts {
  return {
    plan: planOnboarding(observed, policy),
    ...(observed.gatewayLink !== undefined ? { gatewayLink: observed.gatewayLink } : {}),
    onboardingRecorded: true,
    ...extra,
  };
}

describe("classifying a machine's drift", () => {
  test("a fully onboarded machine is in its desired state and is not repaired", () => {
    expect(classifyDrift(facts(onboarded()))).toEqual({ kind: "in-desired-state", repairable: false });
  });

  test("no gateway link: never onboarded without any onboarding on record, else not attached", () => {
    expect(classifyDrift(facts(observation(), { onboardingRecorded: false }))).toMatchObject({
      kind: "never-onboarded",
      repairable: true,
    });
    expect(classifyDrift(facts(observation()))).toMatchObject({ kind: "not-attached", repairable: true });
  });

  test("a link to a deleted or retiring gateway is stranded; a running retirement's machines are left to it", () => {
    const deleted = gatewayId.replace("arc-gw-eastus", "arc-gw-old");
    const missing = classifyDrift(
      facts(onboarded({ gatewayLink: deleted, linkedGateway: "gone" }), { linkedGateway: "missing" }),
    );
    expect(missing).toMatchObject({ kind: "stranded", repairable: true });
    const retiring = classifyDrift(
      facts(onboarded({ gatewayLink: deleted, linkedGateway: "retiring" }), { linkedGateway: "retiring" }),
    );
    expect(retiring).toMatchObject({ kind: "stranded", repairable: false });
    // Said to run: the same.
    expect(
      classifyDrift(
        facts(onboarded({ gatewayLink: deleted, linkedGateway: "retiring", retirementRunning: true }), {
          linkedGateway: "retiring",
          retirementRunning: true,
        }),
      ),
    ).toMatchObject({ kind: "stranded", repairable: false });
    // No retirement running (it aborted, or the tag was set by hand): repaired like a deleted gateway's.
    const abandoned = classifyDrift(
      facts(onboarded({ gatewayLink: deleted, linkedGateway: "retiring", retirementRunning: false }), {
        linkedGateway: "retiring",
        retirementRunning: false,
      }),
    );
    expect(abandoned).toMatchObject({ kind: "stranded", repairable: true });
    // Tagged direct by an operator's choice: no gateway step, so nothing is re-pointed or repaired.
    const directTagged = onboarded({
      gatewayLink: deleted,
      linkedGateway: "retiring",
      retirementRunning: false,
      machine: machine({ tags: { "arc-autopilot-connection": "direct" } }),
    });
    expect(planOnboarding(directTagged, policy)).toMatchObject({ kind: "steps", steps: [] });
    expect(
      classifyDrift(facts(directTagged, { linkedGateway: "retiring", retirementRunning: false })),
    ).toMatchObject({ kind: "stranded", repairable: false });
    // ...once connected: a disconnected one waits, as a deleted gateway's would.
    const disconnected = onboarded({
      gatewayLink: deleted,
      linkedGateway: "retiring",
      retirementRunning: false,
      machine: machine({ status: "Disconnected" }),
    });
    expect(
      classifyDrift(facts(disconnected, { linkedGateway: "retiring", retirementRunning: false })),
    ).toMatchObject({ kind: "stranded", code: "NotConnected", repairable: false });
    expect(classifyDrift(facts(onboarded(), { linkedGateway: "live" })).kind).toBe("in-desired-state");
  });

  test("a stranded machine that went Disconnected keeps its stop code for the report", () => {
    const disconnected = onboarded({ machine: machine({ status: "Disconnected" }) });
    expect(classifyDrift(facts(disconnected, { linkedGateway: "missing" }))).toMatchObject({
      kind: "stranded",
      code: "NotConnected",
      repairable: false,
    });
  });

  test("stranded last time and still unreachable, its link since fixed: still stranded, not repaired", () => {
    const disconnected = onboarded({ machine: machine({ status: "Disconnected" }) });
    const previous = { kind: "stranded" as const, code: "NotConnected" };
    expect(classifyDrift(facts(disconnected, { linkedGateway: "live", previous }))).toEqual({
      kind: "stranded",
      code: "NotConnected",
      repairable: false,
    });
    // Back online: whatever the plan says now.
    expect(classifyDrift(facts(onboarded(), { linkedGateway: "live", previous })).kind).toBe(
      "in-desired-state",
    );
  });

  test("missing endpoint, SSH configuration and provider are told apart", () => {
    expect(
      classifyDrift(facts(onboarded({ defaultEndpoint: undefined, sshServiceConfiguration: undefined })))
        .kind,
    ).toBe("endpoint-missing");
    expect(classifyDrift(facts(onboarded({ sshServiceConfiguration: undefined }))).kind).toBe(
      "ssh-configuration",
    );
    const wrongPort = onboarded({
      sshServiceConfiguration: { serviceName: "SSH", port: 2222, provisioningState: "Succeeded" },
    });
    expect(classifyDrift(facts(wrongPort))).toMatchObject({ kind: "ssh-configuration", repairable: true });
    const unregistered = onboarded({
      providerState: "NotRegistered",
      defaultEndpoint: undefined,
      sshServiceConfiguration: undefined,
    });
    expect(classifyDrift(facts(unregistered)).kind).toBe("provider-not-registered");
  });

  test("a machine the previous sweep found not connected and that now is, is pending-now-connected", () => {
    const previous = { kind: "not-connected" as const, code: "NotConnected" };
    expect(classifyDrift(facts(observation(), { previous }))).toMatchObject({
      kind: "pending-now-connected",
      repairable: true,
    });
    // Still disconnected: still not connected, and a repair would only wait.
    const still = observation({ machine: machine({ status: "Disconnected" }) });
    expect(classifyDrift(facts(still, { previous }))).toMatchObject({
      kind: "not-connected",
      repairable: false,
    });
    // Now connected and nothing missing: in its desired state.
    expect(classifyDrift(facts(onboarded(), { previous })).kind).toBe("in-desired-state");
  });

  test("needs local action is reported, never repaired, and marked unchanged when the last sweep saw the same", () => {
    const monitor = onboarded({ machine: machine({}, { configMode: "monitor" }) });
    const first = classifyDrift(facts(monitor));
    expect(first).toEqual({ kind: "needs-local-action", code: "MonitorMode", repairable: false });
    const again = classifyDrift(
      facts(monitor, { previous: { kind: "needs-local-action", code: "MonitorMode" } }),
    );
    expect(again).toEqual({
      kind: "needs-local-action",
      code: "MonitorMode",
      repairable: false,
      unchanged: true,
    });
    const otherCode = classifyDrift(
      facts(monitor, { previous: { kind: "needs-local-action", code: "AgentTooOld" } }),
    );
    expect(otherCode.unchanged).toBeUndefined();
  });

  test("out of scope, opted out and deleted machines are excluded", () => {
    const optedOut = onboarded({ machine: machine({ tags: { "arc-autopilot": "opt-out" } }) });
    expect(classifyDrift(facts(optedOut))).toMatchObject({
      kind: "excluded",
      code: "OptedOut",
      repairable: false,
    });
    expect(classifyDrift(facts({ machineId }))).toMatchObject({ kind: "excluded", code: "MachineNotFound" });
  });

  test("a machine that cannot be planned is unplannable, not drift to repair", () => {
    const noPlacement = observation({ gatewayPlacement: undefined });
    expect(classifyDrift(facts(noPlacement))).toMatchObject({
      kind: "unplannable",
      code: "GatewayNotPlaced",
      repairable: false,
    });
  });

  test("the gateway id fixture is a gateway (sanity)", () => {
    expect(gatewayId).toMatch(/gateways/);
  });
});

describe("a stranded machine in the planner", () => {
  test("a link to a gateway that is gone is planned as not attached: linked to the placed, live gateway", () => {
    const deleted = gatewayId.replace("arc-gw-eastus", "arc-gw-deleted");
    const plan = planOnboarding(onboarded({ gatewayLink: deleted, linkedGateway: "gone" }), policy);
    expect(plan).toMatchObject({
      kind: "steps",
      steps: [{ kind: "attachGateway", gatewayId }],
      warnings: [expect.stringMatching(/arc-gw-deleted' no longer exists/)],
    });
    // Retiring: left linked while its retirement runs (or may: not known); the retirement moves it.
    expect(
      planOnboarding(onboarded({ gatewayLink: deleted, linkedGateway: "retiring" }), policy),
    ).toMatchObject({
      kind: "steps",
      steps: [],
    });
    expect(
      planOnboarding(
        onboarded({ gatewayLink: deleted, linkedGateway: "retiring", retirementRunning: true }),
        policy,
      ),
    ).toMatchObject({ kind: "steps", steps: [] });
    // Retiring with no retirement running: linked to the placed, live gateway, as a gone one's.
    expect(
      planOnboarding(
        onboarded({ gatewayLink: deleted, linkedGateway: "retiring", retirementRunning: false }),
        policy,
      ),
    ).toMatchObject({
      kind: "steps",
      steps: [{ kind: "attachGateway", gatewayId }],
      warnings: [expect.stringMatching(/arc-gw-deleted' is tagged retiring and no retirement runs/)],
    });
    // Still there: left alone, never moved between live gateways.
    expect(planOnboarding(onboarded({ gatewayLink: deleted }), policy)).toMatchObject({
      kind: "steps",
      steps: [],
    });
  });
});
