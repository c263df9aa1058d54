// Changes made to the emulated world behind the app's back, in process, with no Event Grid event
// (the events the app missed) and no ARM request: machines that joined while the app was down,
// settings links removed by hand, gateways deleted or marked retiring, endpoints and SSH service
// configurations deleted or left on another port, the HybridConnectivity provider unregistered, a
// Disconnected machine back online. Onboarded machines are seeded exactly as the onboarding
// orchestration leaves them (settings link, agent in gateway mode, `default` endpoint, SSH service
// configuration on the policy's port). The drift sweep's tests and bench
// (test/support/driftSeeding.ts) and `npm run dev`'s demo use them.
import { retiringTagName } from "../../shared/gateways/retiringTag";
import { gatewayResourceId } from "../../shared/resourceId";
import { resourceEnvelope, systemData } from "./armResource";
import type { Emulator } from "./index";
import { onboardingPrincipal } from "./principal";
import { gatewayType } from "./providers/hybridCompute/gateways";
import {
  setAgentConnectionType,
  setMachineStatus,
  strandAgentsLater,
} from "./providers/hybridCompute/machineRecords";
import { connectMachine, type ConnectMachineInput } from "./providers/hybridCompute/machines";
import { machineSettingsIdOf, settingsType } from "./providers/hybridCompute/settings";
import type { EmulatorContext } from "./types";

export const hybridConnectivity = "Microsoft.HybridConnectivity";
const endpointType = "Microsoft.HybridConnectivity/endpoints";
const serviceConfigurationType = "Microsoft.HybridConnectivity/endpoints/serviceConfigurations";

export const driftAgentVersion = "1.55.02941.1840";

/** The emulator's context with Event Grid muted: what happens here is an event the app missed. */
export function silentContext(emulator: Emulator): EmulatorContext {
  return { ...emulator.context(), publish: () => undefined };
}

export interface SeededGateway {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  readonly tags?: Record<string, string>;
}

export function endpointIdOf(machineId: string): string {
  return `${machineId}/providers/${hybridConnectivity}/endpoints/default`;
}

export function sshConfigurationIdOf(machineId: string): string {
  return `${endpointIdOf(machineId)}/serviceConfigurations/SSH`;
}

/** A gateway whose creation has long succeeded, as a GET returns it; no event. */
export function seedReadyGateway(emulator: Emulator, gateway: SeededGateway): string {
  const context = emulator.context();
  const id = gatewayResourceId({
    subscriptionId: gateway.subscriptionId,
    resourceGroup: gateway.resourceGroup,
    gatewayName: gateway.name,
  });
  const now = context.clock.now();
  context.state.putResource(
    id,
    gatewayType,
    {
      id,
      name: gateway.name,
      type: gatewayType,
      location: gateway.location,
      ...(gateway.tags ? { tags: gateway.tags } : {}),
      properties: {
        provisioningState: "Succeeded",
        gatewayId: context.random.uuid(),
        gatewayEndpoint: `${context.random.uuid()}.gw.arc.azure.com`,
        gatewayType: "Public",
        allowedFeatures: ["*"],
      },
      systemData: systemData(onboardingPrincipal, now),
    },
    now,
  );
  return id;
}

export type SeededMachineInput = Partial<ConnectMachineInput> &
  Pick<ConnectMachineInput, "subscriptionId" | "resourceGroup" | "name">;

function machineInput(input: SeededMachineInput): ConnectMachineInput {
  return {
    location: "eastus",
    agentVersion: driftAgentVersion,
    osType: "linux",
    osName: "Ubuntu",
    osVersion: "22.04",
    ...input,
  };
}

/** `azcmagent connect` whose event the app never got: the machine exists, nothing else. */
export function seedUnseenMachine(emulator: Emulator, input: SeededMachineInput): string {
  const body = connectMachine(silentContext(emulator), machineInput(input));
  return String(body.id);
}

/**
 * A machine as onboarding leaves it: linked to `gatewayId` with its agent in gateway mode, the
 * provider registered, the `default` endpoint and the SSH service configuration on `sshPort`.
 */
