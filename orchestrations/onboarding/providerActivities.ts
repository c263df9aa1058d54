// Resource-provider registration: register POSTs only when the provider is neither Registered
// nor Registering (so a second call, or a retry, sends no second POST); the read is one GET. A
// 403 on register is a PermissionError naming `{namespace}/register/action` and the subscription.
import {
  getProviderRegistration,
  registerProvider as postRegister,
} from "../../shared/azure/resourceProviders";
import type { ActivityInput, ActivityOutput } from "../activityMap";
import type { OnboardingActivityDeps } from "./deps";

const underway = new Set(["registered", "registering"]);

export async function registerProvider(
  deps: OnboardingActivityDeps,
  input: ActivityInput<"registerProvider">,
): Promise<ActivityOutput<"registerProvider">> {
  const current = await getProviderRegistration(deps.arm, input.subscriptionId, input.namespace);
  if (underway.has(current.toLowerCase())) return { state: current, registered: false };
  const state = await postRegister(deps.arm, input.subscriptionId, input.namespace);
  return { state, registered: true };
}

export async function readProviderState(
  deps: OnboardingActivityDeps,
  input: ActivityInput<"readProviderState">,
): Promise<ActivityOutput<"readProviderState">> {
  return { state: await getProviderRegistration(deps.arm, input.subscriptionId, input.namespace) };
}
