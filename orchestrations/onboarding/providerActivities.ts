// Resource-provider registration: register POSTs only when the provider is neither Registered
// nor Registering (so a second call, or a retry, sends no second POST); the read is one GET. A
// 403 on register is a PermissionError naming `{namespace}/register/action` and the subscription.
import { z } from "zod";

import { registrationPhaseOf } from "../../shared/azure/azureStates";
import {
  getProviderRegistration,
  registerProvider as postRegister,
} from "../../shared/azure/resourceProviders";
import { textField } from "../../shared/validation/fields";
import { defineActivity } from "../activity";

export const providerInput = z.strictObject({
  subscriptionId: z.string().min(1).max(64),
  namespace: z.string().min(1).max(256),
});

/** POST register unless the provider is already Registered or Registering. */
export const registerProvider = defineActivity({
  name: "registerProvider_v1",
  needs: "azure",
  input: providerInput,
  output: z.strictObject({ state: textField, registered: z.boolean() }),
  async handler({ arm }, input) {
    const current = await getProviderRegistration(arm, input.subscriptionId, input.namespace);
    const phase = registrationPhaseOf(current);
    if (phase === "registered" || phase === "registering") return { state: current, registered: false };
    const state = await postRegister(arm, input.subscriptionId, input.namespace);
    return { state, registered: true };
  },
});

/** One GET of the provider's registration state. */
export const readProviderState = defineActivity({
  name: "readProviderState_v1",
  needs: "azure",
  input: providerInput,
  output: z.strictObject({ state: textField }),
  async handler({ arm }, input) {
    return { state: await getProviderRegistration(arm, input.subscriptionId, input.namespace) };
  },
});
