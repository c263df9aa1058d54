// Onboards one machine: observe → plan → act. Instance id `machineInstanceId(machineId)`,
// so a duplicate event finds this instance instead of starting another. The plan comes from an
// activity (which reads Azure and the settings: configuration read in an orchestrator would change
// on replay after a deployment); this orchestrator only sequences
// the steps, waits with durable timers and external events, and checks each write's answer.
//
// Waits: a machine that is not Connected is looked at again every 5 minutes up to the configured
// wait; a gateway or a provider registration is joined (its singleton does the work and the
// polling) and awaited as an event, with a status check on the singleton every 5 minutes and a
// deadline timer as backstop, then one re-read of Azure when no word came; a Run Command is read on its schedule. Custom status at every step: `step`,
// `done`, `total`, `message`, `waitingFor`.
import type { OrchestrationContext, Task } from "durable-functions";
import { z } from "zod";

import { onboardingStatus } from "../shared/onboarding/describePlan";
import {
  type OnboardingResult,
  outcomeEventType,
  resultFromStop,
} from "../shared/onboarding/onboardingResult";
import { describeStep } from "../shared/onboarding/steps";
import {
  connectionSchedule,
  nextLookAt,
  providerRegistrationSchedule,
} from "../shared/onboarding/waitSchedules";
import { type ActivityOutput, callActivity, type SharedOperationOutcome } from "./activityMap";
import { runAgentCommand } from "./agentRunCommand";
import type { EventInbox } from "./eventInbox";
import { nowMs, releaseInbox, sleepUntil } from "./orchestrationWaits";
import { eventNames } from "./orchestratorNames";
import { activityFailure, fail, guarded, type StepFailure } from "./stepFailure";

const inputSchema = z.object({
  machineId: z.string().min(1).max(2048),
  /** What started this run (`event`, `runbook`, `drift`), for logs and the output. */
  trigger: z.string().max(64).optional(),
});

type Plan = ActivityOutput<"planOnboarding">["plan"];
type Steps = Extract<Plan, { kind: "steps" }>;
type Step = Steps["steps"][number];
type Joined = ActivityOutput<"joinGatewayCreation">;

/** A waiting machine gives its singleton this much longer than the singleton's own deadline. */
const backstopSlackMs = 15 * 60_000;

export function* onboardMachineOrchestrator(
  context: OrchestrationContext,
): Generator<Task, OnboardingResult, unknown> {
  const { machineId } = inputSchema.parse(context.df.getInput());
  const startMs = nowMs(context);

  // ---- observe and plan, waiting out a machine that is not Connected ----
  let planned: ActivityOutput<"planOnboarding">;
  let observedAt: string;
  for (;;) {
    context.df.setCustomStatus({ step: "plan", done: 0, total: 0, message: "Observing the machine" });
    observedAt = context.df.currentUtcDateTime.toISOString();
    const result = yield* guarded(context, callActivity(context, "planOnboarding", { machineId }));
    if ("code" in result) return yield* finish(context, failed(machineId, result, [], []));
    if (!result.ok) {
      return yield* finish(context, failed(machineId, activityFailure(result.error), [], []));
    }
    planned = result.value;
    const plan = planned.plan;
    if (plan.kind === "stop" && plan.waitFor) {
      const next = nextLookAt(startMs, nowMs(context), connectionSchedule(plan.waitFor.maxMinutes));
      if (next !== undefined) {
        context.df.setCustomStatus(onboardingStatus(plan, 0));
        yield* sleepUntil(context, next);
        continue;
      }
    }
    break;
  }
  const { plan, machine } = planned;
  if (plan.kind === "stop") return yield* finish(context, resultFromStop(plan, machine));

  // ---- act ----
  const run = new RunState(context, plan, observedAt);
  const done: string[] = [];
  for (const [index, step] of plan.steps.entries()) {
    context.df.setCustomStatus(onboardingStatus(plan, index));
    const failure = yield* guarded(context, runStep(run, step));
    if (failure) {
      return yield* finish(context, {
        ...failed(machineId, failure, done, plan.warnings),
        ...machineOf(machine),
      });
    }
    done.push(describeStep(step));
  }
  context.df.setCustomStatus(onboardingStatus(plan, plan.steps.length));
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
      done.length === 0
        ? "Nothing to do: the machine is attached to a gateway and reachable over SSH"
        : "Attached to its gateway and reachable over SSH",
    done,
    warnings: plan.warnings,
    ...machineOf(machine),
  });
}

