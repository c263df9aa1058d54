// A machine tagged `arc-autopilot-connection: direct` (an operator's detach or a retirement): the
// planner gives it no gateway step while the rest still applies, and the drift sweep counts it as
// direct by choice — compliant, never repaired onto a gateway.
import { classifyDrift, isCompliant } from "../../shared/drift/driftKinds";
import { compliance } from "../../shared/drift/report";
import { isDirectByChoice, withDirectChoice } from "../../shared/onboarding/connectionChoice";
import type { OnboardingObservation } from "../../shared/onboarding/onboardingPlan";
import { planOnboarding } from "../../shared/onboarding/plan";
import {
  defaultPolicy,
  gatewayId,
  machine,
  machineId,
  observation,
  policyWith,
  subscriptionId,
} from "./fixtures";

const direct = (tags: Record<string, string> = { "arc-autopilot-connection": "direct" }) => machine({ tags });

/** Not attached, endpoint and SSH in place: a detached machine. */
function detached(overrides: Partial<OnboardingObservation> = {}): OnboardingObservation {
  return observation({
    machine: direct(),
    gatewayPlacement: { create: { gatewayId, location: "eastus" } },
    targetGateway: undefined,
    defaultEndpoint: { provisioningState: "Succeeded" },
    sshServiceConfiguration: { serviceName: "SSH", port: 22, provisioningState: "Succeeded" },
    ...overrides,
  });
}

test("the tag: name and value in any casing; writing it keeps the other tags and replaces another casing", () => {
  expect(isDirectByChoice({ "ARC-AUTOPILOT-CONNECTION": " Direct " }, "arc-autopilot-connection")).toBe(true);
  expect(isDirectByChoice({ "arc-autopilot-connection": "gateway" }, "arc-autopilot-connection")).toBe(false);
  expect(isDirectByChoice(undefined, "arc-autopilot-connection")).toBe(false);
  expect(
    withDirectChoice({ team: "web", "Arc-Autopilot-Connection": "gateway" }, "arc-autopilot-connection"),
  ).toEqual({ team: "web", "arc-autopilot-connection": "direct" });
  const already = { team: "web", "ARC-autopilot-connection": "DIRECT" };
  expect(withDirectChoice(already, "arc-autopilot-connection")).toEqual(already);
});

test("detached and tagged, nothing else missing: no steps, not even a gateway creation, and the plan says why and how to undo", () => {
  const plan = planOnboarding(detached(), defaultPolicy);
  expect(plan).toMatchObject({ kind: "steps", steps: [] });
  expect(plan.kind === "steps" && plan.directByChoice).toMatch(
    /^Connects directly to Azure by an operator's choice \(tag arc-autopilot-connection: direct.*remove the tag, then onboard it/,
  );
  // The same machine untagged would get the gateway created and attached.
  const untagged = planOnboarding(detached({ machine: machine() }), defaultPolicy);
  expect(untagged.kind === "steps" && untagged.steps.map((s) => s.kind)).toEqual([
    "createGateway",
    "waitForGateway",
    "attachGateway",
  ]);
});

test("tagged, endpoint and SSH missing, agent below the gateway minimum: SSH is still set up, no gateway and no upgrade asked", () => {
  const plan = planOnboarding(
    detached({
      machine: machine({ tags: { "arc-autopilot-connection": "direct" }, agentVersion: "1.38.02543.1001" }),
      defaultEndpoint: undefined,
      sshServiceConfiguration: undefined,
    }),
    defaultPolicy,
  );
  expect(plan.kind === "steps" && plan.steps.map((s) => s.kind)).toEqual([
    "createDefaultEndpoint",
    "createSshServiceConfiguration",
  ]);
  expect(plan.kind === "steps" && plan.followUp).toBeUndefined();
  const drift = classifyDrift({ plan, onboardingRecorded: true });
  expect(drift).toEqual({ kind: "endpoint-missing", repairable: true });
});

test("the sweep: direct by choice is compliant and never repaired; still linked to a gateway it is reported StillAttached", () => {
  const off = classifyDrift({ plan: planOnboarding(detached(), defaultPolicy), onboardingRecorded: true });
  expect(off).toEqual({ kind: "direct-by-choice", repairable: false });
  const linked = detached({ gatewayLink: gatewayId });
  const still = classifyDrift({
    plan: planOnboarding(linked, defaultPolicy),
    gatewayLink: gatewayId,
    onboardingRecorded: true,
  });
  expect(still).toEqual({ kind: "direct-by-choice", code: "StillAttached", repairable: false });
  expect(planOnboarding(linked, defaultPolicy)).toMatchObject({
    steps: [],
    directByChoice: expect.stringMatching(/still linked to gateway arc-gw-eastus.*detach/) as string,
  });
  expect(isCompliant("direct-by-choice")).toBe(true);
  expect(isCompliant("direct-by-choice", "StillAttached")).toBe(false);
  expect(
    compliance(
      [
        { machineId, kind: "direct-by-choice" },
        { machineId: machineId.replace("web-01", "web-02"), kind: "direct-by-choice", code: "StillAttached" },
      ],
      [`/subscriptions/${subscriptionId}`],
    ),
  ).toEqual([{ scope: `/subscriptions/${subscriptionId}`, machines: 2, inDesiredState: 1, percent: 50 }]);
});

test("ARC_CONNECTION_TAG names the tag", () => {
  const policy = policyWith({ ARC_CONNECTION_TAG: "gateway-choice" });
  const plan = planOnboarding(detached({ machine: direct({ "Gateway-Choice": "direct" }) }), policy);
  expect(plan).toMatchObject({ kind: "steps", steps: [] });
  const other = planOnboarding(detached(), policy);
  expect(other.kind === "steps" && other.steps.map((s) => s.kind)).toContain("createGateway");
});
