// Onboarding: a machine behind its gateway and reachable over SSH (observe → plan → act), with
// the subscription's Microsoft.HybridConnectivity registered once for all its machines.
import type { Capability } from "../capability";
import { orchestratorNames } from "../orchestratorNames";
import {
  deleteSshServiceConfiguration,
  putDefaultEndpoint,
  putSshServiceConfiguration,
} from "./connectivityActivities";
import { planFleetBatch, readOnboardings, resolveFleet, startOnboardings } from "./fleetActivities";
import { onboardFleetOrchestrator } from "./onboardFleet.orchestrator";
import { onboardMachineOrchestrator } from "./onboardMachine.orchestrator";
import { planOnboarding } from "./planOnboarding";
import { readProviderState, registerProvider } from "./providerActivities";
import { joinProviderRegistration } from "./providerRegistration";
import { providerRegistrationOrchestrator } from "./providerRegistration.orchestrator";
import { publishOutcome } from "./publishOutcome";

export const onboarding: Capability = {
  name: "onboarding",
  orchestrators: [
    { name: orchestratorNames.onboardMachine, handler: onboardMachineOrchestrator },
    { name: orchestratorNames.providerRegistration, handler: providerRegistrationOrchestrator },
    { name: orchestratorNames.onboardFleet, handler: onboardFleetOrchestrator },
  ],
  activities: [
    planOnboarding,
    registerProvider,
    readProviderState,
    joinProviderRegistration,
    putDefaultEndpoint,
    putSshServiceConfiguration,
    deleteSshServiceConfiguration,
    publishOutcome,
    resolveFleet,
    planFleetBatch,
    startOnboardings,
    readOnboardings,
  ],
};
