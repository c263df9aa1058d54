// A gateway's creation as a shared operation: one singleton per gateway (gatewayCreation.orchestrator.ts)
// under the gateway's key, `gatewayInstanceKey(gatewayId)`. That key is the gateway's, not the
// creation's: its retirement (gatewayRetirement.ts) runs under the same one, so the two never run
// at once and a machine joining while the gateway is retired is answered a failed outcome instead
// of re-creating it (sharedOperation.ts). Deterministic: the machine's orchestrator builds the
// descriptor to know which release to wait for.
import { z } from "zod";

import { gatewayInstanceKey } from "../../shared/onboarding/instanceIds";
import { resourceIdField } from "../../shared/validation/fields";
import { defineActivity } from "../activity";
import { orchestratorNames } from "../orchestratorNames";
import {
  joinerFields,
  joinSharedOperation,
  type SharedOperation,
  sharedOperationJoinSchema,
} from "../sharedOperation";

/** The singleton's input. */
export const gatewayCreationInputSchema = z.object({
  gatewayId: z.string().min(1),
  location: z.string().min(1),
  deadlineMinutes: z.number().int().positive(),
  /** Machines already waiting when the singleton starts. */
  waiters: z.array(z.string()).default([]),
});

/** To a waiting machine: the gateway's creation ended (`SharedOperationOutcome`). */
export const gatewayCreationEvent = "GatewayCreation";

export type GatewayCreationRequest = Omit<z.input<typeof gatewayCreationInputSchema>, "waiters">;

export function gatewayCreation(request: GatewayCreationRequest): SharedOperation<GatewayCreationRequest> {
  return {
    instanceId: gatewayInstanceKey(request.gatewayId),
    orchestrator: orchestratorNames.gatewayCreation,
    eventName: gatewayCreationEvent,
    input: {
      gatewayId: request.gatewayId,
      location: request.location,
      deadlineMinutes: request.deadlineMinutes,
    },
  };
}

/**
 * Joins the gateway's singleton creation (starting it when nothing is running): answers the
 * outcome when it already ended after `observedAt`, else `waiting` — the machine is then released
 * by a `GatewayCreation` event.
 */
export const joinGatewayCreation = defineActivity({
  name: "joinGatewayCreation_v1",
  needs: "durableClient",
  input: z.strictObject({
    gatewayId: resourceIdField,
    location: z.string().min(1).max(64),
    deadlineMinutes: z.number().int().positive(),
    ...joinerFields,
  }),
  output: sharedOperationJoinSchema,
  handler: ({ client }, { waiter, observedAt, ...request }) =>
    joinSharedOperation(client, gatewayCreation(request), { waiter, observedAt }),
});
