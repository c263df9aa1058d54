// Onboards one machine: observe → plan → act. Instance id `machineInstanceId(machineId)`, so a
// duplicate event finds this instance instead of starting another. The plan comes from an
// activity (which reads Azure and the settings: configuration read in an orchestrator would
// change on replay after a deployment); this orchestrator only sequences the steps, waits with
// durable timers and external events, and checks each write's answer.
//
// Reading it top to bottom:
// 1. Plan, looking again every 5 minutes at a machine that is not Connected, up to the wait the
//    plan names.
// 2. Run the steps in order. Every activity call answers one shape (stepFailure.ts): its value,
//    or the StepFailure that ends the run. A write whose answer does not confirm it fails with
//    its own code: AttachNotConfirmed, EndpointFailed, SshConfigurationNotConfirmed; a Run
//    Command that did not succeed, RunCommandFailed or RunCommandTimedOut.
// 3. The gateway and the provider are shared operations: the machine joins the singleton that
//    does the work and waits for its release (`awaitShared`), checking on the singleton every 5
//    minutes, with a deadline timer as backstop and then one look at Azure when no word came
//    (GatewayNotReady, ProviderNotRegistered); a failed release is GatewayCreationFailed or
//    ProviderRegistrationFailed.
// 4. Finish: publish the outcome (when a topic is configured) and return it.
// Custom status at every step: `step`, `done`, `total`, `message`, `waitingFor`.
import type { OrchestrationContext, Task } from "durable-functions";
import { z } from "zod";

import { hasFailed, hasSucceeded, isRegistered } from "../../shared/azure/azureStates";
import { onboardingStatus } from "../../shared/onboarding/describePlan";
import {
  type OnboardingResult,
  outcomeEventType,
  resultFromStop,
} from "../../shared/onboarding/onboardingResult";
import { describeStep, type OnboardingStep } from "../../shared/onboarding/steps";
import {
  connectionSchedule,
  nextLookAt,
  providerRegistrationSchedule,
} from "../../shared/onboarding/waitSchedules";
import { resourceNameIn } from "../../shared/text";
import type { ActivityOutput } from "../activity";
import type { EventInbox } from "../eventInbox";
import { attachGateway, readGatewayState } from "../gateways/gatewayActivities";
import { gatewayCreation, joinGatewayCreation } from "../gateways/gatewayCreation";
import { runAgentCommand } from "../machines/agentRunCommand";
import { nowMs, releaseInbox, sleepUntil } from "../orchestrationWaits";
import {
  readSharedOperation,
  type SharedOperation,
  type SharedOperationJoin,
  type SharedOperationOutcome,
} from "../sharedOperation";
import { failure, step, type StepFailure, type StepResult } from "../stepFailure";
import {
  deleteSshServiceConfiguration,
  putDefaultEndpoint,
  putSshServiceConfiguration,
} from "./connectivityActivities";
import { planOnboarding } from "./planOnboarding";
import { readProviderState } from "./providerActivities";
import { joinProviderRegistration, providerRegistration } from "./providerRegistration";
import { publishOutcome } from "./publishOutcome";

const inputSchema = z.object({
  machineId: z.string().min(1).max(2048),
  /** What started this run (`event`, `runbook`, `drift`), for logs and the output. */
  trigger: z.string().max(64).optional(),
  /**
   * The drift sweep's repair of a machine linked to a gateway tagged retiring with no retirement
   * running (checked as this run was started): that gateway, so the plan links the machine to a
   * live one instead of leaving it for a retirement that is not coming.
   */
  retirementNotRunning: z.string().min(1).max(2048).optional(),
});

type Planned = ActivityOutput<typeof planOnboarding>;

