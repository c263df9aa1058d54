// The onboarding plan as it crosses the activity boundary into history: zod schemas mirroring
// shared/onboarding/plan.ts and steps.ts, so the orchestrator gets a typed, checked plan and an
// activity that returned something else fails loudly instead of driving the wrong steps.
import { z } from "zod";

import { onboardingStopCodes } from "../shared/onboarding/plan";
import { onboardingStepKinds } from "../shared/onboarding/steps";

const resourceId = z.string().min(1).max(2048).startsWith("/subscriptions/");
const text = z.string().max(8192);
const shortText = z.string().min(1).max(256);
const port = z.number().int().min(1).max(65535);
const agentOs = z.enum(["windows", "linux"]);
const runCommandName = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[a-zA-Z0-9\-_.]+$/);

export const onboardingStepSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("createGateway"), gatewayId: resourceId, location: shortText }),
  z.strictObject({ kind: z.literal("registerProvider"), subscriptionId: shortText, namespace: shortText }),
  z.strictObject({
    kind: z.literal("waitForGateway"),
    gatewayId: resourceId,
    location: shortText,
    deadlineMinutes: z.number().int().positive(),
  }),
  z.strictObject({ kind: z.literal("attachGateway"), machineId: resourceId, gatewayId: resourceId }),
  z.strictObject({
    kind: z.literal("switchAgentToGateway"),
    machineId: resourceId,
    gatewayId: resourceId,
    location: shortText,
    osType: agentOs,
    agentVersion: shortText,
    runCommandName,
    script: z.string().min(1).max(8192),
  }),
  z.strictObject({ kind: z.literal("waitForProvider"), subscriptionId: shortText, namespace: shortText }),
  z.strictObject({ kind: z.literal("createDefaultEndpoint"), machineId: resourceId }),
  z.strictObject({ kind: z.literal("createSshServiceConfiguration"), machineId: resourceId, port }),
  z.strictObject({
    kind: z.literal("repairSshServiceConfiguration"),
    machineId: resourceId,
    port,
    currentPort: z.number().int().optional(),
    reason: text,
  }),
  z.strictObject({
    kind: z.literal("openSshPort"),
    machineId: resourceId,
    location: shortText,
    osType: agentOs,
    agentVersion: shortText,
    currentPorts: z.array(text).readonly(),
    ports: z.array(text).readonly(),
    runCommandName,
    script: z.string().min(1).max(8192),
  }),
]);

const localActionSchema = z.strictObject({
  osType: z.enum(["windows", "linux", "unknown"]),
  commands: z.array(text).readonly(),
  explanation: text,
});

export const onboardingPlanSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("stop"),
    machineId: resourceId,
    outcome: z.enum(["skipped", "pending", "needs-local-action", "failed"]),
    code: z.enum(onboardingStopCodes),
    reason: text,
    localAction: localActionSchema.optional(),
    waitFor: z
      .strictObject({ condition: z.literal("machineConnected"), maxMinutes: z.number().int().positive() })
      .optional(),
    blockedSteps: z.array(z.enum(onboardingStepKinds)).readonly().optional(),
    warnings: z.array(text).readonly(),
  }),
  z.strictObject({
    kind: z.literal("steps"),
    machineId: resourceId,
    steps: z.array(onboardingStepSchema).readonly(),
    warnings: z.array(text).readonly(),
    followUp: z
      .strictObject({ code: z.enum(onboardingStopCodes), reason: text, localAction: localActionSchema })
      .optional(),
  }),
]);

/** What the final table and an outcome event show about the machine. */
export const machineSummarySchema = z.strictObject({
  name: text,
  location: text,
  status: text,
  agentVersion: text.optional(),
  osType: text.optional(),
});

/** What an onboarding run ends with (shared/onboarding/onboardingResult.ts), as an outcome event's data. */
export const onboardingResultSchema = z.strictObject({
  machineId: resourceId,
  outcome: z.enum(["onboarded", "already-onboarded", "skipped", "pending", "needs-local-action", "failed"]),
  code: shortText.optional(),
  reason: text,
  done: z.array(text).readonly(),
  warnings: z.array(text).readonly(),
  localAction: localActionSchema.optional(),
  machine: machineSummarySchema.optional(),
});