export function seedOnboardedMachine(
  emulator: Emulator,
  input: SeededMachineInput & { gatewayId: string; sshPort?: number },
): string {
  const { gatewayId, sshPort = 22, ...machine } = input;
  const context = silentContext(emulator);
  if (context.state.registrationState(machine.subscriptionId, hybridConnectivity) !== "Registered") {
    context.state.setRegistrationState(machine.subscriptionId, hybridConnectivity, "Registered");
  }
  const id = String(connectMachine(context, { ...machineInput(machine), gatewayResourceId: gatewayId }).id);
  const now = context.clock.now();
  const endpointId = endpointIdOf(id);
  context.state.putResource(
    endpointId,
    endpointType,
    {
      ...resourceEnvelope(endpointId, endpointType),
      properties: { type: "default", provisioningState: "Succeeded" },
      systemData: systemData(onboardingPrincipal, now),
    },
    now,
  );
  const sshId = sshConfigurationIdOf(id);
  context.state.putResource(
    sshId,
    serviceConfigurationType,
    {
      ...resourceEnvelope(sshId, serviceConfigurationType),
      properties: { serviceName: "SSH", port: sshPort, provisioningState: "Succeeded" },
      systemData: systemData(onboardingPrincipal, now),
    },
    now,
  );
  return id;
}

// ---- drift applied to what is there ----

/**
 * Someone ran `az arcgateway settings update --gateway-resource-id ""`: the settings stay with an
 * empty `gatewayProperties`, and an agent that follows the cloud setting goes direct.
 */
export function removeGatewayLink(emulator: Emulator, machineId: string): void {
  const context = emulator.context();
  const id = machineSettingsIdOf(machineId);
  const settings = context.state.getResource(id);
  if (!settings) throw new Error(`${machineId} has no settings to unlink`);
  const properties = { ...(settings.body.properties as Record<string, unknown>), gatewayProperties: {} };
  context.state.putResource(id, settingsType, { ...settings.body, properties }, context.clock.now());
  setAgentConnectionType(context, machineId, "direct");
}

/**
 * The gateway is gone, its deletion event lost. With `strandAgents`, agents still routed through
 * it show Disconnected once `strandedAgentDisconnectMs` has passed on the emulator's clock.
 */
export function deleteGatewayBehindBack(
  emulator: Emulator,
  gatewayId: string,
  options: { strandAgents?: readonly string[] } = {},
): void {
  const context = emulator.context();
  if (context.state.deleteResource(gatewayId).length === 0) throw new Error(`no gateway ${gatewayId}`);
  if (options.strandAgents) strandAgentsLater(context, options.strandAgents);
}

/** Tags a gateway retiring (as the retire runbook's PATCH would have), keeping its other tags. */
export function markGatewayRetiring(emulator: Emulator, gatewayId: string, at?: string): void {
  const context = emulator.context();
  const gateway = context.state.getResource(gatewayId);
  if (!gateway) throw new Error(`no gateway ${gatewayId}`);
  const tags = {
    ...((gateway.body.tags as Record<string, string> | undefined) ?? {}),
    [retiringTagName]: at ?? new Date(context.clock.now()).toISOString(),
  };
  context.state.putResource(gateway.id, gatewayType, { ...gateway.body, tags }, context.clock.now());
}

/** Deletes the `default` endpoint; ARM cascades to its service configurations. */
export function deleteEndpoint(emulator: Emulator, machineId: string): void {
  if (emulator.state.deleteResource(endpointIdOf(machineId)).length === 0) {
    throw new Error(`${machineId} has no endpoint`);
  }
}

export function deleteSshConfiguration(emulator: Emulator, machineId: string): void {
  if (emulator.state.deleteResource(sshConfigurationIdOf(machineId)).length === 0) {
    throw new Error(`${machineId} has no SSH configuration`);
  }
}

/** The SSH service configuration left on another port (a hand edit, an old default). */
export function setSshPort(emulator: Emulator, machineId: string, port: number): void {
  const context = emulator.context();
  const configuration = context.state.getResource(sshConfigurationIdOf(machineId));
  if (!configuration) throw new Error(`${machineId} has no SSH configuration`);
  const properties = { ...(configuration.body.properties as Record<string, unknown>), port };
  context.state.putResource(
    configuration.id,
    serviceConfigurationType,
    { ...configuration.body, properties },
    context.clock.now(),
  );
}

/** Someone unregistered Microsoft.HybridConnectivity: its endpoints no longer answer. */
export function unregisterHybridConnectivity(emulator: Emulator, subscriptionId: string): void {
  emulator.state.setRegistrationState(subscriptionId, hybridConnectivity, "NotRegistered");
}

/** Heartbeats back: ARM shows the machines Connected with a new `lastStatusChange`; no event. */
export function reconnectMachines(emulator: Emulator, machineIds: readonly string[]): void {
  const context = emulator.context();
  for (const id of machineIds) setMachineStatus(context, id, "Connected");
}
