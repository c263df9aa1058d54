// Retires one gateway without stranding a machine (instance id: the gateway's key, shared with
// its creation, gatewayRetirement.ts). ARM deletes a gateway that machines still use, and their
// agents then lose their way to Azure (docs/azure-facts.md §2, §4), so the guard is here:
//
// 1. Read the gateway (and the `moveTo` one: it must exist, be Succeeded and not be retiring).
// 2. Tag it retiring, so placement puts no new machine on it (shared/gateways/retiringTag.ts).
// 3. Find every machine in scope whose settings link it, a page at a time with a durable-timer
//    pause between pages (shared/gateways/attachedMachines.ts: inside ARM's read budget).
// 4. Move each off it, `moveConcurrency` at a time, as sub-orchestrations under the machine's
//    detach key: to direct with detachMachine_v1 (agent first, then the link) or onto `moveTo`
//    with moveMachineGateway_v1 (the link first, then the agent; shared/gateways/movePlan.ts).
//    The `moveTo` gateway is read again before each batch: once it is retiring, gone or not
//    Succeeded, no more machine is moved onto it (and so nothing is deleted).
//    A machine whose onboarding is running is waited for first (up to `onboardingWaitMs`): that
//    run may be between linking it and switching its agent, and must not interleave with a move.
// 5. Read every machine's link again. A machine attached meanwhile is moved in the next round
//    (at most `moveRounds`); a machine that was moved but still links it stops the retirement.
// 6. Only when a read finds zero machines: DELETE, and wait the deletion out on durable timers.
//
// If any machine could not be moved, no DELETE is sent: the result names each such machine, why,
// and the local command; the gateway keeps its retiring tag (an operator expects a gateway they
// asked to retire to take no new machines while they fix the rest; removing the tag puts it back
// in service). `dryRun` reads the same and plans each machine, and writes nothing at all. ARM has
// no lock: a machine linked between the last read and the DELETE (one request apart) is not caught.
// Waits: durable timers only (scan pacing, running onboardings, the deletion's monitor). Deadline:
// the deletion's `deletionDeadlineMs`; past it the result is `failed` with the gateway still Deleting.
// Cancelled (terminated) at any point before the DELETE went out, none goes out: the deletion
// activity checks that this run is still Running before it sends it. Moves already running finish
// (their sub-orchestrations are not terminated with it), so no machine is left half-moved.
import type { OrchestrationContext, Task } from "durable-functions";

import { hasSucceeded, isGoingAway, operationStateOf } from "../../shared/azure/azureStates";
import { attachmentPagePauseMs } from "../../shared/gateways/attachedMachines";
import type { DetachResult } from "../../shared/gateways/detachPlan";
import {
  blockedMessage,
  fromDetachPlan,
  fromMovePlan,
  type GatewayRetirementResult,
  isOffGateway,
  type RetiredMachine,
  wouldBeOffGateway,
} from "../../shared/gateways/retirement";
import { detachInstanceId, machineInstanceId } from "../../shared/onboarding/instanceIds";
import { resourceIdKey as key, sameResourceId } from "../../shared/resourceId";
import { resourceNameIn } from "../../shared/text";
import { readOnboardings } from "../onboarding/fleetActivities";
import { nowMs, sleepUntil } from "../orchestrationWaits";
import { orchestratorNames } from "../orchestratorNames";
import { reportProgress } from "../runbookProgress";
import { step, type StepFailure } from "../stepFailure";
import { planDetach } from "./detachActivities";
import { readGatewayOperation, readGatewayState } from "./gatewayActivities";
import { gatewayRetirementInputSchema } from "./gatewayRetirement";
import {
  beginGatewayDeletion,
  findAttachedMachines,
  markGatewayRetiring,
  planGatewayMoveActivity,
  readGatewayForRetirement,
} from "./retirementActivities";

/** Machines moved at once (each a sub-orchestration with a Run Command or a PUT). */
export const moveConcurrency = 10;
/** Rounds of "read, move what is attached"; a machine attached during the last one stops the DELETE. */
export const moveRounds = 3;
/** The deletion took about 60 s in a recorded session (docs/azure-facts.md §2). */
const deletionDeadlineMs = 30 * 60_000;
const deletionPollMs = 15_000;
/** How long a machine's running onboarding is waited for before the machine counts as not movable. */
export const onboardingWaitMs = 20 * 60_000;
const onboardingPollMs = 30_000;

