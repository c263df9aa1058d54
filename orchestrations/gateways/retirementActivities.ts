// The activities of a gateway's retirement (retireGateway.orchestrator.ts): read the gateway,
// mark it retiring (its tag), find the machines attached to it a page at a time, plan a move onto
// another gateway, and begin the DELETE. Each is safe to run twice: the mark keeps its first
// time, the scan and the plan only read, a second DELETE finds the gateway `Deleting` (or gone),
// and the DELETE goes out only while its retirement still runs (a cancel stops it).
import { z } from "zod";

import { beginDeleteGateway, findGateway, updateGatewayTags } from "../../shared/azure/gateways";
import { NotFoundError } from "../../shared/errors";
import { attachedMachinesPage } from "../../shared/gateways/attachedMachines";
import { movePlanSchema, planGatewayMove } from "../../shared/gateways/movePlan";
import { retiringSince, withRetiringTag } from "../../shared/gateways/retiringTag";
import { gatewayResourceId, parseGatewayId } from "../../shared/resourceId";
import {
  instanceIdField,
  isoTimeField,
  resourceIdField,
  shortTextField,
  textField,
} from "../../shared/validation/fields";
import { defineActivity } from "../activity";
import { findInstanceStatus } from "../durableStatus";
import { observeMachineLink } from "../machines/observeMachine";
import { operationHandleSchema } from "./gatewayActivities";

/** One GET of the gateway: whether it exists, its state and whether it is already retiring. */
export const readGatewayForRetirement = defineActivity({
  name: "readGatewayForRetirement_v1",
  needs: "azure",
  input: z.strictObject({ gatewayId: resourceIdField }),
  output: z.discriminatedUnion("exists", [
    z.strictObject({ exists: z.literal(false) }),
    z.strictObject({
      exists: z.literal(true),
      gatewayId: resourceIdField,
      location: textField,
      provisioningState: textField,
      retiringSince: textField.optional(),
    }),
  ]),
  async handler({ arm }, input) {
    const gateway = await findGateway(arm, gatewayResourceId(parseGatewayId(input.gatewayId)));
    if (!gateway) return { exists: false as const };
    const since = retiringSince(gateway.tags);
    return {
      exists: true as const,
      gatewayId: gateway.id,
      location: gateway.location,
      provisioningState: gateway.provisioningState,
      ...(since !== undefined ? { retiringSince: since } : {}),
    };
  },
});

/**
 * Tags the gateway `arc-autopilot-retiring: <markedAt>` (GET, merge, PATCH; no write when it is
 * already marked) and forgets this instance's gateway picture, so its next placement reads the tag.
 */
export const markGatewayRetiring = defineActivity({
  name: "markGatewayRetiring_v1",
  needs: "azure",
  input: z.strictObject({ gatewayId: resourceIdField, markedAt: isoTimeField }),
  output: z.strictObject({ retiringSince: textField, written: z.boolean() }),
  async handler({ arm, facts }, input) {
    const id = gatewayResourceId(parseGatewayId(input.gatewayId));
    const gateway = await findGateway(arm, id);
    if (!gateway) throw new NotFoundError(`Gateway ${id} does not exist`, "GatewayNotFound", 404);
    const since = retiringSince(gateway.tags);
    let written = false;
    if (since === undefined) {
      await updateGatewayTags(arm, id, withRetiringTag(gateway.tags, input.markedAt));
      written = true;
    }
    facts.forgetGateways(parseGatewayId(id).subscriptionId);
    return { retiringSince: since ?? input.markedAt, written };
  },
});

/** One page of the machines in ARC_SCOPES, and which of them are attached to the gateway. */
export const findAttachedMachines = defineActivity({
  name: "findAttachedMachines_v1",
  needs: "azure",
  input: z.strictObject({ gatewayId: resourceIdField, skipToken: z.string().min(1).max(8192).optional() }),
  output: z.strictObject({
    attached: z.array(resourceIdField).max(1000),
    scanned: z.number().int().nonnegative(),
    skipToken: z.string().min(1).max(8192).optional(),
  }),
  handler: ({ arm, settings }, input) =>
    attachedMachinesPage(arm, {
      gatewayId: input.gatewayId,
      scopes: settings.ARC_SCOPES,
      ...(input.skipToken !== undefined ? { skipToken: input.skipToken } : {}),
    }),
});

/** Observes one machine and plans its move onto another gateway (shared/gateways/movePlan.ts). */
export const planGatewayMoveActivity = defineActivity({
  name: "planGatewayMove_v1",
  needs: "azure",
  input: z.strictObject({
    machineId: resourceIdField,
    fromGatewayId: resourceIdField,
    toGatewayId: resourceIdField,
  }),
  output: movePlanSchema,
  async handler(deps, input) {
    const observed = await observeMachineLink(deps, { machineId: input.machineId });
    return planGatewayMove(observed, {
      fromGatewayId: input.fromGatewayId,
      toGatewayId: input.toGatewayId,
      autoSwitchVersion: deps.settings.ARC_AGENT_AUTO_SWITCH_VERSION,
    });
  },
});

/**
 * DELETEs the gateway; never waits. `done` when it was already gone (204/404) or deleted at once.
 * With `retirementId`, first reads that orchestration's status and sends nothing unless it is
 * Running (`stopped`): a retirement cancelled after it asked for the DELETE, but before a worker
 * ran it, must not delete (Durable Functions runs an activity already handed out even when its
 * orchestration is terminated meanwhile).
 */
export const beginGatewayDeletion = defineActivity({
  name: "beginGatewayDeletion_v1",
  needs: "azureAndDurableClient",
  input: z.strictObject({ gatewayId: resourceIdField, retirementId: instanceIdField.optional() }),
  output: z.strictObject({
    done: z.boolean(),
    result: shortTextField.optional(),
    operation: operationHandleSchema.optional(),
    stopped: shortTextField.optional(),
  }),
  async handler({ arm, client }, input) {
    if (input.retirementId !== undefined) {
      const status = await findInstanceStatus(client, input.retirementId);
      const runtimeStatus = status?.runtimeStatus ?? "Purged";
      if (runtimeStatus !== "Running") return { done: false, stopped: runtimeStatus };
    }
    const start = await beginDeleteGateway(arm, input.gatewayId);
    return start.done ? { done: true, result: start.result } : { done: false, operation: start.operation };
  },
});
