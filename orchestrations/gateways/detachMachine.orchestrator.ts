// Takes one machine off its Arc gateway (instance id `detachInstanceId(machineId)`): plan from
// what Azure shows (shared/gateways/detachPlan.ts), record the operator's choice on the machine
// (the tag `arc-autopilot-connection: direct`, so onboarding and the drift sweep keep it direct),
// then, in the documented order, switch the agent to `connection.type direct` by Run Command and
// only once that succeeded clear the cloud link. A failure before the link is cleared leaves the machine attached and working through its
// gateway; the result says what was done and why it stopped. Used by the detach runbook and by
// gateway retirement, which must never strand a machine.
import type { OrchestrationContext, Task } from "durable-functions";
import { z } from "zod";

import type { DetachResult } from "../../shared/gateways/detachPlan";
import { stopFields } from "../../shared/gateways/retirement";
import { sameResourceId } from "../../shared/resourceId";
import { resourceNameIn } from "../../shared/text";
import { runAgentCommand } from "../machines/agentRunCommand";
import { failure, step } from "../stepFailure";
import { clearGatewayLink, planDetach, recordDirectChoice } from "./detachActivities";
import { machineRunEnd } from "./machineRunEnd";

const inputSchema = z.object({
  machineId: z.string().min(1).max(2048),
  /** What started this run (`runbook`, `retirement`), for logs and the output. */
  trigger: z.string().max(64).optional(),
  /** Only from this gateway (a retirement's): a machine linked elsewhere meanwhile is left alone. */
  fromGatewayId: z.string().min(1).max(2048).optional(),
});

export function* detachMachineOrchestrator(
  context: OrchestrationContext,
): Generator<Task, DetachResult, unknown> {
  const { machineId, fromGatewayId } = inputSchema.parse(context.df.getInput());
  const done: string[] = [];
  let linkLeftInPlace = false;
  const { end, failed } = machineRunEnd<DetachResult["outcome"]>(context, machineId, done, (reason) =>
    linkLeftInPlace
      ? `${reason}; the gateway link was left in place, so the machine keeps working through its gateway`
      : reason,
  );

  context.df.setCustomStatus({ step: "plan", done: 0, message: "Observing the machine" });
  const planned = yield* step(context, planDetach, { machineId });
  if (!planned.ok) return failed(planned.failure);
  const plan = planned.value;
  if (plan.kind === "stop") return end(stopFields(plan));

  if (plan.gatewayId === undefined) {
    // Not attached: a retirement leaves it alone; the runbook records the choice only.
    if (fromGatewayId !== undefined) {
      return end({
        outcome: "not-attached",
        code: "NotAttached",
        reason: `The machine is no longer attached to ${resourceNameIn(fromGatewayId)}; left alone`,
      });
    }
    for (const next of plan.steps) {
      if (next.kind !== "recordDirectChoice") continue;
      const recorded = yield* step(context, recordDirectChoice, {
        machineId: next.machineId,
        tagName: next.tagName,
      });
      if (!recorded.ok) return failed(recorded.failure);
      done.push(`Tagged ${next.tagName}: direct`);
    }
    return end({
      outcome: "not-attached",
      code: "NotAttached",
      reason: `The machine is not attached to a gateway; ${choiceRecorded(done)}`,
    });
  }
  const gatewayName = resourceNameIn(plan.gatewayId);
  if (fromGatewayId !== undefined && !sameResourceId(plan.gatewayId, fromGatewayId)) {
    return end({
      outcome: "not-attached",
      code: "NotAttached",
      reason: `The machine is attached to ${gatewayName} now, not ${resourceNameIn(fromGatewayId)}; left alone`,
    });
  }
  linkLeftInPlace = true;
  for (const next of plan.steps) {
    if (next.kind === "recordDirectChoice") {
      context.df.setCustomStatus({
        step: next.kind,
        done: done.length,
        message: `Recording the choice on the machine: tag ${next.tagName}: direct`,
      });
      const recorded = yield* step(context, recordDirectChoice, {
        machineId: next.machineId,
        tagName: next.tagName,
      });
      if (!recorded.ok) return failed(recorded.failure);
      done.push(`Tagged ${next.tagName}: direct`);
    } else if (next.kind === "switchAgentToDirect") {
      context.df.setCustomStatus({
        step: next.kind,
        done: done.length,
        message: "Switching the agent to direct",
      });
      const switched = yield* runAgentCommand(context, next);
      if (switched) return failed(switched);
      done.push("Run Command: azcmagent config set connection.type direct");
    } else {
      context.df.setCustomStatus({
        step: next.kind,
        done: done.length,
        message: `Clearing the link to ${gatewayName}`,
      });
      const cleared = yield* step(context, clearGatewayLink, { machineId: next.machineId });
      if (!cleared.ok) return failed(cleared.failure);
      if (cleared.value.gatewayResourceId !== undefined) {
        return failed(
          failure(
            "DetachNotConfirmed",
            `The machine's settings still name gateway ${cleared.value.gatewayResourceId} after the write`,
          ),
        );
      }
      done.push(`Cleared the link to gateway ${gatewayName}`);
    }
  }
  return end({
    outcome: "detached",
    reason: `Detached from gateway ${gatewayName}: the agent connects to Azure directly; ${choiceRecorded(done)}`,
  });
}

/** How the result tells the choice is kept, and how to undo it. */
function choiceRecorded(done: readonly string[]): string {
  const tag = done.find((d) => d.startsWith("Tagged "))?.slice("Tagged ".length);
  return (
    `kept direct by its tag ${tag ?? "(already there)"} (remove the tag, then onboard it, ` +
    "to put it behind a gateway again)"
  );
}