export function* onboardMachineOrchestrator(
  context: OrchestrationContext,
): Generator<Task, OnboardingResult, unknown> {
  const { machineId, retirementNotRunning } = inputSchema.parse(context.df.getInput());

  // 1. plan
  const planned = yield* planOnceConnected(context, machineId, retirementNotRunning);
  if (!planned.ok) return yield* finish(context, failed(machineId, planned.failure, [], []));
  const { plan, machine } = planned.value;
  if (plan.kind === "stop") return yield* finish(context, resultFromStop(plan, machine));

  // 2. act
  const run = new Run(context, planned.value.observedAt);
  const done: string[] = [];
  for (const [index, next] of plan.steps.entries()) {
    context.df.setCustomStatus(onboardingStatus(plan, index));
    const stopped = yield* runStep(run, next);
    if (stopped)
      return yield* finish(context, {
        ...failed(machineId, stopped, done, plan.warnings),
        ...machineOf(machine),
      });
    done.push(describeStep(next));
  }
  context.df.setCustomStatus(onboardingStatus(plan, plan.steps.length));

  // 4. finish
  if (plan.followUp) {
    return yield* finish(context, {
      machineId: plan.machineId,
      outcome: "needs-local-action",
      code: plan.followUp.code,
      reason: plan.followUp.reason,
      done,
      warnings: plan.warnings,
      localAction: plan.followUp.localAction,
      ...machineOf(machine),
    });
  }
  return yield* finish(context, {
    machineId: plan.machineId,
    outcome: done.length === 0 ? "already-onboarded" : "onboarded",
    reason:
      plan.directByChoice !== undefined
        ? `${done.length === 0 ? "Nothing to do: reachable over SSH" : "Reachable over SSH"}, with no gateway. ${plan.directByChoice}`
        : done.length === 0
          ? "Nothing to do: the machine is attached to a gateway and reachable over SSH"
          : "Attached to its gateway and reachable over SSH",
    done,
    warnings: plan.warnings,
    ...machineOf(machine),
  });
}

/** The plan, and when Azure was looked at for it; a machine that is not Connected is looked at again on its schedule. */
function* planOnceConnected(
  context: OrchestrationContext,
  machineId: string,
  retirementNotRunning: string | undefined,
): Generator<Task, StepResult<Planned & { readonly observedAt: string }>, unknown> {
  const startMs = nowMs(context);
  for (;;) {
    context.df.setCustomStatus({ step: "plan", done: 0, total: 0, message: "Observing the machine" });
    const observedAt = context.df.currentUtcDateTime.toISOString();
    const planned = yield* step(context, planOnboarding, {
      machineId,
      ...(retirementNotRunning !== undefined ? { retirementsNotRunning: [retirementNotRunning] } : {}),
    });
    if (!planned.ok) return planned;
    const { plan } = planned.value;
    const next =
      plan.kind === "stop" && plan.waitFor
        ? nextLookAt(startMs, nowMs(context), connectionSchedule(plan.waitFor.maxMinutes))
        : undefined;
    if (next === undefined) return { ok: true, value: { ...planned.value, observedAt } };
    context.df.setCustomStatus(onboardingStatus(plan, 0));
    yield* sleepUntil(context, next);
  }
}

// ---------- 2. the steps ----------

/** Undefined once the step is done; otherwise why the run stops. */
function* runStep(run: Run, next: OnboardingStep): Generator<Task, StepFailure | undefined, unknown> {
  const { context } = run;
  switch (next.kind) {
    case "createGateway": {
      const joined = yield* run.join(gatewayWait(run, next));
      return joined.ok ? undefined : joined.failure;
    }
    case "registerProvider": {
      const joined = yield* run.join(providerWait(run, next));
      return joined.ok ? undefined : joined.failure;
    }
    case "waitForGateway":
      return yield* awaitShared(run, gatewayWait(run, next));
    case "waitForProvider":
      return yield* awaitShared(run, providerWait(run, next));
    case "attachGateway": {
      const attached = yield* step(context, attachGateway, {
        machineId: next.machineId,
        gatewayId: next.gatewayId,
      });
      if (!attached.ok) return attached.failure;
      const linked = attached.value.gatewayResourceId;
      return linked.toLowerCase() === next.gatewayId.toLowerCase()
        ? undefined
        : failure(
            "AttachNotConfirmed",
            `The machine's settings name gateway ${linked} after the write, not ${next.gatewayId}`,
          );
    }
    case "switchAgentToGateway":
    case "openSshPort":
      return yield* runAgentCommand(context, next);
    case "createDefaultEndpoint": {
      const endpoint = yield* step(context, putDefaultEndpoint, { machineId: next.machineId });
      if (!endpoint.ok) return endpoint.failure;
      const state = endpoint.value.provisioningState;
      return hasFailed(state)
        ? failure("EndpointFailed", `The default endpoint's provisioning ${state ?? ""}`)
        : undefined;
    }
    case "createSshServiceConfiguration":
    case "repairSshServiceConfiguration":
      // A repair PUTs over the old configuration, as `az ssh arc` changes a port: no moment without SSH.
      return yield* putSsh(run, next.machineId, next.port, true);
  }
}

