// Takes one machine off its Arc gateway (instance id `detachInstanceId(machineId)`): plan from
// what Azure shows (shared/gateways/detachPlan.ts), then, in the documented order, switch the
// agent to `connection.type direct` by Run Command and only once that succeeded clear the cloud
// link. A failure before the link is cleared leaves the machine attached and working through its
// gateway; the result says what was done and why it stopped. Used by the detach runbook and by
// gateway retirement, which must never strand a machine.
import type { OrchestrationContext, Task } from "durable-functions";
import { z } from "zod";

import { callActivity } from "./activityMap";
import { runAgentCommand } from "./agentRunCommand";
import type { DetachResult } from "./detachPlanSchema";
import { activityFailure, fail, guarded, isStepFailure, type StepFailure } from "./stepFailure";

const inputSchema = z.object({
  machineId: z.string().min(1).max(2048),
  /** What started this run (`runbook`, `retirement`), for logs and the output. */
  trigger: z.string().max(64).optional(),
});

export function* detachMachineOrchestrator(
  context: OrchestrationContext,
): Generator<Task, DetachResult, unknown> {
  const { machineId } = inputSchema.parse(context.df.getInput());
  const done: string[] = [];
  let linkLeftInPlace = false;
  const end = (result: Omit<DetachResult, "machineId" | "done">): DetachResult => {
    const full = { machineId, done, ...result };
    context.df.setCustomStatus({ step: full.outcome, done: done.length, message: full.reason });
    return full;
  };
  const failed = (failure: StepFailure) =>
    end({
      outcome: failure.outcome,
      code: failure.code,
      reason: linkLeftInPlace
        ? `${failure.reason}; the gateway link was left in place, so the machine keeps working through its gateway`
        : failure.reason,
    });

  context.df.setCustomStatus({ step: "plan", done: 0, message: "Observing the machine" });
  const planned = yield* guarded(context, callActivity(context, "planDetach", { machineId }));
  if (isStepFailure(planned)) return failed(planned);
  if (!planned.ok) return failed(activityFailure(planned.error));
  const plan = planned.value;
  if (plan.kind === "stop") {
    return end({
      outcome: plan.outcome,
      code: plan.code,
      reason: plan.reason,
      ...(plan.localAction ? { localAction: plan.localAction } : {}),
    });
  }

  const gatewayName = plan.gatewayId.split("/").pop() ?? plan.gatewayId;
  linkLeftInPlace = true;
  for (const step of plan.steps) {
    if (step.kind === "switchAgentToDirect") {
      context.df.setCustomStatus({
        step: step.kind,
        done: done.length,
        message: "Switching the agent to direct",
      });
      const failure = yield* guarded(context, runAgentCommand(context, step));
      if (failure) return failed(failure);
      done.push("Run Command: azcmagent config set connection.type direct");
    } else {
      context.df.setCustomStatus({
        step: step.kind,
        done: done.length,
        message: `Clearing the link to ${gatewayName}`,
      });
      const cleared = yield* guarded(
        context,
        callActivity(context, "clearGatewayLink", { machineId: step.machineId }),
      );
      if (isStepFailure(cleared)) return failed(cleared);
      if (!cleared.ok) return failed(activityFailure(cleared.error));
      if (cleared.value.gatewayResourceId !== undefined) {
        return failed(
          fail(
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
    reason: `Detached from gateway ${gatewayName}: the agent connects to Azure directly`,
  });
}
