// The detach activities: observe and plan (reads only), and clear the cloud link.
import { z } from "zod";

import { detachMachineFromGateway } from "../../shared/azure/machineSettings";
import { detachPlanSchema, planDetach as plan } from "../../shared/gateways/detachPlan";
import { machineResourceId, parseMachineId } from "../../shared/resourceId";
import { resourceIdField } from "../../shared/validation/fields";
import { defineActivity } from "../activity";
import { observeMachineLink } from "../machines/observeMachine";

/** Observes one machine and plans taking it off its gateway (shared/gateways/detachPlan.ts). */
export const planDetach = defineActivity({
  name: "planDetach_v1",
  needs: "azure",
  input: z.strictObject({ machineId: resourceIdField }),
  output: detachPlanSchema,
  async handler(deps, input) {
    return plan(await observeMachineLink(deps, input));
  },
});

/** Clears the machine's gateway link (`gatewayResourceId: null`); answers the link as ARM then reports it. */
export const clearGatewayLink = defineActivity({
  name: "clearGatewayLink_v1",
  needs: "azure",
  input: z.strictObject({ machineId: resourceIdField }),
  output: z.strictObject({ gatewayResourceId: resourceIdField.optional() }),
  async handler({ arm }, input) {
    const settings = await detachMachineFromGateway(arm, machineResourceId(parseMachineId(input.machineId)));
    return settings.gatewayResourceId ? { gatewayResourceId: settings.gatewayResourceId } : {};
  },
});