/**
 * PUT the SSH configuration and check the answer. A configuration whose answer still disagrees —
 * another port, or a provisioning state of Failed/Canceled left by an earlier write, which a PUT
 * over it does not clear — is deleted and created once; that is the only delete.
 */
function* putSsh(
  run: Run,
  machineId: string,
  port: number,
  mayRepair: boolean,
): Generator<Task, StepFailure | undefined, unknown> {
  const put = yield* step(run.context, putSshServiceConfiguration, { machineId, port });
  if (!put.ok) return put.failure;
  if (put.value.port === port && !hasFailed(put.value.provisioningState)) return undefined;
  if (mayRepair) {
    const deleted = yield* step(run.context, deleteSshServiceConfiguration, { machineId });
    if (!deleted.ok) return deleted.failure;
    return yield* putSsh(run, machineId, port, false);
  }
  return failure(
    "SshConfigurationNotConfirmed",
    `The SSH service configuration answered port ${put.value.port ?? "none"} (${put.value.provisioningState ?? "no state"}), not ${port}`,
  );
}

// ---------- 3. shared operations: join, wait for the release, look at Azure when none came ----------

/** A waiting machine gives its singleton this much longer than the singleton's own deadline. */
const backstopSlackMs = 15 * 60_000;
/** How often a waiting machine checks that its singleton is still there to release it. */
const singletonCheckEveryMs = 5 * 60_000;

/** One shared operation as a machine waits for it. */
interface SharedWait {
  readonly operation: SharedOperation;
  /** The join activity, with this operation's input. */
  join(joiner: {
    readonly waiter: string;
    readonly observedAt: string;
  }): Generator<Task, StepResult<SharedOperationJoin>, unknown>;
  /** How long the machine waits for a release before it looks at Azure itself. */
  readonly backstopMs: number;
  /** The code when the singleton releases it with a failure. */
  readonly failedCode: string;
  /** No word came (`why`, or the backstop when undefined): one look at Azure decides. */
  lookAtAzure(why: string | undefined): Generator<Task, StepFailure | undefined, unknown>;
}

function gatewayWait(
  run: Run,
  next: Extract<OnboardingStep, { kind: "createGateway" | "waitForGateway" }>,
): SharedWait {
  const { gatewayId, location, deadlineMinutes } = next;
  return {
    operation: gatewayCreation({ gatewayId, location, deadlineMinutes }),
    join: (joiner) =>
      step(run.context, joinGatewayCreation, { gatewayId, location, deadlineMinutes, ...joiner }),
    backstopMs: deadlineMinutes * 60_000 + backstopSlackMs,
    failedCode: "GatewayCreationFailed",
    *lookAtAzure(why) {
      const read = yield* step(run.context, readGatewayState, { gatewayId });
      if (read.ok && hasSucceeded(read.value.provisioningState)) return undefined;
      const seen = read.ok
        ? read.value.exists
          ? read.value.provisioningState
          : "it does not exist"
        : read.failure.reason;
      return failure(
        "GatewayNotReady",
        `Gateway ${resourceNameIn(gatewayId)} was not ready ${why ?? `after waiting ${deadlineMinutes} minutes`} (${seen})`,
      );
    },
  };
}

function providerWait(
  run: Run,
  next: Extract<OnboardingStep, { kind: "registerProvider" | "waitForProvider" }>,
): SharedWait {
  const { subscriptionId, namespace } = next;
  return {
    operation: providerRegistration({ subscriptionId, namespace }),
    join: (joiner) => step(run.context, joinProviderRegistration, { subscriptionId, namespace, ...joiner }),
    backstopMs: providerRegistrationSchedule.deadlineMs + backstopSlackMs,
    failedCode: "ProviderRegistrationFailed",
    *lookAtAzure(why) {
      const read = yield* step(run.context, readProviderState, { subscriptionId, namespace });
      if (read.ok && isRegistered(read.value.state)) return undefined;
      return failure(
        "ProviderNotRegistered",
        `${namespace} was not registered in subscription ${subscriptionId} ${why ?? "in time"} (${read.ok ? read.value.state : read.failure.reason})`,
      );
    },
  };
}

