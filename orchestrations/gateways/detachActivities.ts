// The detach activities: observe and plan (reads only), and clear the cloud link.
import { detachMachineFromGateway } from "../../shared/azure/machineSettings";
import { planDetach } from "../../shared/gateways/detachPlan";
import { machineResourceId, parseMachineId } from "../../shared/resourceId";
import type { ActivityInput, ActivityOutput } from "../activityMap";
import type { OnboardingActivityDeps } from "./deps";
import { observeMachine } from "./observeMachine";
import type { SubscriptionFacts } from "./subscriptionFacts";

export async function planDetachActivity(
  deps: OnboardingActivityDeps,
  facts: SubscriptionFacts,
  input: ActivityInput<"planDetach">,
): Promise<ActivityOutput<"planDetach">> {
  const observed = await observeMachine(deps, input, facts);
  return planDetach({
    machineId: observed.machineId,
    ...(observed.machine ? { machine: observed.machine } : {}),
    ...(observed.gatewayLink ? { gatewayLink: observed.gatewayLink } : {}),
  });
}

export async function clearGatewayLink(
  deps: OnboardingActivityDeps,
  input: ActivityInput<"clearGatewayLink">,
): Promise<ActivityOutput<"clearGatewayLink">> {
  const settings = await detachMachineFromGateway(
    deps.arm,
    machineResourceId(parseMachineId(input.machineId)),
  );
  return settings.gatewayResourceId ? { gatewayResourceId: settings.gatewayResourceId } : {};
}