/** The runbook's progress, as the operations status route shows it (the runbook progress shape). */
interface Progress {
  readonly step: (typeof stepOrder)[number];
  readonly message: string;
  readonly waitingFor?: string;
}
const stepOrder = ["read", "mark", "scan", "move", "confirm", "delete", "done"] as const;

function report(context: OrchestrationContext, progress: Progress): void {
  const done = progress.step === "done";
  reportProgress(context, {
    runbook: "retire-gateway",
    stepsDone: stepOrder.indexOf(progress.step),
    stepsTotal: stepOrder.length - 1,
    currentStep: done ? "Ended" : progress.message,
    ...(progress.waitingFor !== undefined ? { waitingFor: progress.waitingFor } : {}),
    ...(done ? { message: progress.message } : {}),
  });
}

export function* retireGatewayOrchestrator(
  context: OrchestrationContext,
): Generator<Task, GatewayRetirementResult, unknown> {
  const input = gatewayRetirementInputSchema.parse(context.df.getInput());
  const { gatewayId, dryRun, moveTo } = input;
  const name = resourceNameIn(gatewayId);
  const machines = new Map<string, RetiredMachine>();
  let scans = 0;
  let retiringSince: string | undefined;
  let tagged = false;
  const finish = (
    outcome: GatewayRetirementResult["outcome"],
    succeeded: boolean,
    message: string,
    deleted = false,
  ): GatewayRetirementResult => {
    const result: GatewayRetirementResult = {
      succeeded,
      message,
      gatewayId,
      outcome,
      dryRun,
      ...(moveTo !== undefined ? { moveTo } : {}),
      ...(retiringSince !== undefined ? { retiringSince } : {}),
      retiringTagKept: tagged && !deleted,
      deleted,
      scans,
      machines: [...machines.values()],
    };
    report(context, { step: "done", message });
    return result;
  };

  // 1. The gateway, and where its machines go.
  report(context, { step: "read", message: `Reading gateway ${name}` });
  const read = yield* step(context, readGatewayForRetirement, { gatewayId });
  if (!read.ok) return finish("failed", false, `Gateway ${name} could not be read: ${read.failure.reason}`);
  if (!read.value.exists) return finish("gone", true, `Gateway ${name} does not exist; nothing to retire`);
  if (
    operationStateOf(read.value.provisioningState) === "running" &&
    !isGoingAway(read.value.provisioningState)
  ) {
    return finish(
      "refused",
      false,
      `Gateway ${name} is ${read.value.provisioningState}; retire it once that operation has finished`,
    );
  }
  retiringSince = read.value.retiringSince;
  tagged = retiringSince !== undefined;
  if (moveTo !== undefined) {
    const refusal = yield* checkMoveTarget(context, gatewayId, moveTo);
    if (refusal) return finish("refused", false, refusal);
  }

  // 2. Mark it retiring: placement skips it from now on.
  if (!dryRun) {
    report(context, { step: "mark", message: `Tagging ${name} retiring so no new machine is placed on it` });
    const marked = yield* step(context, markGatewayRetiring, {
      gatewayId,
      markedAt: context.df.currentUtcDateTime.toISOString(),
    });
    if (!marked.ok)
      return finish(
        "failed",
        false,
        `Gateway ${name} could not be tagged retiring: ${marked.failure.reason}`,
      );
    retiringSince = marked.value.retiringSince;
    tagged = true;
  }

  // 3–5. Find, move, read again until a read finds none (or a round limit, or a machine that stays).
  // Why the `moveTo` gateway stopped taking machines, once it has (read again before each batch:
  // it may be retired, deleted or failed by someone else meanwhile).
  let targetRefusal: string | undefined;
  for (let round = 1; ; round++) {
    report(context, {
      step: round === 1 ? "scan" : "confirm",
      message:
        round === 1
          ? `Finding the machines attached to ${name}`
          : `Reading every machine's link again: none may still reference ${name}`,
    });
    const scan = yield* scanAttached(context, gatewayId);
    scans++;
    if ("failure" in scan) return finish("failed", false, `${scan.failure}; no DELETE was sent`);
    if (scan.attached.length === 0) break;
    if (dryRun) {
      for (const machineId of scan.attached)
        machines.set(key(machineId), yield* planOne(context, machineId, gatewayId, moveTo));
      break;
    }
    // A machine moved in an earlier round that still links the gateway: its move did not hold.
    const stayed = scan.attached.filter((id) => isOffGateway(machines.get(key(id)) ?? unseen(id)));
    for (const machineId of stayed) {
      machines.set(key(machineId), {
        machineId,
        outcome: "failed",
        code: "StillAttached",
        reason: `Its settings still name ${name} after it was taken off; it was attached again, or the write did not hold`,
        done: [...(machines.get(key(machineId))?.done ?? [])],
      });
    }
    const pending = scan.attached.filter((id) => !machines.has(key(id)));
    if (stayed.length > 0 || pending.length === 0 || round > moveRounds) {
      for (const machineId of pending) {
        machines.set(key(machineId), {
          machineId,
          outcome: "failed",
          code: "AttachedDuringRetirement",
          reason: `Attached to ${name} while it was being retired, after the last round of moves`,
          done: [],
        });
      }
      break;
    }
    for (let start = 0; start < pending.length; start += moveConcurrency) {
      const batch = pending.slice(start, start + moveConcurrency);
      report(context, {
        step: "move",
        message: `Moving machines off ${name}: ${machines.size + start} of ${machines.size + pending.length} handled`,
        waitingFor: `${batch.length} machine(s) ${moveTo ? `moving to ${resourceNameIn(moveTo)}` : "switching to direct"}`,
      });
      if (moveTo !== undefined && targetRefusal === undefined) {
        targetRefusal = yield* checkMoveTarget(context, gatewayId, moveTo);
      }
      if (targetRefusal !== undefined) {
        for (const machineId of batch) {
          machines.set(key(machineId), {
            machineId,
            outcome: "failed",
            code: "MoveTargetUnavailable",
            reason: `Not moved: ${targetRefusal}; it is still on ${name}`,
            done: [],
          });
        }
        continue;
      }
      const ready = yield* afterOnboardings(context, batch);
      for (const result of ready.busy) machines.set(key(result.machineId), result);
      const results = ready.free.length > 0 ? yield* moveBatch(context, ready.free, gatewayId, moveTo) : [];
      for (const result of results) machines.set(key(result.machineId), result);
    }
  }

  const stuck = [...machines.values()].filter((m) => !(dryRun ? wouldBeOffGateway(m) : isOffGateway(m)));
  if (dryRun) {
    const what = moveTo
      ? `move ${machines.size} machine(s) to ${resourceNameIn(moveTo)}`
      : `switch ${machines.size} machine(s) to direct`;
    return finish(
      "dry-run",
      true,
      stuck.length === 0
        ? `Dry run: would tag ${name} retiring, ${what}, confirm none is left and delete it`
        : `Dry run: would tag ${name} retiring and ${what}, but not delete it: ${stuck.length} machine(s) cannot be moved (see each)`,
    );
  }
  if (stuck.length > 0) return finish("blocked", false, blockedMessage(name, stuck));

  // 6. Zero machines reference it: delete, and wait the deletion out.
  report(context, { step: "delete", message: `No machine references ${name}: deleting it` });
  const begun = yield* step(context, beginGatewayDeletion, {
    gatewayId,
    retirementId: context.df.instanceId,
  });
  if (!begun.ok) return finish("failed", false, `Deleting gateway ${name} failed: ${begun.failure.reason}`);
  if (begun.value.stopped !== undefined) {
    // Only when this run was stopped (terminated, suspended) after asking for the DELETE.
    return finish("failed", false, `The retirement was ${begun.value.stopped}; no DELETE was sent`);
  }
  if (!begun.value.done && begun.value.operation) {
    const operation = begun.value.operation;
    const deadline = nowMs(context) + deletionDeadlineMs;
    for (;;) {
      if (nowMs(context) >= deadline) {
        return finish(
          "failed",
          false,
          `Gateway ${name} was still being deleted after ${deletionDeadlineMs / 60_000} minutes; every machine is off it. Check it in the portal`,
        );
      }
      const waitMs = (operation.retryAfterSeconds ?? deletionPollMs / 1000) * 1000;
      report(context, {
        step: "delete",
        message: `Deleting gateway ${name}`,
        waitingFor: "the deletion to finish",
      });
      yield* sleepUntil(context, Math.min(nowMs(context) + Math.max(waitMs, 5_000), deadline));
      const status = yield* step(context, readGatewayOperation, { operation });
      if (!status.ok)
        return finish("failed", false, `Following the deletion of ${name} failed: ${status.failure.reason}`);
      if (status.value.state === "running") continue;
      if (status.value.state !== "succeeded") {
        const why = status.value.error
          ? `${status.value.error.code}: ${status.value.error.message}`
          : status.value.rawStatus;
        return finish(
          "failed",
          false,
          `Deleting gateway ${name} ended ${status.value.state} (${why}); every machine is off it`,
        );
      }
      break;
    }
  }
  const after = yield* step(context, readGatewayState, { gatewayId });
  if (after.ok && after.value.exists && !isGoingAway(after.value.provisioningState)) {
    return finish(
      "failed",
      false,
      `Gateway ${name} is still there (${after.value.provisioningState ?? "?"}) after its deletion ended`,
    );
  }
  const moved = [...machines.values()].filter(
    (m) => m.outcome === "detached" || m.outcome === "moved",
  ).length;
  return finish(
    "retired",
    true,
    `Gateway ${name} retired: ${moved} machine(s) ${moveTo ? `moved to ${resourceNameIn(moveTo)}` : "switched to direct"}, none left on it, deleted`,
    true,
  );
}

