// The coordination activities (joining and releasing the shared-prerequisite singletons), built
// over a durable client the way the ARM activities are built over an ARM context.
import { activity, type ActivityHandlerOf } from "./activityResult";
import type { CoordinationActivityKey } from "./onboardingActivities";
import {
  type CoordinationClient,
  joinGatewayCreation,
  joinProviderRegistration,
  readSharedOperation,
  releaseWaiters,
} from "./sharedOperations";

export type CoordinationActivities = { readonly [K in CoordinationActivityKey]: ActivityHandlerOf<K> };

export function createCoordinationActivities(client: CoordinationClient): CoordinationActivities {
  return {
    joinGatewayCreation: activity("joinGatewayCreation", (input) => joinGatewayCreation(client, input)),
    joinProviderRegistration: activity("joinProviderRegistration", (input) =>
      joinProviderRegistration(client, input),
    ),
    readSharedOperation: activity("readSharedOperation", (input) => readSharedOperation(client, input)),
    releaseWaiters: activity("releaseWaiters", (input) => releaseWaiters(client, input)),
  };
}
