// One resource provider's registration in one subscription, once (docs/azure-facts.md §12).
// Instance id `providerInstanceId(subscriptionId, namespace)`. It POSTs register unless the
// provider is already Registered or Registering, then reads the state on a durable-timer
// schedule until Registered or the deadline. A 403 ends it at once with the permission error,
// which names `{namespace}/register/action` and the subscription. Every machine that joined is
// released with the outcome, as for gateways.
import type { OrchestrationContext, Task } from "durable-functions";

import { registrationPhaseOf } from "../../shared/azure/azureStates";
import { onboardAgain } from "../../shared/onboarding/onboardAgain";
import { nextLookAt, providerRegistrationSchedule } from "../../shared/onboarding/waitSchedules";
import { callActivity } from "../activity";
import { nowMs, SingletonWaiters } from "../orchestrationWaits";
import type { SharedOperationOutcome } from "../sharedOperation";
import { readProviderState, registerProvider } from "./providerActivities";
import { providerRegistrationEvent, providerRegistrationInputSchema } from "./providerRegistration";

export interface ProviderRegistrationOutput extends SharedOperationOutcome {
  readonly subscriptionId: string;
  readonly namespace: string;
  readonly waiters: number;
}

export function* providerRegistrationOrchestrator(
  context: OrchestrationContext,
): Generator<Task, ProviderRegistrationOutput, unknown> {
  const input = providerRegistrationInputSchema.parse(context.df.getInput());
  const { subscriptionId, namespace } = input;
  const waiters = new SingletonWaiters(context, input.waiters);
  const startMs = nowMs(context);
  const status = (message: string) =>
    context.df.setCustomStatus({ step: "registerProvider", message, waiters: waiters.size });

  status(`Registering ${namespace} in subscription ${subscriptionId}`);
  let outcome: SharedOperationOutcome | undefined;
  const registered = yield* callActivity(context, registerProvider, { subscriptionId, namespace });
  if (!registered.ok) {
    outcome = { succeeded: false, message: registered.error.message };
  } else if (registrationPhaseOf(registered.value.state) === "registered") {
    outcome = { succeeded: true, message: `${namespace} is registered in subscription ${subscriptionId}` };
  }
  let state = registered.ok ? registered.value.state : "";
  while (outcome === undefined) {
    const next = nextLookAt(startMs, nowMs(context), providerRegistrationSchedule);
    if (next === undefined) {
      outcome = {
        succeeded: false,
        message: `${namespace} was still ${state} in subscription ${subscriptionId} after ${providerRegistrationSchedule.deadlineMs / 60_000} minutes; check it with 'az provider show -n ${namespace}', then onboard the waiting machines again: for each, ${onboardAgain} starts its onboarding`,
      };
      break;
    }
    status(`Waiting for ${namespace} to be registered in subscription ${subscriptionId} (now ${state})`);
    yield* waiters.sleepUntil(next);
    const read = yield* callActivity(context, readProviderState, { subscriptionId, namespace });
    if (!read.ok) {
      outcome = { succeeded: false, message: read.error.message };
      break;
    }
    state = read.value.state;
    const phase = registrationPhaseOf(state);
    if (phase === "registered") {
      outcome = { succeeded: true, message: `${namespace} is registered in subscription ${subscriptionId}` };
    } else if (phase === "notRegistered" || phase === "unregistering") {
      outcome = {
        succeeded: false,
        message: `${namespace} went to ${state} in subscription ${subscriptionId} while it was being registered (someone unregistered it?)`,
      };
    }
  }

  status(`${outcome.succeeded ? "Registered" : "Failed"}: releasing ${waiters.size} waiting machine(s)`);
  const released = yield* waiters.releaseAll(providerRegistrationEvent, outcome);
  context.df.setCustomStatus({ step: outcome.succeeded ? "done" : "failed", message: outcome.message });
  return { ...outcome, subscriptionId, namespace, waiters: released };
}
