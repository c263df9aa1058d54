// The detach activities: observe and plan (reads only), record the operator's choice on the
// machine (its tag), and clear the cloud link.
import { z } from "zod";

import { getMachine, updateMachineTags } from "../../shared/azure/machines";
import { detachMachineFromGateway } from "../../shared/azure/machineSettings";
import { UnexpectedArmError } from "../../shared/errors";
import { detachPlanSchema, planDetach as plan } from "../../shared/gateways/detachPlan";
import { isDirectByChoice, withDirectChoice } from "../../shared/onboarding/connectionChoice";
import { machineResourceId, parseMachineId } from "../../shared/resourceId";
import { resourceIdField, shortTextField } from "../../shared/validation/fields";
import { defineActivity } from "../activity";
import { observeMachineLink } from "../machines/observeMachine";

/** Observes one machine and plans taking it off its gateway (shared/gateways/detachPlan.ts). */
export const planDetach = defineActivity({
  name: "planDetach_v1",
  needs: "azure",
  input: z.strictObject({ machineId: resourceIdField }),
  output: detachPlanSchema,
  async handler(deps, input) {
    return plan(await observeMachineLink(deps, input), deps.settings.ARC_CONNECTION_TAG);
  },
});

/**
 * Tags the machine `<tagName>: direct` (GET, merge, PATCH of its tags; no write when it already
 * carries it), so onboarding and the drift sweep keep it off gateways until the tag is removed.
 */
export const recordDirectChoice = defineActivity({
  name: "recordDirectChoice_v1",
  needs: "azure",
  input: z.strictObject({ machineId: resourceIdField, tagName: shortTextField.max(512) }),
  output: z.strictObject({ written: z.boolean() }),
  async handler({ arm }, input) {
    const id = machineResourceId(parseMachineId(input.machineId));
    const machine = await getMachine(arm, id);
    if (isDirectByChoice(machine.tags, input.tagName)) return { written: false };
    const updated = await updateMachineTags(arm, id, withDirectChoice(machine.tags, input.tagName));
    if (!isDirectByChoice(updated.tags, input.tagName)) {
      throw new UnexpectedArmError(
        `The machine's tags lack ${input.tagName}: direct after the PATCH`,
        "DirectChoiceNotRecorded",
      );
    }
    return { written: true };
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