/** What the steps of one run share: the orchestration, the plan, and the singletons joined. */
class RunState {
  readonly joins = new Map<string, Joined>();
  private readonly releases = new Map<string, EventInbox<SharedOperationOutcome>>();
  constructor(
    readonly context: OrchestrationContext,
    readonly plan: Steps,
    readonly observedAt: string,
  ) {}

  get waiter(): string {
    return this.context.df.instanceId;
  }

  /** One inbox per release event for the whole run, so a late release is never handed to a lost wait. */
  releaseInbox(
    eventName: (typeof eventNames)["gatewayCreation" | "providerRegistration"],
  ): EventInbox<SharedOperationOutcome> {
    let inbox = this.releases.get(eventName);
    if (!inbox) {
      inbox = releaseInbox(this.context, eventName);
      this.releases.set(eventName, inbox);
    }
    return inbox;
  }

  gatewayDeadlineMinutes(gatewayId: string): number {
    const wait = this.plan.steps.find(
      (s): s is Extract<Step, { kind: "waitForGateway" }> =>
        s.kind === "waitForGateway" && s.gatewayId.toLowerCase() === gatewayId.toLowerCase(),
    );
    return wait?.deadlineMinutes ?? 120;
  }
}

function* runStep(run: RunState, step: Step): Generator<Task, StepFailure | undefined, unknown> {
  const { context } = run;
  switch (step.kind) {
    case "createGateway":
    case "registerProvider": {
      const joined = yield* join(run, step);
      return "code" in joined ? joined : undefined;
    }
    case "waitForGateway": {
      const released = yield* awaitRelease(
        run,
        step,
        eventNames.gatewayCreation,
        step.deadlineMinutes * 60_000 + backstopSlackMs,
      );
      if (!isLookAtAzure(released)) {
        return released === undefined || "code" in released
          ? released
          : fail("GatewayCreationFailed", released.message);
      }
      // No word from the singleton: one look at Azure decides.
      const read = yield* callActivity(context, "readGatewayState", { gatewayId: step.gatewayId });
      if (read.ok && read.value.provisioningState?.toLowerCase() === "succeeded") return undefined;
      return fail(
        "GatewayNotReady",
        `Gateway ${lastSegment(step.gatewayId)} was not ready ${released.lookAtAzure ?? `after waiting ${step.deadlineMinutes} minutes`}` +
          (read.ok
            ? ` (${read.value.exists ? read.value.provisioningState : "it does not exist"})`
            : ` (${read.error.message})`),
      );
    }
    case "waitForProvider": {
      const released = yield* awaitRelease(
        run,
        step,
        eventNames.providerRegistration,
        providerRegistrationSchedule.deadlineMs + backstopSlackMs,
      );
      if (!isLookAtAzure(released)) {
        return released === undefined || "code" in released
          ? released
          : fail("ProviderRegistrationFailed", released.message);
      }
      const read = yield* callActivity(context, "readProviderState", {
        subscriptionId: step.subscriptionId,
        namespace: step.namespace,
      });
      if (read.ok && read.value.state.toLowerCase() === "registered") return undefined;
      return fail(
        "ProviderNotRegistered",
        `${step.namespace} was not registered in subscription ${step.subscriptionId} ${released.lookAtAzure ?? "in time"}` +
          (read.ok ? ` (${read.value.state})` : ` (${read.error.message})`),
      );
    }
    case "attachGateway": {
      const attached = yield* callActivity(context, "attachGateway", {
        machineId: step.machineId,
        gatewayId: step.gatewayId,
      });
      if (!attached.ok) return activityFailure(attached.error);
      if (attached.value.gatewayResourceId.toLowerCase() !== step.gatewayId.toLowerCase()) {
        return fail(
          "AttachNotConfirmed",
          `The machine's settings name gateway ${attached.value.gatewayResourceId} after the write, not ${step.gatewayId}`,
        );
      }
      return undefined;
    }
    case "switchAgentToGateway":
    case "openSshPort":
      return yield* runAgentCommand(context, step);
    case "createDefaultEndpoint": {
      const endpoint = yield* callActivity(context, "putDefaultEndpoint", { machineId: step.machineId });
      if (!endpoint.ok) return activityFailure(endpoint.error);
      return isFailedState(endpoint.value.provisioningState)
        ? fail(
            "EndpointFailed",
            `The default endpoint's provisioning ${endpoint.value.provisioningState ?? ""}`,
          )
        : undefined;
    }
    case "createSshServiceConfiguration":
      return yield* putSsh(run, step.machineId, step.port, true);
    case "repairSshServiceConfiguration":
      // PUT over the old configuration, as `az ssh arc` changes a port: no moment without SSH.
      return yield* putSsh(run, step.machineId, step.port, true);
  }
}

