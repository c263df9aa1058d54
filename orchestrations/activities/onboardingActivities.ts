// The onboarding activities, built over injected clients (STYLE: `createActivities(deps)`):
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
import { beginCreateGateway, readGatewayOperation } from "./gatewayActivities";
import { attachGateway, beginRunCommand, readRunCommand } from "./machineActivities";
import { observeMachine } from "./observeMachine";
import { readProviderState, registerProvider } from "./providerActivities";

export type { OnboardingActivityDeps } from "./deps";

export type OnboardingActivities = { readonly [K in ActivityKey]: ActivityHandlerOf<K> };

export function createOnboardingActivities(deps: OnboardingActivityDeps): OnboardingActivities {
  return {
    observeMachine: activity("observeMachine", (input) => observeMachine(deps, input)),
    beginCreateGateway: activity("beginCreateGateway", (input) => beginCreateGateway(deps, input)),
    readGatewayOperation: activity("readGatewayOperation", (input) => readGatewayOperation(deps, input)),
    attachGateway: activity("attachGateway", (input) => attachGateway(deps, input)),
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
