// The detach plan as it crosses the activity boundary into history: zod mirroring
// shared/gateways/detachPlan.ts, so the orchestrator gets a checked plan.
import { z } from "zod";

const resourceId = z.string().min(1).max(2048).startsWith("/subscriptions/");
const text = z.string().max(8192);

const localActionSchema = z.strictObject({
  osType: z.enum(["windows", "linux", "unknown"]),
  commands: z.array(text).readonly(),
  explanation: text,
});

export const detachStepSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("switchAgentToDirect"),
    machineId: resourceId,
    location: z.string().min(1).max(256),
    runCommandName: z
      .string()
      .min(1)
      .max(80)
      .regex(/^[a-zA-Z0-9\-_.]+$/),
    script: z.string().min(1).max(8192),
  }),
  z.strictObject({ kind: z.literal("clearGatewayLink"), machineId: resourceId, gatewayId: resourceId }),
]);

export const detachPlanSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("stop"),
    outcome: z.enum(["not-attached", "skipped", "needs-local-action", "failed"]),
    code: z.enum([
      "MachineNotFound",
      "NotAttached",
      "NotConnected",
      "MonitorMode",
      "RunCommandBlocked",
      "UnknownOsType",
    ]),
    reason: text,
    localAction: localActionSchema.optional(),
  }),
  z.strictObject({
    kind: z.literal("steps"),
    gatewayId: resourceId,
    steps: z.array(detachStepSchema).readonly(),
  }),
]);

/** What a detach run ends with. */
export const detachResultSchema = z.strictObject({
  machineId: resourceId,
  outcome: z.enum(["detached", "not-attached", "skipped", "needs-local-action", "failed"]),
  code: z.string().optional(),
  reason: text,
  done: z.array(text).readonly(),
  localAction: localActionSchema.optional(),
});
export type DetachResult = z.output<typeof detachResultSchema>;