/**
 * PUT the SSH configuration and check the answer. A configuration whose answer still disagrees —
 * another port, or a provisioning state of Failed/Canceled left by an earlier write, which a PUT
 * over it does not clear — is deleted and created once; that is the only delete.
 */
function* putSsh(
  run: RunState,
  machineId: string,
  port: number,
  mayRepair: boolean,
): Generator<Task, StepFailure | undefined, unknown> {
  const put = yield* callActivity(run.context, "putSshServiceConfiguration", { machineId, port });
  if (!put.ok) return activityFailure(put.error);
  if (put.value.port === port && !isFailedState(put.value.provisioningState)) return undefined;
  if (mayRepair) {
    const deleted = yield* callActivity(run.context, "deleteSshServiceConfiguration", { machineId });
    if (!deleted.ok) return activityFailure(deleted.error);
    return yield* putSsh(run, machineId, port, false);
  }
  return fail(
    "SshConfigurationNotConfirmed",
    `The SSH service configuration answered port ${put.value.port ?? "none"} (${put.value.provisioningState ?? "no state"}), not ${port}`,
  );
}

/** No word came from the singleton: the caller looks at Azure once; `lookAtAzure` says why, when not the deadline. */
interface LookAtAzure {
  readonly lookAtAzure: string | undefined;
}

function isLookAtAzure(value: unknown): value is LookAtAzure {
  return typeof value === "object" && value !== null && "lookAtAzure" in value;
}

/** How often a waiting machine checks that its singleton is still there to release it. */
const singletonCheckEveryMs = 5 * 60_000;

/**
 * Waits for a shared operation joined earlier in the run (or joins it now): undefined when it
 * succeeded, its failed outcome, a StepFailure when joining failed, or LookAtAzure when no word
 * will come — the machine's own deadline passed, or the singleton ended without releasing it.
 *
 * The release is an event; every few minutes the machine also reads the singleton's status,
 * because an event raised to an orchestration in the very episode it completes is never read:
 * a machine that joined at that moment learns the outcome at its next check, not its deadline.
 */
