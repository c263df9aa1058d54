// The steps of onboarding one machine, as plain data an orchestrator can carry through history.
// Each is one idempotent action (or one wait) against Azure; a plan only contains the steps still
// missing. Run Command steps carry their script, built here from shared/azure/agentCommands, so
// the activity that runs them decides nothing.
import type { AgentOsType } from "../azure/agentCommands";
import { parseGatewayId, parseMachineId } from "../resourceId";

export type OnboardingStep =
  /** Begin creating the gateway (its singleton orchestration PUTs it once). */
  | { readonly kind: "createGateway"; readonly gatewayId: string; readonly location: string }
  /** Begin registering the provider in the subscription (its singleton POSTs register once). */
  | { readonly kind: "registerProvider"; readonly subscriptionId: string; readonly namespace: string }
  /** Wait until the gateway has Succeeded (released by the singleton's event; backstop deadline). */
  | {
      readonly kind: "waitForGateway";
      readonly gatewayId: string;
      /** Where a retried creation PUTs it. */
      readonly location: string;
      readonly deadlineMinutes: number;
    }
  /** PUT the machine's settings/default with the gateway id. */
  | { readonly kind: "attachGateway"; readonly machineId: string; readonly gatewayId: string }
  /** Run Command `azcmagent config set connection.type gateway`: agents below the auto-switch version. */
  | {
      readonly kind: "switchAgentToGateway";
      readonly machineId: string;
      readonly gatewayId: string;
      readonly location: string;
      readonly osType: AgentOsType;
      readonly agentVersion: string;
      readonly runCommandName: string;
      readonly script: string;
    }
  /** Wait until the provider is Registered. */
  | { readonly kind: "waitForProvider"; readonly subscriptionId: string; readonly namespace: string }
  /** PUT endpoints/default. */
  | { readonly kind: "createDefaultEndpoint"; readonly machineId: string }
  /** PUT serviceConfigurations/SSH with the port. */
  | { readonly kind: "createSshServiceConfiguration"; readonly machineId: string; readonly port: number }
  /**
   * PUT serviceConfigurations/SSH over a configuration with the wrong port or state, as `az ssh
   * arc` changes a port (docs/azure-facts.md §8); deleted and created only when that PUT's answer
   * still disagrees.
   */
  | {
      readonly kind: "repairSshServiceConfiguration";
      readonly machineId: string;
      readonly port: number;
      readonly currentPort?: number;
      readonly reason: string;
    }
  /** Run Command `azcmagent config set incomingconnections.ports …` with every open port kept. */
  | {
      readonly kind: "openSshPort";
      readonly machineId: string;
      readonly location: string;
      readonly osType: AgentOsType;
      readonly agentVersion: string;
      readonly currentPorts: readonly string[];
      readonly ports: readonly string[];
      readonly runCommandName: string;
      readonly script: string;
    };

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
