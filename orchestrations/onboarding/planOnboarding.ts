// planOnboarding: observe one machine, place its gateway when it has none, and plan — the
// planner is pure (shared/onboarding/plan.ts); this activity only gathers what it reads, so the
// orchestrator receives a finished plan and never reads configuration itself (a setting changed
// between replays would make it non-deterministic).
// Placement is read only when the plan needs it: a machine that stops earlier (out of scope,
// opted out, disconnected, old agent) costs no gateway list and no Resource Graph query.
// Whether a retiring gateway's retirement runs is the durable store's, not Azure's: the caller
// (the drift sweep, or an onboarding it started) passes the retiring gateways it found with none
// running, and a machine linked to one of them is planned like a deleted gateway's.
import { z } from "zod";

import { placeMachine, placementScopeFor } from "../../shared/onboarding/gatewayPlacement";
import {
  machineSummarySchema,
  type OnboardingObservation,
  onboardingPlanSchema,
} from "../../shared/onboarding/onboardingPlan";
import { planOnboarding as plan } from "../../shared/onboarding/plan";
import { onboardingPolicyFrom } from "../../shared/onboarding/policy";
import { isInScope } from "../../shared/onboarding/scope";
import { machineResourceId, parseMachineId, sameResourceId } from "../../shared/resourceId";
import { resourceIdField } from "../../shared/validation/fields";
import { type AzureDeps, defineActivity } from "../activity";
import { type MachineObservation, observeMachine } from "../machines/observeMachine";

/** Observes the machine, places its gateway when it has none, and plans (shared/onboarding/plan.ts). */
export const planOnboarding = defineActivity({
  name: "planOnboarding_v1",
  needs: "azure",
  input: z.strictObject({
    machineId: resourceIdField,
    /** Gateways tagged retiring whose retirement is not running: a machine linked to one is linked to a live gateway. */
    retirementsNotRunning: z.array(resourceIdField).max(5000).optional(),
  }),
  output: z.strictObject({
    plan: onboardingPlanSchema,
    /** What the final table shows about the machine; absent when it was not read (out of scope, deleted). */
    machine: machineSummarySchema.optional(),
  }),
  handler: planMachine,
});

/** The plan activity's work, for callers that plan with facts of their own (a dry run). */
export async function planMachine(
  deps: AzureDeps,
  input: {
    readonly machineId: string;
    readonly retirementsNotRunning?: readonly string[];
    /** The machine as the caller just observed it (observeMachine): not read again. */
    readonly observed?: MachineObservation;
  },
) {
  const { facts } = deps;
  const policy = onboardingPolicyFrom(deps.settings);
  const machineId = machineResourceId(parseMachineId(input.machineId));
  // Out of scope: nothing is read at all, the planner says why from the id alone.
  if (!isInScope(machineId, policy.scopes)) {
    return { plan: plan({ machineId }, policy) };
  }
  const seen =
    input.observed ?? (await observeMachine(deps, { machineId, connectionTag: policy.connectionTag }));
  const link = seen.gatewayLink;
  const observed: OnboardingObservation =
    seen.linkedGateway === "retiring" &&
    link !== undefined &&
    (input.retirementsNotRunning ?? []).some((id) => sameResourceId(id, link))
      ? { ...seen, retirementRunning: false }
      : seen;
  let planned = plan(observed, policy);
  const machine = observed.machine;
  if (machine && planned.kind === "stop" && planned.code === "GatewayNotPlaced") {
    const placementPolicy = policy.gateway;
    const scope = placementScopeFor(machine.subscriptionId, placementPolicy, policy.scopes);
    const { gatewaySubscriptionId } = scope;
    const picture = await facts.gatewayPicture(scope);
    // From here to notePlannedGateway nothing is awaited: no other plan of this instance can
    // place in between, so a burst sees each gateway it decided to create (subscriptionFacts.ts).
    const listed = facts.gatewaysWithPlanned(gatewaySubscriptionId, picture.gateways);
    const { placement, target } = placeMachine(
      machine,
      gatewaySubscriptionId,
      listed,
      picture.machinesByLocation,
      placementPolicy,
    );
    if ("create" in placement)
      facts.notePlannedGateway(gatewaySubscriptionId, {
        id: placement.create.gatewayId,
        location: placement.create.location,
      });
    const withPlacement: OnboardingObservation = {
      ...observed,
      gatewayPlacement: placement,
      ...(target
        ? {
            targetGateway: {
              id: target.id,
              provisioningState: target.provisioningState,
              location: target.location,
            },
          }
        : {}),
    };
    planned = plan(withPlacement, policy);
  }
  return {
    plan: planned,
    ...(machine
      ? {
          machine: {
            name: machine.name,
            location: machine.location,
            status: machine.status,
            ...(machine.agentVersion !== undefined ? { agentVersion: machine.agentVersion } : {}),
            ...(machine.osType !== undefined ? { osType: machine.osType } : {}),
          },
        }
      : {}),
  };
}
