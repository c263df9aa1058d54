// One gateway's creation, once, for every machine that needs it: begun by an activity, waited on
// with durable timers, one singleton per gateway (docs/azure-facts.md §2), under the gateway's key
// (gatewayCreation.ts). It PUTs the gateway (or finds it
// being created), then looks at the operation on a durable-timer schedule — first at +4 min,
// every 30 s to +15 min, then every 5 min — up to the deadline. A creation that fails is PUT
// again once. However it ends, every machine that joined (in the input, or by a `Waiter` event
// meanwhile) is released with the outcome; machines that join during a short grace period after
// the end are released too, so none is left waiting for an event that already went out.
import type { OrchestrationContext, Task } from "durable-functions";

import { onboardAgain } from "../../shared/onboarding/onboardAgain";
import { gatewayCreationSchedule, nextLookAt } from "../../shared/onboarding/waitSchedules";
import { resourceNameIn } from "../../shared/text";
import { callActivity } from "../activity";
import { nowMs, SingletonWaiters } from "../orchestrationWaits";
import type { SharedOperationOutcome } from "../sharedOperation";
import { beginCreateGateway, readGatewayOperation } from "./gatewayActivities";
import { gatewayCreationEvent, gatewayCreationInputSchema } from "./gatewayCreation";

const attempts = 2;

/** What a person does to retry the machines that waited. */
const retryWaiters = `onboard the waiting machines again: for each, ${onboardAgain} starts its onboarding`;

export interface GatewayCreationOutput extends SharedOperationOutcome {
  readonly gatewayId: string;
  readonly attempts: number;
  readonly waiters: number;
}

export function* gatewayCreationOrchestrator(
  context: OrchestrationContext,
): Generator<Task, GatewayCreationOutput, unknown> {
  const input = gatewayCreationInputSchema.parse(context.df.getInput());
  const waiters = new SingletonWaiters(context, input.waiters);
  const startMs = nowMs(context);
  const name = resourceNameIn(input.gatewayId);
  const schedule = gatewayCreationSchedule(input.deadlineMinutes);
  const status = (message: string, attempt: number) =>
    context.df.setCustomStatus({ step: "createGateway", attempt, message, waiters: waiters.size });

  let outcome: SharedOperationOutcome | undefined;
  let attempt = 0;
  let lastFailure = "";
  while (outcome === undefined && attempt < attempts) {
    attempt++;
    status(`Creating gateway ${name} (attempt ${attempt} of ${attempts})`, attempt);
    const begun = yield* callActivity(context, beginCreateGateway, {
      gatewayId: input.gatewayId,
      location: input.location,
    });
    if (!begun.ok) {
      // Permission, quota, validation: a second PUT would be refused the same way.
      outcome = { succeeded: false, message: `Gateway ${name} could not be created: ${begun.error.message}` };
      break;
    }
    if (begun.value.done) {
      outcome = { succeeded: true, message: `Gateway ${name} is ready` };
      break;
    }
    const operation = begun.value.operation;
    if (!operation) {
      lastFailure = `the PUT answered ${begun.value.provisioningState} without an operation to follow`;
      continue;
    }
    const attemptStartMs = nowMs(context);
    for (;;) {
      // The schedule restarts with each PUT; the deadline counts from the first.
      const next = nextLookAt(attemptStartMs, nowMs(context), schedule);
      const deadline = startMs + schedule.deadlineMs;
      if (next === undefined || nowMs(context) >= deadline) {
        outcome = {
          succeeded: false,
          message:
            `Gateway ${name} was not ready within ${input.deadlineMinutes} minutes (still ${begun.value.provisioningState}). ` +
            `Check its provisioning state in the portal; once it has Succeeded, ${retryWaiters}`,
        };
        break;
      }
      status(`Waiting for gateway ${name} (attempt ${attempt} of ${attempts})`, attempt);
      yield* waiters.sleepUntil(Math.min(next, deadline));
      const read = yield* callActivity(context, readGatewayOperation, { operation });
      if (!read.ok) {
        outcome = { succeeded: false, message: `Gateway ${name}: ${read.error.message}` };
        break;
      }
      if (read.value.state === "succeeded") {
        outcome = { succeeded: true, message: `Gateway ${name} is ready` };
        break;
      }
      if (read.value.state !== "running") {
        lastFailure = read.value.error
          ? `${read.value.error.code}: ${read.value.error.message}`
          : `it ended ${read.value.rawStatus}`;
        break; // the next attempt PUTs it again in place
      }
    }
  }
  outcome ??= {
    succeeded: false,
    message: `Gateway ${name} failed to create ${attempts} times (${lastFailure}). Check the subscription's gateway quota and the activity log, then ${retryWaiters}`,
  };

  // Release everyone, then anyone who joins during the grace period.
  status(`${outcome.succeeded ? "Ready" : "Failed"}: releasing ${waiters.size} waiting machine(s)`, attempt);
  const released = yield* waiters.releaseAll(gatewayCreationEvent, outcome);
  context.df.setCustomStatus({
    step: outcome.succeeded ? "done" : "failed",
    attempt,
    message: outcome.message,
  });
  return { ...outcome, gatewayId: input.gatewayId, attempts: attempt, waiters: released };
}