function unseen(machineId: string): RetiredMachine {
  return { machineId, outcome: "failed", reason: "", done: [] };
}

/** The `moveTo` gateway must be another one, exist, be Succeeded and not be retiring; undefined when it can take machines. */
function* checkMoveTarget(
  context: OrchestrationContext,
  gatewayId: string,
  moveTo: string,
): Generator<Task, string | undefined, unknown> {
  const target = resourceNameIn(moveTo);
  if (sameResourceId(moveTo, gatewayId)) return `moveTo names the gateway being retired (${target})`;
  const read = yield* step(context, readGatewayForRetirement, { gatewayId: moveTo });
  if (!read.ok) return `moveTo gateway ${target} could not be read: ${read.failure.reason}`;
  if (!read.value.exists) return `moveTo gateway ${target} does not exist`;
  if (!hasSucceeded(read.value.provisioningState))
    return `moveTo gateway ${target} is ${read.value.provisioningState}, not Succeeded`;
  if (read.value.retiringSince !== undefined) return `moveTo gateway ${target} is itself being retired`;
  return undefined;
}

/** Every page of the scopes' machines, with a pause between pages; the machines attached to the gateway. */
function* scanAttached(
  context: OrchestrationContext,
  gatewayId: string,
): Generator<Task, { attached: string[] } | { failure: string }, unknown> {
  const attached: string[] = [];
  let skipToken: string | undefined;
  do {
    const page = yield* step(context, findAttachedMachines, {
      gatewayId,
      ...(skipToken !== undefined ? { skipToken } : {}),
    });
    if (!page.ok)
      return {
        failure: `Finding the machines attached to ${resourceNameIn(gatewayId)} failed: ${page.failure.reason}`,
      };
    attached.push(...page.value.attached);
    skipToken = page.value.skipToken;
    if (skipToken !== undefined) yield* sleepUntil(context, nowMs(context) + attachmentPagePauseMs);
  } while (skipToken !== undefined);
  return { attached: [...new Map(attached.map((id) => [key(id), id])).values()] };
}

