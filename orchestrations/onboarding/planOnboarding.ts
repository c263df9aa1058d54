// planOnboarding: observe one machine, place its gateway when it has none, and plan — the
// planner is pure (shared/onboarding/plan.ts); this activity only gathers what it reads, so the
// orchestrator receives a finished plan and never reads configuration itself (a setting changed
// between replays would make it non-deterministic).
// Placement is read only when the plan needs it: a machine that stops earlier (out of scope,
// opted out, disconnected, old agent) costs no gateway list and no Resource Graph query.
import {
  type GatewayPlacementPolicy,
  gatewaySubscriptionFor,
  tryPlaceGateway,
  withEstimatedAttachments,
} from "../../shared/onboarding/gatewayPlacement";
import { type OnboardingObservation, planOnboarding } from "../../shared/onboarding/plan";
import { onboardingPolicyFrom } from "../../shared/onboarding/policy";
import { isInScope } from "../../shared/onboarding/scope";
import { machineResourceId, parseMachineId, parseResourceId, sameResourceId } from "../../shared/resourceId";
import type { ActivityInput, ActivityOutput } from "../activityMap";
import type { OnboardingActivityDeps } from "./deps";
import { observeMachine } from "./observeMachine";
import type { SubscriptionFacts } from "./subscriptionFacts";

export async function planMachine(
  deps: OnboardingActivityDeps,
  facts: SubscriptionFacts,
  input: ActivityInput<"planOnboarding">,
): Promise<ActivityOutput<"planOnboarding">> {
  const policy = onboardingPolicyFrom(deps.settings);
  const machineId = machineResourceId(parseMachineId(input.machineId));
  // Out of scope: nothing is read at all, the planner says why from the id alone.
  if (!isInScope(machineId, policy.scopes)) {
    return { plan: planOnboarding({ machineId }, policy) };
  }
  const observed = await observeMachine(deps, { machineId }, facts);
  let plan = planOnboarding(observed, policy);
  const machine = observed.machine;
  if (machine && plan.kind === "stop" && plan.code === "GatewayNotPlaced") {
    const placementPolicy: GatewayPlacementPolicy = policy.gateway;
    const gatewaySubscriptionId = gatewaySubscriptionFor(machine.subscriptionId, placementPolicy);
    // With a hub, its gateways (and its 5-gateway quota) serve every subscription in scope, so
    // their load is counted across all of them; without one, the machine's subscription alone.
    const picture = await facts.gatewayPicture({
      gatewaySubscriptionId,
      machineSubscriptionIds:
        placementPolicy.hubSubscriptionId === undefined
          ? [machine.subscriptionId]
          : [machine.subscriptionId, ...scopeSubscriptions(policy.scopes)],
    });
    // From here to notePlannedGateway nothing is awaited: no other plan of this instance can
    // place in between, so a burst sees each gateway it decided to create (subscriptionFacts.ts).
    const listed = facts.gatewaysWithPlanned(gatewaySubscriptionId, picture.gateways);
    const existing = withEstimatedAttachments(
      gatewaySubscriptionId,
      listed,
      picture.machinesByLocation,
      placementPolicy,
      { location: machine.location },
    );
    const placement = tryPlaceGateway(
      { subscriptionId: machine.subscriptionId, location: machine.location },
      existing,
      placementPolicy,
    );
    if ("create" in placement)
      facts.notePlannedGateway(gatewaySubscriptionId, {
        id: placement.create.gatewayId,
        location: placement.create.location,
      });
    const targetId =
      "use" in placement ? placement.use : "create" in placement ? placement.create.gatewayId : "";
    const target = targetId ? existing.find((g) => sameResourceId(g.id, targetId)) : undefined;
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
    plan = planOnboarding(withPlacement, policy);
  }
  return {
    plan,
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

/** The subscriptions of the scopes (`/subscriptions/{s}[/resourceGroups/{rg}]`), each once. */
function scopeSubscriptions(scopes: readonly string[]): string[] {
  const found = new Set<string>();
  for (const scope of scopes) {
    try {
      found.add(parseResourceId(scope).subscriptionId.toLowerCase());
    } catch {
      // a scope that is not a resource id holds no machines
    }
  }
  return [...found];
}
