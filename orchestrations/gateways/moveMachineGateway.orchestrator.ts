// Moves one machine from the gateway being retired onto another (shared/gateways/movePlan.ts):
// plan from what Azure shows, link the machine to the new gateway, and for agents below the
// auto-switch version set `connection.type gateway` by Run Command so they take the new gateway
// up. The agent never leaves gateway mode, so a site that allows only gateway traffic stays
// connected; the old gateway still exists throughout (its retirement deletes it only after every
// machine has moved). Runs under the machine's detach key, so a detach and a move of one machine
// never overlap. The result says what was done and, when it stopped, why.
import type { OrchestrationContext, Task } from "durable-functions";
import { z } from "zod";

import { type RetiredMachine, stopFields } from "../../shared/gateways/retirement";
import { sameResourceId } from "../../shared/resourceId";
import { resourceNameIn } from "../../shared/text";
import { runAgentCommand } from "../machines/agentRunCommand";
import { failure, step } from "../stepFailure";
import { attachGateway } from "./gatewayActivities";
import { machineRunEnd } from "./machineRunEnd";
import { planGatewayMoveActivity } from "./retirementActivities";

const inputSchema = z.object({
  machineId: z.string().min(1).max(2048),
  fromGatewayId: z.string().min(1).max(2048),
  toGatewayId: z.string().min(1).max(2048),
});

export function* moveMachineGatewayOrchestrator(
  context: OrchestrationContext,
): Generator<Task, RetiredMachine, unknown> {
  const { machineId, fromGatewayId, toGatewayId } = inputSchema.parse(context.df.getInput());
  const done: string[] = [];
  const to = resourceNameIn(toGatewayId);
  const { end, failed } = machineRunEnd<RetiredMachine["outcome"]>(context, machineId, done, (reason) =>
    done.length > 0
      ? `${reason}; the machine is linked to ${to} and its agent may still use ${resourceNameIn(fromGatewayId)}`
      : `${reason}; its gateway link was left alone`,
  );

  context.df.setCustomStatus({ step: "plan", done: 0, message: "Observing the machine" });
  const planned = yield* step(context, planGatewayMoveActivity, { machineId, fromGatewayId, toGatewayId });
  if (!planned.ok) return failed(planned.failure);
  const plan = planned.value;
  if (plan.kind === "stop") return end(stopFields(plan));
  for (const next of plan.steps) {
    if (next.kind === "linkToGateway") {
      context.df.setCustomStatus({ step: next.kind, done: done.length, message: `Linking it to ${to}` });
      const linked = yield* step(context, attachGateway, {
        machineId: next.machineId,
        gatewayId: next.gatewayId,
      });
      if (!linked.ok) return failed(linked.failure);
      if (!sameResourceId(linked.value.gatewayResourceId, next.gatewayId)) {
        return failed(
          failure(
            "MoveNotConfirmed",
            `The machine's settings name ${linked.value.gatewayResourceId} after the write, not ${to}`,
          ),
        );
      }
      done.push(`Linked to gateway ${to}`);
    } else {
      context.df.setCustomStatus({
        step: next.kind,
        done: done.length,
        message: "Setting connection.type gateway on the agent",
      });
      const switched = yield* runAgentCommand(context, next);
      if (switched) return failed(switched);
      done.push("Run Command: azcmagent config set connection.type gateway");
    }
  }
  return end({ outcome: "moved", reason: `Moved from gateway ${resourceNameIn(fromGatewayId)} to ${to}` });
}