/** Dry run: what would happen to one machine (reads only). */
function* planOne(
  context: OrchestrationContext,
  machineId: string,
  gatewayId: string,
  moveTo: string | undefined,
): Generator<Task, RetiredMachine, unknown> {
  if (moveTo !== undefined) {
    const planned = yield* step(context, planGatewayMoveActivity, {
      machineId,
      fromGatewayId: gatewayId,
      toGatewayId: moveTo,
    });
    return planned.ok
      ? fromMovePlan(machineId, planned.value, resourceNameIn(moveTo))
      : notPlanned(machineId, planned.failure);
  }
  const planned = yield* step(context, planDetach, { machineId });
  return planned.ok ? fromDetachPlan(machineId, planned.value) : notPlanned(machineId, planned.failure);
}

function notPlanned(machineId: string, failure: StepFailure): RetiredMachine {
  return { machineId, outcome: "failed", code: failure.code, reason: failure.reason, done: [] };
}

/**
 * Waits (durable timers, up to `onboardingWaitMs`) until none of the machines has its onboarding
 * running (readOnboardings_v1, the onboard runbook's read); those still running then are not moved.
 */
function* afterOnboardings(
  context: OrchestrationContext,
  machineIds: readonly string[],
): Generator<Task, { free: string[]; busy: RetiredMachine[] }, unknown> {
  const deadline = nowMs(context) + onboardingWaitMs;
  for (;;) {
    const found = yield* step(context, readOnboardings, { instanceIds: machineIds.map(machineInstanceId) });
    if (!found.ok) {
      return {
        free: [],
        busy: machineIds.map((machineId) => ({
          machineId,
          outcome: "failed" as const,
          code: found.failure.code,
          reason: `Whether its onboarding is running could not be read: ${found.failure.reason}`,
          done: [],
        })),
      };
    }
    const running = new Set(machineIds.filter((_, i) => found.value.instances[i]?.ended === false).map(key));
    const free = machineIds.filter((id) => !running.has(key(id)));
    if (running.size === 0 || nowMs(context) >= deadline) {
      const busy = machineIds
        .filter((id) => running.has(key(id)))
        .map((machineId) => ({
          machineId,
          outcome: "failed" as const,
          code: "OnboardingRunning",
          reason: `Its onboarding was still running after ${onboardingWaitMs / 60_000} minutes; retire the gateway again once it has ended`,
          done: [],
        }));
      return { free, busy };
    }
    report(context, {
      step: "move",
      message: `Waiting for ${running.size} machine(s) being onboarded before taking them off`,
      waitingFor: `the onboarding of ${running.size} machine(s) to end`,
    });
    yield* sleepUntil(context, Math.min(nowMs(context) + onboardingPollMs, deadline));
  }
}

