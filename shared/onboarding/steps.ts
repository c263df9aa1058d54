// The steps of onboarding one machine, as plain data an orchestrator can carry through history.
// Each is one idempotent action (or one wait) against Azure; a plan only contains the steps still
// missing. Run Command steps carry their script (built by the planner from shared/azure/agentCommands),
// so the activity that runs them decides nothing. The schema is the type: it checks a plan as it
// comes back from the planning activity, and `OnboardingStep` is what it accepts.
import { z } from "zod";

import { parseGatewayId, parseMachineId } from "../resourceId";
import {
  portField,
  resourceIdField,
  runCommandNameField,
  scriptField,
  shortTextField,
  textField,
} from "../validation/fields";

const agentOs = z.enum(["windows", "linux"]);
const deadlineMinutes = z.number().int().positive();

export const onboardingStepSchema = z.discriminatedUnion("kind", [
  /** Begin creating the gateway (its singleton orchestration PUTs it once and waits up to the deadline). */
  z.strictObject({
    kind: z.literal("createGateway"),
    gatewayId: resourceIdField,
    location: shortTextField,
    deadlineMinutes,
  }),
  /** Begin registering the provider in the subscription (its singleton POSTs register once). */
  z.strictObject({
    kind: z.literal("registerProvider"),
    subscriptionId: shortTextField,
    namespace: shortTextField,
  }),
  /** Wait until the gateway has Succeeded (released by the singleton's event; backstop deadline). */
  z.strictObject({
    kind: z.literal("waitForGateway"),
    gatewayId: resourceIdField,
    /** Where a retried creation PUTs it. */
    location: shortTextField,
    deadlineMinutes,
  }),
  /** PUT the machine's settings/default with the gateway id. */
  z.strictObject({
    kind: z.literal("attachGateway"),
    machineId: resourceIdField,
    gatewayId: resourceIdField,
  }),
  /** Run Command `azcmagent config set connection.type gateway`: agents below the auto-switch version. */
  z.strictObject({
    kind: z.literal("switchAgentToGateway"),
    machineId: resourceIdField,
    gatewayId: resourceIdField,
    location: shortTextField,
    osType: agentOs,
    agentVersion: shortTextField,
    runCommandName: runCommandNameField,
    script: scriptField,
  }),
  /** Wait until the provider is Registered. */
  z.strictObject({
    kind: z.literal("waitForProvider"),
    subscriptionId: shortTextField,
    namespace: shortTextField,
  }),
  /** PUT endpoints/default. */
  z.strictObject({ kind: z.literal("createDefaultEndpoint"), machineId: resourceIdField }),
  /** PUT serviceConfigurations/SSH with the port. */
  z.strictObject({
    kind: z.literal("createSshServiceConfiguration"),
    machineId: resourceIdField,
    port: portField,
  }),
  /**
   * PUT serviceConfigurations/SSH over a configuration with the wrong port or state, as `az ssh
   * arc` changes a port (docs/azure-facts.md §8); deleted and created only when that PUT's answer
   * still disagrees.
   */
  z.strictObject({
    kind: z.literal("repairSshServiceConfiguration"),
    machineId: resourceIdField,
    port: portField,
    currentPort: z.number().int().optional(),
    reason: textField,
  }),
  /** Run Command `azcmagent config set incomingconnections.ports …` with every open port kept. */
  z.strictObject({
    kind: z.literal("openSshPort"),
    machineId: resourceIdField,
    location: shortTextField,
    osType: agentOs,
    agentVersion: shortTextField,
    currentPorts: z.array(textField).readonly(),
    ports: z.array(textField).readonly(),
    runCommandName: runCommandNameField,
    script: scriptField,
  }),
]);

export type OnboardingStep = z.output<typeof onboardingStepSchema>;

export type OnboardingStepKind = OnboardingStep["kind"];

/** Every step kind, in plan order (the schema that carries plans through history lists them). */
export const onboardingStepKinds = [
  "createGateway",
  "registerProvider",
  "waitForGateway",
  "attachGateway",
  "switchAgentToGateway",
  "waitForProvider",
  "createDefaultEndpoint",
  "createSshServiceConfiguration",
  "repairSshServiceConfiguration",
  "openSshPort",
] as const satisfies readonly OnboardingStepKind[];

// Compile-time: the list names every kind of the union.
type MissingKinds = Exclude<OnboardingStepKind, (typeof onboardingStepKinds)[number]>;
export const everyStepKindListed: MissingKinds extends never ? true : never = true;

export type RunCommandStep = Extract<OnboardingStep, { kind: "switchAgentToGateway" | "openSshPort" }>;

/** Fixed run command names: a repeated PUT replaces the same resource instead of piling up new ones. */
export const runCommandNames = {
  switchAgentToGateway: "arc-autopilot-connection-type",
  openSshPort: "arc-autopilot-ssh-port",
} as const;

export function usesRunCommand(step: OnboardingStep): step is RunCommandStep {
  return step.kind === "switchAgentToGateway" || step.kind === "openSshPort";
}

/** One line for custom status and logs: what the step does, to what. */
export function describeStep(step: OnboardingStep): string {
  switch (step.kind) {
    case "createGateway":
      return `Create gateway ${gatewayName(step.gatewayId)} in ${step.location}`;
    case "registerProvider":
      return `Register ${step.namespace} in subscription ${step.subscriptionId}`;
    case "waitForGateway":
      return `Wait for gateway ${gatewayName(step.gatewayId)} (up to ${step.deadlineMinutes} min)`;
    case "attachGateway":
      return `Attach ${machineName(step.machineId)} to gateway ${gatewayName(step.gatewayId)}`;
    case "switchAgentToGateway":
      return `Run Command on ${machineName(step.machineId)}: connection.type gateway (agent ${step.agentVersion})`;
    case "waitForProvider":
      return `Wait for ${step.namespace} to be registered in subscription ${step.subscriptionId}`;
    case "createDefaultEndpoint":
      return `Create the default connectivity endpoint of ${machineName(step.machineId)}`;
    case "createSshServiceConfiguration":
      return `Create the SSH service configuration of ${machineName(step.machineId)} on port ${step.port}`;
    case "repairSshServiceConfiguration":
      return `Set the SSH service configuration of ${machineName(step.machineId)} to port ${step.port} (${step.reason})`;
    case "openSshPort":
      return `Run Command on ${machineName(step.machineId)}: incoming ports ${step.currentPorts.join(",")} → ${step.ports.join(",")}`;
  }
}

function machineName(machineId: string): string {
  try {
    return parseMachineId(machineId).machineName;
  } catch {
    return machineId;
  }
}

function gatewayName(gatewayId: string): string {
  try {
    return parseGatewayId(gatewayId).gatewayName;
  } catch {
    return gatewayId;
  }
}