function* awaitRelease(
  run: RunState,
  step: Extract<Step, { kind: "waitForGateway" | "waitForProvider" }>,
  eventName: (typeof eventNames)["gatewayCreation" | "providerRegistration"],
  backstopMs: number,
): Generator<Task, SharedOperationOutcome | StepFailure | LookAtAzure | undefined, unknown> {
  const joined = run.joins.get(joinKey(step)) ?? (yield* join(run, step));
  if ("code" in joined) return joined;
  if (joined.state === "ended") return settled(joined.outcome);
  const inbox = run.releaseInbox(eventName);
  const backstopAt = nowMs(run.context) + backstopMs;
  for (;;) {
    const checkAt = Math.min(backstopAt, nowMs(run.context) + singletonCheckEveryMs);
    const [released] = (yield* inbox.until(checkAt)).events;
    if (released) return settled(released);
    if (nowMs(run.context) >= backstopAt) return { lookAtAzure: undefined };
    if (nowMs(run.context) < checkAt) continue;
    const read = yield* callActivity(run.context, "readSharedOperation", { instanceId: joined.instanceId });
    if (!read.ok) return activityFailure(read.error);
    if (read.value.state === "ended") {
      // Its release may be in the inbox already, raised just before it ended.
      const [late] = inbox.take();
      if (late) return settled(late);
      return read.value.outcome
        ? settled(read.value.outcome)
        : { lookAtAzure: `after its orchestration ended ${read.value.runtimeStatus}` };
    }
  }
}

function settled(outcome: SharedOperationOutcome): SharedOperationOutcome | undefined {
  return outcome.succeeded ? undefined : outcome;
}

function* join(
  run: RunState,
  step: Extract<Step, { kind: "createGateway" | "waitForGateway" | "registerProvider" | "waitForProvider" }>,
): Generator<Task, Joined | StepFailure, unknown> {
  const common = { waiter: run.waiter, observedAt: run.observedAt };
  const joined =
    step.kind === "createGateway" || step.kind === "waitForGateway"
      ? yield* callActivity(run.context, "joinGatewayCreation", {
          gatewayId: step.gatewayId,
          location: step.location,
          deadlineMinutes: run.gatewayDeadlineMinutes(step.gatewayId),
          ...common,
        })
      : yield* callActivity(run.context, "joinProviderRegistration", {
          subscriptionId: step.subscriptionId,
          namespace: step.namespace,
          ...common,
        });
  if (!joined.ok) return activityFailure(joined.error);
  run.joins.set(joinKey(step), joined.value);
  return joined.value;
}

function joinKey(
  step: Extract<Step, { kind: "createGateway" | "waitForGateway" | "registerProvider" | "waitForProvider" }>,
): string {
  return "gatewayId" in step
    ? `gateway:${step.gatewayId.toLowerCase()}`
    : `provider:${step.subscriptionId.toLowerCase()}/${step.namespace.toLowerCase()}`;
}

/** Ends the run: publishes the outcome (when a topic is configured) and returns it. */
function* finish(
  context: OrchestrationContext,
  result: OnboardingResult,
): Generator<Task, OnboardingResult, unknown> {
  const eventType = outcomeEventType(result.outcome);
  if (eventType) {
    const runId = `${context.df.instanceId}@${context.df.currentUtcDateTime.toISOString()}`;
    const published = yield* guarded(
      context,
      callActivity(context, "publishOutcome", { eventType, runId, result }),
    );
    if ("code" in published) context.warn(`Publishing the outcome failed: ${published.reason}`);
    else if (!published.ok) context.warn(`Publishing the outcome failed: ${published.error.message}`);
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
  failure: StepFailure,
  done: readonly string[],
  warnings: readonly string[],
): OnboardingResult {
  return { machineId, outcome: failure.outcome, code: failure.code, reason: failure.reason, done, warnings };
}

function machineOf(machine: ActivityOutput<"planOnboarding">["machine"]): Pick<OnboardingResult, "machine"> {
  return machine ? { machine } : {};
}

function isFailedState(state: string | undefined): boolean {
  const lower = (state ?? "").toLowerCase();
  return lower === "failed" || lower === "canceled";
}

function lastSegment(id: string): string {
  return id.split("/").pop() ?? id;
}
