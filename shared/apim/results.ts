// What the API Management gateway orchestrations answer: plain JSON, never a token or a key.
import { z } from "zod";

import { tokenRecordSchema } from "./tokenTag";

export const apimDeployResultSchema = z
  .object({
    clusterId: z.string(),
    gatewayId: z.string().optional(),
    extensionName: z.string().optional(),
    /** healthy: installed and heartbeating; unchanged: already deployed, nothing written; skipped: nothing to do; failed. */
    outcome: z.enum(["healthy", "unchanged", "skipped", "failed"]),
    code: z.string().optional(),
    reason: z.string(),
    /** The gateway's live nodes when the run ended. */
    nodes: z.number().int().min(0).optional(),
    token: tokenRecordSchema.optional(),
    gatewayCreated: z.boolean().optional(),
  })
  .meta({ id: "ApimGatewayDeployResult" });

export type ApimDeployResult = z.output<typeof apimDeployResultSchema>;

export const apimRotationResultSchema = z
  .object({
    clusterId: z.string(),
    gatewayId: z.string().optional(),
    outcome: z.enum(["rotated", "skipped", "failed"]),
    code: z.string().optional(),
    reason: z.string(),
    /** The token in use before, and the one now (key and expiry only). */
    previous: tokenRecordSchema.optional(),
    token: tokenRecordSchema.optional(),
    /** The fewest live nodes seen while the new token was applied. */
    minimumNodes: z.number().int().min(0).optional(),
    attempt: z.number().int().min(1),
    /** What started it: `timer`, `GatewayTokenNearExpiry`, `GatewayTokenExpired`… */
    trigger: z.string().optional(),
  })
  .meta({ id: "ApimTokenRotationResult" });

export type ApimRotationResult = z.output<typeof apimRotationResultSchema>;

/** Outcome events on ARC_OUTCOME_TOPIC_ENDPOINT. */
export const apimOutcomeEventTypes = [
  "ArcAutopilot.ApimGatewayDeployed",
  "ArcAutopilot.ApimGatewayDeploymentFailed",
  "ArcAutopilot.ApimGatewayTokenRotated",
  "ArcAutopilot.ApimGatewayTokenRotationFailed",
] as const;
