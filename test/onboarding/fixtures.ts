// Builders for planner inputs: a healthy, in-scope, new-agent Linux machine with nothing set up
// yet, and the default policy from the settings schema itself, so tests change one thing at a time.
import type { ArcMachine } from "../../shared/azure/machines";
import { readSettings } from "../../shared/config";
import type { OnboardingObservation } from "../../shared/onboarding/onboardingPlan";
import { type OnboardingPolicy, onboardingPolicyFrom } from "../../shared/onboarding/policy";
import { gatewayResourceId, machineResourceId } from "../../shared/resourceId";

export const subscriptionId = "00000000-0000-4000-8000-000000000001";
export const resourceGroup = "rg-servers";
export const machineId = machineResourceId({ subscriptionId, resourceGroup, machineName: "web-01" });
export const gatewayId = gatewayResourceId({
  subscriptionId,
  resourceGroup: "arc-gateways",
  gatewayName: "arc-gw-eastus",
});

export function policyWith(env: Record<string, string> = {}): OnboardingPolicy {
  return onboardingPolicyFrom(readSettings({ ARC_SCOPES: `/subscriptions/${subscriptionId}`, ...env }));
}

export const defaultPolicy = policyWith();

export function machine(
  overrides: Partial<ArcMachine> = {},
  configuration: Partial<ArcMachine["agentConfiguration"]> = {},
): ArcMachine {
  return {
    id: machineId,
    name: "web-01",
    subscriptionId,
    resourceGroup,
    location: "eastus",
    tags: {},
    status: "Connected",
    agentVersion: "1.55.02941.1840",
    osType: "linux",
    osName: "Ubuntu",
    osVersion: "20.04",
    osSku: "Ubuntu 20.04.6 LTS",
    ...overrides,
    agentConfiguration: {
      incomingConnectionsPorts: [],
      extensionsAllowList: [],
      extensionsBlockList: [],
      extensionsEnabled: true,
      guestConfigurationEnabled: true,
      configMode: "full",
      ...configuration,
    },
  };
}

/** A machine with nothing done yet, its region's gateway ready to use, the provider registered. */
export function observation(overrides: Partial<OnboardingObservation> = {}): OnboardingObservation {
  return {
    machineId,
    machine: machine(),
    gatewayPlacement: { use: gatewayId },
    targetGateway: { id: gatewayId, provisioningState: "Succeeded", location: "eastus" },
    providerState: "Registered",
    ...overrides,
  };
}

/** Everything in place: attached, endpoint and SSH configuration on port 22. */
export function onboarded(overrides: Partial<OnboardingObservation> = {}): OnboardingObservation {
  return observation({
    gatewayLink: gatewayId,
    defaultEndpoint: { provisioningState: "Succeeded" },
    sshServiceConfiguration: { serviceName: "SSH", port: 22, provisioningState: "Succeeded" },
    ...overrides,
  });
}
