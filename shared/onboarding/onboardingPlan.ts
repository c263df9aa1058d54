// What the onboarding planner reads and what it answers, as data: the observation an activity
// gathers, and the plan — a stop with its reason, or the steps still missing. The plan's schema is
// its type: the planning activity's output is checked against it as the orchestrator reads it, so
// a plan that is not one fails loudly instead of driving the wrong steps. A leaf: the planner
// (plan.ts) and its step-finding parts (missingSteps.ts) both build on it.
import { z } from "zod";

import type { ConnectivityEndpoint, SshServiceConfiguration } from "../azure/hybridConnectivity";
import type { ArcMachine } from "../azure/machines";
import type { RegistrationState } from "../azure/resourceProviders";
import { resourceIdField, textField } from "../validation/fields";
import type { GatewayPlacementOutcome } from "./gatewayPlacement";
import { localActionSchema } from "./localActions";
import { onboardingStepKinds, onboardingStepSchema } from "./steps";

/** Everything the planner needs, read by an activity before planning. */
export interface OnboardingObservation {
  /** The machine onboarding was started for. */
  readonly machineId: string;
  /** The machine as ARM reports it; undefined when ARM answered 404. */
  readonly machine?: ArcMachine;
  /** `settings/default` → `gatewayResourceId`; undefined when the machine is not attached. */
  readonly gatewayLink?: string;
  /**
   * The gateway `gatewayLink` names is `gone` (deleted behind the app's back, or being deleted:
   * the machine is stranded, and is planned as not attached so it is linked to a live gateway) or
   * `retiring` (tagged `arc-autopilot-retiring`: see `retirementRunning`). Absent: live, or not read.
   */
  readonly linkedGateway?: "gone" | "retiring";
  /**
   * For a `retiring` link: whether the gateway's retirement (retireGateway_v1 under its key) runs.
   * Running, or not known (absent): the machine is left to the retirement, which moves it. `false`
   * (it aborted, or the tag was set by hand): planned like a gone gateway's machine, linked to a
   * live gateway. Read from the durable store by the caller; the planner only takes the answer.
   */
  readonly retirementRunning?: boolean;
  /** Where the machine's gateway is, from `placeGateway`; needed only when it is not attached. */
  readonly gatewayPlacement?: GatewayPlacementOutcome;
  /** The gateway the placement names, as ARM last reported it; undefined when it does not exist (or was not read). */
  readonly targetGateway?: {
    readonly id: string;
    readonly provisioningState: string;
    readonly location?: string;
  };
  /** Microsoft.HybridConnectivity in the machine's subscription; undefined when not read. */
  readonly providerState?: RegistrationState;
  /** `endpoints/default`; undefined when it does not exist. */
  readonly defaultEndpoint?: Pick<ConnectivityEndpoint, "provisioningState">;
  /** `endpoints/default/serviceConfigurations/SSH`; undefined when it does not exist. */
  readonly sshServiceConfiguration?: Pick<
    SshServiceConfiguration,
    "serviceName" | "port" | "provisioningState"
  >;
  /**
   * The agent's local `connection.type`, when known (a Run Command's `azcmagent show`). ARM does not
   * report it (docs/azure-facts.md §4), so for an attached machine it is assumed switched unless this says `direct`.
   */
  readonly agentConnectionType?: "gateway" | "direct";
}

export const onboardingOutcomes = ["skipped", "pending", "needs-local-action", "failed"] as const;
export type OnboardingOutcome = (typeof onboardingOutcomes)[number];

export const onboardingStopCodes = [
  "NoScopes",
  "OutOfScope",
  "MachineNotFound",
  "OptedOut",
  "NotConnected",
  "MonitorMode",
  "AgentVersionUnknown",
  "InvalidAgentVersion",
  "AgentTooOld",
  "AgentTooOldForGateway",
  "UnsupportedOs",
  "GatewayNotPlaced",
  "GatewayPlacementFailed",
  "UnknownOsType",
  "UnreadablePorts",
  "RunCommandBlocked",
] as const;

export type OnboardingStopCode = (typeof onboardingStopCodes)[number];

/** Onboarding cannot go on now: why, and what would change that. */
export const onboardingStopSchema = z.strictObject({
  kind: z.literal("stop"),
  machineId: resourceIdField,
  outcome: z.enum(onboardingOutcomes),
  code: z.enum(onboardingStopCodes),
  reason: textField,
  /** For `needs-local-action`: what to run on the machine. */
  localAction: localActionSchema.optional(),
  /** For a machine that is not Connected: the orchestrator may wait this long (a durable timer) and observe again. */
  waitFor: z
    .strictObject({ condition: z.literal("machineConnected"), maxMinutes: z.number().int().positive() })
    .optional(),
  /** The steps a local restriction kept from running. */
  blockedSteps: z.array(z.enum(onboardingStepKinds)).readonly().optional(),
  warnings: z.array(textField).readonly(),
});

/** What is left for a person once the steps are done (an agent too old for a gateway still gets SSH over Arc). */
export const onboardingFollowUpSchema = z.strictObject({
  code: z.enum(onboardingStopCodes),
  reason: textField,
  localAction: localActionSchema,
});

/** The steps still missing, in order; empty when the machine is fully onboarded. */
export const onboardingStepsSchema = z.strictObject({
  kind: z.literal("steps"),
  machineId: resourceIdField,
  steps: z.array(onboardingStepSchema).readonly(),
  warnings: z.array(textField).readonly(),
  /** Set: the run then ends `needs-local-action` with this, not `onboarded`. */
  followUp: onboardingFollowUpSchema.optional(),
  /**
   * Set when the machine is direct by an operator's choice (ARC_CONNECTION_TAG: direct): why it
   * gets no gateway and how to undo that (shared/onboarding/connectionChoice.ts).
   */
  directByChoice: textField.optional(),
});

export const onboardingPlanSchema = z.discriminatedUnion("kind", [
  onboardingStopSchema,
  onboardingStepsSchema,
]);

export type OnboardingStop = z.output<typeof onboardingStopSchema>;
export type OnboardingFollowUp = z.output<typeof onboardingFollowUpSchema>;
export type OnboardingSteps = z.output<typeof onboardingStepsSchema>;
export type OnboardingPlan = z.output<typeof onboardingPlanSchema>;

export type StopDetails = Partial<Pick<OnboardingStop, "localAction" | "waitFor" | "blockedSteps">>;
/** A stop as the planner's parts hand it up: outcome, code, reason and details. */
export type Stop = [OnboardingOutcome, OnboardingStopCode, string, StopDetails?];

/** What the final table and an outcome event show about the machine. */
export const machineSummarySchema = z.strictObject({
  name: textField,
  location: textField,
  status: textField,
  agentVersion: textField.optional(),
  osType: textField.optional(),
});

export type MachineSummary = z.output<typeof machineSummarySchema>;