/** One batch of machines moved at once, each a sub-orchestration under its detach key. */
function* moveBatch(
  context: OrchestrationContext,
  machineIds: readonly string[],
  gatewayId: string,
  moveTo: string | undefined,
): Generator<Task, RetiredMachine[], unknown> {
  const tasks = machineIds.map((machineId) =>
    moveTo === undefined
      ? context.df.callSubOrchestrator(
          orchestratorNames.detachMachine,
          { machineId, trigger: "retirement", fromGatewayId: gatewayId },
          detachInstanceId(machineId),
        )
      : context.df.callSubOrchestrator(
          orchestratorNames.moveMachineGateway,
          { machineId, fromGatewayId: gatewayId, toGatewayId: moveTo },
          detachInstanceId(machineId),
        ),
  );
  try {
    const outputs = (yield context.df.Task.all(tasks)) as unknown[];
    // A detach's result is a retired machine as it is (the compiler checks DetachResult fits).
    return outputs.map(
      (output, i) => (output as DetachResult | RetiredMachine | undefined) ?? unseen(machineIds[i]!),
    );
  } catch (error) {
    // A child that could not start (its machine's detach key is busy) or crashed: the others may
    // still be running, so none of this batch counts as moved, and nothing is deleted.
    const why = error instanceof Error ? error.message : String(error);
    return machineIds.map((machineId, i) => {
      const task = tasks[i]!;
      if (task.isCompleted && !task.isFaulted && task.result)
        return task.result as DetachResult | RetiredMachine;
      return {
        machineId,
        outcome: "failed" as const,
        code: "MoveNotRun",
        reason: `Its ${moveTo === undefined ? "detach" : "move"} did not run to an end: ${why.slice(0, 500)} (another detach of this machine may be running)`,
        done: [],
      };
    });
  }
}
