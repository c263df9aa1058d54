import { describePlan, onboardingStatus } from "../../shared/onboarding/describePlan";
import { planOnboarding } from "../../shared/onboarding/plan";
import { defaultPolicy, gatewayId, machine, observation, onboarded } from "./fixtures";

const fresh = planOnboarding(
  observation({
    machine: machine({ agentVersion: "1.45" }),
    gatewayPlacement: { create: { gatewayId, location: "eastus" } },
    targetGateway: undefined,
    providerState: "NotRegistered",
  }),
  defaultPolicy,
);

describe("plans in words and numbers for custom status", () => {
  test("a plan with steps counts them and describes each", () => {
    const description = describePlan(fresh);
    expect(description.outcome).toBe("ready");
    expect(description.total).toBe(8);
    expect(description.message).toBe(
      "8 steps: createGateway, registerProvider, waitForGateway, attachGateway, switchAgentToGateway, waitForProvider, createDefaultEndpoint, createSshServiceConfiguration",
    );
    expect(description.steps.map((s) => s.message)).toEqual([
      "Create gateway arc-gw-eastus in eastus",
      "Register Microsoft.HybridConnectivity in subscription 00000000-0000-4000-8000-000000000001",
      "Wait for gateway arc-gw-eastus (up to 120 min)",
      "Attach web-01 to gateway arc-gw-eastus",
      "Run Command on web-01: connection.type gateway (agent 1.45)",
      "Wait for Microsoft.HybridConnectivity to be registered in subscription 00000000-0000-4000-8000-000000000001",
      "Create the default connectivity endpoint of web-01",
      "Create the SSH service configuration of web-01 on port 22",
    ]);
  });

  test("an onboarded machine is done with nothing to do", () => {
    expect(describePlan(planOnboarding(onboarded(), defaultPolicy))).toMatchObject({
      outcome: "done",
      total: 0,
    });
    expect(onboardingStatus(planOnboarding(onboarded(), defaultPolicy), 0)).toEqual({
      step: "done",
      done: 0,
      total: 0,
      message: "Nothing to do",
    });
  });

  test("a stopped plan reports its outcome and reason", () => {
    const stop = planOnboarding(observation({ machine: machine({ status: "Disconnected" }) }), defaultPolicy);
    expect(describePlan(stop)).toMatchObject({
      outcome: "pending",
      total: 0,
      message: expect.stringMatching(/^pending: The machine is Disconnected/) as unknown,
    });
    expect(onboardingStatus(stop, 0)).toMatchObject({
      step: "pending",
      waitingFor: "machine to be Connected",
    });
  });

  test("status follows the orchestrator through the plan, naming what a wait waits for", () => {
    expect(onboardingStatus(fresh, 0)).toEqual({
      step: "createGateway",
      done: 0,
      total: 8,
      message: "Create gateway arc-gw-eastus in eastus",
    });
    expect(onboardingStatus(fresh, 2)).toEqual({
      step: "waitForGateway",
      done: 2,
      total: 8,
      message: "Wait for gateway arc-gw-eastus (up to 120 min)",
      waitingFor: `gateway ${gatewayId}`,
    });
    expect(onboardingStatus(fresh, 4)).toMatchObject({
      step: "switchAgentToGateway",
      waitingFor: "run command arc-autopilot-connection-type",
    });
    expect(onboardingStatus(fresh, 8)).toEqual({
      step: "done",
      done: 8,
      total: 8,
      message: "All steps done",
    });
    expect(onboardingStatus(fresh, 99)).toMatchObject({ step: "done", done: 8 });
    expect(onboardingStatus(fresh, -1)).toMatchObject({ step: "createGateway", done: 0 });
  });
});
