// A stranded machine whose agent cannot be reached (its gateway was deleted, so it shows
// Disconnected) cannot be onboarded, but its cloud link can still be fixed: the drift sweep
// links it to a live gateway, chosen as placement would choose one (never deleted or retiring),
// so that once the owner runs the local command (`connection.type direct`) the agent reaches
// Azure, finds a gateway that exists, and agents 1.51 and later switch to it by themselves. Only
// an existing gateway is used: a machine nobody can reach is no reason to create one.
import { hasSucceeded } from "../../shared/azure/azureStates";
import type { ArcMachine } from "../../shared/azure/machines";
import { placeMachine, placementScopeFor } from "../../shared/onboarding/gatewayPlacement";
import { onboardingPolicyFrom } from "../../shared/onboarding/policy";
import type { AzureDeps } from "../activity";

/** The live gateway the machine would be placed on, or undefined when placement would create one. */
export async function liveGatewayFor(deps: AzureDeps, machine: ArcMachine): Promise<string | undefined> {
  const policy = onboardingPolicyFrom(deps.settings);
  const placementPolicy = policy.gateway;
  const scope = placementScopeFor(machine.subscriptionId, placementPolicy, policy.scopes);
  const { gatewaySubscriptionId } = scope;
  const picture = await deps.facts.gatewayPicture(scope);
  const { placement, target } = placeMachine(
    machine,
    gatewaySubscriptionId,
    picture.gateways,
    picture.machinesByLocation,
    placementPolicy,
  );
  if (!("use" in placement)) return undefined;
  return target && hasSucceeded(target.provisioningState) ? placement.use : undefined;
}