/** Undefined once the shared operation succeeded; otherwise why the machine cannot go on. */
function* awaitShared(run: Run, wait: SharedWait): Generator<Task, StepFailure | undefined, unknown> {
  const joined = yield* run.join(wait);
  if (!joined.ok) return joined.failure;
  const heard =
    joined.value.state === "ended"
      ? { outcome: joined.value.outcome }
      : yield* listenForRelease(run, wait, joined.value.instanceId);
  if ("failure" in heard) return heard.failure;
  if ("silence" in heard) return yield* wait.lookAtAzure(heard.silence);
  return heard.outcome.succeeded ? undefined : failure(wait.failedCode, heard.outcome.message);
}

type Heard =
  | { readonly outcome: SharedOperationOutcome }
  | { readonly failure: StepFailure }
  /** No word will come: the backstop passed (undefined), or the singleton ended without one. */
  | { readonly silence: string | undefined };

/**
 * Waits for the singleton's release. Every few minutes the machine also reads the singleton's
 * status, because an event raised to an orchestration in the very episode it completes is never
 * read: a machine that joined at that moment learns the outcome at its next check, not its
 * deadline. Every wait goes through the run's inbox for the event (eventInbox.ts).
 */
function* listenForRelease(run: Run, wait: SharedWait, instanceId: string): Generator<Task, Heard, unknown> {
  const inbox = run.inbox(wait.operation.eventName);
  const backstopAt = nowMs(run.context) + wait.backstopMs;
  for (;;) {
    const checkAt = Math.min(backstopAt, nowMs(run.context) + singletonCheckEveryMs);
    const [released] = (yield* inbox.until(checkAt)).events;
    if (released) return { outcome: released };
    if (nowMs(run.context) >= backstopAt) return { silence: undefined };
    if (nowMs(run.context) < checkAt) continue;
    const read = yield* step(run.context, readSharedOperation, { instanceId });
    if (!read.ok) return { failure: read.failure };
    if (read.value.state === "ended") {
      // Its release may be in the inbox already, raised just before it ended.
      const [late] = inbox.take();
      if (late) return { outcome: late };
      return read.value.outcome
        ? { outcome: read.value.outcome }
        : { silence: `after its orchestration ended ${read.value.runtimeStatus}` };
    }
  }
}

/** What the steps of one run share: the singletons joined, and one inbox per release event. */
class Run {
  private readonly joins = new Map<string, SharedOperationJoin>();
  private readonly inboxes = new Map<string, EventInbox<SharedOperationOutcome>>();

  constructor(
    readonly context: OrchestrationContext,
    /** When Azure was looked at for the plan: a singleton that ended before is stale. */
    private readonly observedAt: string,
  ) {}

  /** Joins the operation once per run; a wait after its begin step reuses that join. */
  *join(wait: SharedWait): Generator<Task, StepResult<SharedOperationJoin>, unknown> {
    const earlier = this.joins.get(wait.operation.instanceId);
    if (earlier) return { ok: true, value: earlier };
    const joined = yield* wait.join({ waiter: this.context.df.instanceId, observedAt: this.observedAt });
    if (joined.ok) this.joins.set(wait.operation.instanceId, joined.value);
    return joined;
  }

  /** One inbox per release event for the whole run, so a late release is never handed to a lost wait. */
  inbox(eventName: string): EventInbox<SharedOperationOutcome> {
    let inbox = this.inboxes.get(eventName);
    if (!inbox) {
      inbox = releaseInbox(this.context, eventName);
      this.inboxes.set(eventName, inbox);
    }
    return inbox;
  }
}

// ---------- 4. the end ----------

/** Ends the run: publishes the outcome (when a topic is configured) and returns it. */
function* finish(
  context: OrchestrationContext,
  result: OnboardingResult,
): Generator<Task, OnboardingResult, unknown> {
  const eventType = outcomeEventType(result.outcome);
  if (eventType) {
    const runId = `${context.df.instanceId}@${context.df.currentUtcDateTime.toISOString()}`;
    const published = yield* step(context, publishOutcome, { eventType, runId, result });
    if (!published.ok) context.warn(`Publishing the outcome failed: ${published.failure.reason}`);
  }
  context.df.setCustomStatus({
    step: result.outcome,
    done: result.done.length,
    total: result.done.length,
    message: result.reason,
  });
  return result;
}

function failed(
  machineId: string,
  why: StepFailure,
  done: readonly string[],
  warnings: readonly string[],
): OnboardingResult {
  return { machineId, outcome: why.outcome, code: why.code, reason: why.reason, done, warnings };
}

function machineOf(machine: Planned["machine"]): Pick<OnboardingResult, "machine"> {
  return machine ? { machine } : {};
}
