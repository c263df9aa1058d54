// A gateway's retirement as a shared operation under the gateway's key (gatewayCreation.ts): the
// same instance id as its creation, so the two never run at once. A machine that joins the
// gateway's creation while the retirement runs finds another orchestrator under the key and is
// answered a failed outcome (sharedOperation.ts `otherWork`); it re-plans later, and placement
// then skips the gateway, which is tagged retiring. Nobody joins a retirement: it is started by
// the runbook, and a second start on the running key is refused (409).
import { z } from "zod";

import { gatewayInstanceKey } from "../../shared/onboarding/instanceIds";
import { type CoordinationClient, findInstanceStatus, hasEnded } from "../durableStatus";
import { orchestratorNames } from "../orchestratorNames";
import type { SharedOperation } from "../sharedOperation";

export const gatewayRetirementInputSchema = z.object({
  gatewayId: z.string().min(1).max(2048),
  /** List what would happen; write nothing (no tag, no move, no DELETE). */
  dryRun: z.boolean().default(false),
  /** Move the machines onto this gateway instead of to direct. */
  moveTo: z.string().min(1).max(2048).optional(),
  /** The shared-operation contract's joiners; a retirement has none, and releases nobody. */
  waiters: z.array(z.string()).default([]),
});

export type GatewayRetirementRequest = Omit<z.input<typeof gatewayRetirementInputSchema>, "waiters">;

export function gatewayRetirement(
  request: GatewayRetirementRequest,
): SharedOperation<GatewayRetirementRequest> {
  return {
    instanceId: gatewayInstanceKey(request.gatewayId),
    orchestrator: orchestratorNames.retireGateway,
    // A retirement releases no one: machines that joined the key got their answer at join time.
    eventName: "GatewayRetirement",
    input: {
      gatewayId: request.gatewayId,
      dryRun: request.dryRun ?? false,
      ...(request.moveTo !== undefined ? { moveTo: request.moveTo } : {}),
    },
  };
}

/**
 * Whether the gateway's retirement runs now: retireGateway_v1 under its key, not ended. A gateway
 * tagged retiring with none running (it ended blocked or was cancelled, or the tag was set by
 * hand) has nobody to move its machines: the drift sweep repairs them like a deleted gateway's.
 */
export async function isRetirementRunning(
  client: Pick<CoordinationClient, "getStatus">,
  gatewayId: string,
): Promise<boolean> {
  const status = await findInstanceStatus(client, gatewayInstanceKey(gatewayId));
  return (
    status !== undefined && status.name === orchestratorNames.retireGateway && !hasEnded(status.runtimeStatus)
  );
}
