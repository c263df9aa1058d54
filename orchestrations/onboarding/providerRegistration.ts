// A resource provider's registration in one subscription as a shared operation: one singleton
// (providerRegistration.orchestrator.ts) per subscription and namespace, under
// `providerInstanceId(subscriptionId, namespace)`.
import { z } from "zod";

import { providerInstanceId } from "../../shared/onboarding/instanceIds";
import { defineActivity } from "../activity";
import { orchestratorNames } from "../orchestratorNames";
import {
  joinerFields,
  joinSharedOperation,
  type SharedOperation,
  sharedOperationJoinSchema,
} from "../sharedOperation";

/** The singleton's input. */
export const providerRegistrationInputSchema = z.object({
  subscriptionId: z.string().min(1),
  namespace: z.string().min(1),
  waiters: z.array(z.string()).default([]),
});

/** To a waiting machine: the provider's registration ended (`SharedOperationOutcome`). */
export const providerRegistrationEvent = "ProviderRegistration";

export type ProviderRegistrationRequest = Omit<z.input<typeof providerRegistrationInputSchema>, "waiters">;

export function providerRegistration(
  request: ProviderRegistrationRequest,
): SharedOperation<ProviderRegistrationRequest> {
  return {
    instanceId: providerInstanceId(request.subscriptionId, request.namespace),
    orchestrator: orchestratorNames.providerRegistration,
    eventName: providerRegistrationEvent,
    input: { subscriptionId: request.subscriptionId, namespace: request.namespace },
  };
}

/** Joins the subscription's singleton provider registration; released by a `ProviderRegistration` event. */
export const joinProviderRegistration = defineActivity({
  name: "joinProviderRegistration_v1",
  needs: "durableClient",
  input: z.strictObject({
    subscriptionId: z.string().min(1).max(64),
    namespace: z.string().min(1).max(256),
    ...joinerFields,
  }),
  output: sharedOperationJoinSchema,
  handler: ({ client }, { waiter, observedAt, ...request }) =>
    joinSharedOperation(client, providerRegistration(request), { waiter, observedAt }),
});
