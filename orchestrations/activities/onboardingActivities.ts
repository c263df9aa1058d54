// The onboarding activities, built over injected clients (`createOnboardingActivities(deps)`, so tests hand in their own):
// one handler per entry of the activity map, each validating its input, idempotent, answering
// plain JSON in the `{ ok, value | error }` envelope and throwing only retryable failures.
import type { ActivityKey } from "../activityMap";
import { activity, type ActivityHandlerOf } from "./activityResult";
import {
  deleteSshServiceConfiguration,
  putDefaultEndpoint,
  putSshServiceConfiguration,
} from "./connectivityActivities";
import type { OnboardingActivityDeps } from "./deps";
import { clearGatewayLink, planDetachActivity } from "./detachActivities";
import { beginCreateGateway, readGatewayOperation, readGatewayState } from "./gatewayActivities";
import { attachGateway, beginRunCommand, readRunCommand } from "./machineActivities";
import { observeMachine } from "./observeMachine";
import { planMachine } from "./planMachine";
import { readProviderState, registerProvider } from "./providerActivities";
import { publishOutcome } from "./publishOutcome";
import { SubscriptionFacts } from "./subscriptionFacts";

export type { OnboardingActivityDeps } from "./deps";

/** The activities that talk to the durable client instead of ARM (sharedOperations.ts). */
export const coordinationActivityKeys = [
  "joinGatewayCreation",
  "joinProviderRegistration",
  "readSharedOperation",
  "releaseWaiters",
] as const satisfies readonly ActivityKey[];

export type CoordinationActivityKey = (typeof coordinationActivityKeys)[number];
export type ArmActivityKey = Exclude<ActivityKey, CoordinationActivityKey>;

export type OnboardingActivities = { readonly [K in ArmActivityKey]: ActivityHandlerOf<K> };

export function createOnboardingActivities(deps: OnboardingActivityDeps): OnboardingActivities {
  // One per set of activities (one per Function App instance): what a subscription's machines share.
  const facts = new SubscriptionFacts(deps.arm);
  return {
    observeMachine: activity("observeMachine", (input) => observeMachine(deps, input, facts)),
    planOnboarding: activity("planOnboarding", (input) => planMachine(deps, facts, input)),
    readGatewayState: activity("readGatewayState", (input) => readGatewayState(deps, input)),
    publishOutcome: activity("publishOutcome", (input) => publishOutcome(deps, input)),
    beginCreateGateway: activity("beginCreateGateway", (input) => beginCreateGateway(deps, input)),
    readGatewayOperation: activity("readGatewayOperation", (input) => readGatewayOperation(deps, input)),
    attachGateway: activity("attachGateway", (input) => attachGateway(deps, input)),
    planDetach: activity("planDetach", (input) => planDetachActivity(deps, facts, input)),
    clearGatewayLink: activity("clearGatewayLink", (input) => clearGatewayLink(deps, input)),
    beginRunCommand: activity("beginRunCommand", (input) => beginRunCommand(deps, input)),
    readRunCommand: activity("readRunCommand", (input) => readRunCommand(deps, input)),
    registerProvider: activity("registerProvider", (input) => registerProvider(deps, input)),
    readProviderState: activity("readProviderState", (input) => readProviderState(deps, input)),
    putDefaultEndpoint: activity("putDefaultEndpoint", (input) => putDefaultEndpoint(deps, input)),
    putSshServiceConfiguration: activity("putSshServiceConfiguration", (input) =>
      putSshServiceConfiguration(deps, input),
    ),
    deleteSshServiceConfiguration: activity("deleteSshServiceConfiguration", (input) =>
      deleteSshServiceConfiguration(deps, input),
    ),
  };
}
