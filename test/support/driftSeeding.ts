// Drift seeded behind the app's back, for the drift sweep's stories and its bench. Everything is
// written straight into the emulator's state with no Event Grid event (the events the app missed),
// the way a fleet looks after months of hand edits, outages and lost deliveries: machines that
// joined while the app was down, settings links removed by hand, gateways deleted or marked
// retiring, endpoints and SSH service configurations deleted or left on another port, the
// HybridConnectivity provider unregistered, a Disconnected machine back online, a machine in
// monitor mode. Onboarded machines look exactly as the onboarding orchestration leaves them
// (settings link, agent in gateway mode, `default` endpoint, SSH service configuration on the
// policy's port), so a sweep that plans them finds nothing to do.
import type { Emulator, EmulatorContext } from "../../local/emulator";
import { resourceEnvelope, systemData } from "../../local/emulator/armResource";
import { onboardingPrincipal } from "../../local/emulator/principal";
import { gatewayType } from "../../local/emulator/providers/hybridCompute/gateways";
import {
  setAgentConnectionType,
  setMachineStatus,
  strandAgentsLater,
} from "../../local/emulator/providers/hybridCompute/machineRecords";
import {
  connectMachine,
  type ConnectMachineInput,
} from "../../local/emulator/providers/hybridCompute/machines";
import { machineSettingsIdOf, settingsType } from "../../local/emulator/providers/hybridCompute/settings";
import { retiringTagName } from "../../shared/gateways/retiringTag";
import { gatewayNameFor } from "../../shared/onboarding/gatewayPlacement";

export const hybridConnectivity = "Microsoft.HybridConnectivity";
const endpointType = "Microsoft.HybridConnectivity/endpoints";
const serviceConfigurationType = "Microsoft.HybridConnectivity/endpoints/serviceConfigurations";

/** The drift kinds the issue names, one seeded group each, plus machines in their desired state. */
export const seededDriftKinds = [
  /** Joined Arc while the app missed its event: no link, no endpoint. */
  "neverOnboarded",
  /** Onboarded once; the settings link was removed by hand (`gatewayResourceId: null`). */
  "notAttached",
  /** Linked to a gateway that was deleted behind the app's back. */
  "gatewayDeleted",
  /** Linked to a gateway tagged `arc-autopilot-retiring`. */
  "gatewayRetiring",
  /** Onboarded; its `default` endpoint (and so its SSH configuration) deleted. */
  "endpointMissing",
  /** Onboarded; its SSH service configuration deleted. */
  "sshConfigurationMissing",
  /** Onboarded; its SSH service configuration on another port. */
  "sshWrongPort",
  /** Onboarded in a subscription whose HybridConnectivity provider was unregistered since. */
  "providerNotRegistered",
  /** Joined while Disconnected (onboarding would have ended `pending`), now Connected. */
  "pendingReconnected",
  /** Joined in monitor mode: only the machine's owner can help (`azcmagent config set`). */
  "needsLocalAction",
] as const;

export type SeededDriftKind = (typeof seededDriftKinds)[number];
export type SeededState = SeededDriftKind | "inDesiredState";

/** 200 machines: every kind, most of the fleet fine. */
export const defaultDriftCounts: Readonly<Record<SeededState, number>> = {
  neverOnboarded: 20,
  notAttached: 15,
  gatewayDeleted: 15,
  gatewayRetiring: 10,
  endpointMissing: 15,
  sshConfigurationMissing: 10,
  sshWrongPort: 10,
  providerNotRegistered: 10,
  pendingReconnected: 10,
  needsLocalAction: 5,
  inDesiredState: 80,
};

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

export function gatewayIdOf(g: Pick<SeededGateway, "subscriptionId" | "resourceGroup" | "name">): string {
  return `/subscriptions/${g.subscriptionId}/resourceGroups/${g.resourceGroup}/providers/Microsoft.HybridCompute/gateways/${g.name}`;
}

export function machineIdOf(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.HybridCompute/machines/${name}`;
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
  const id = gatewayIdOf(gateway);
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

// ---- a whole fleet ----

export interface DriftFleetOptions {
  /** The subscription most machines live in (and its gateways). */
  readonly subscriptionId: string;
  /** A second subscription, for the machines whose provider gets unregistered. */
  readonly unregisteredSubscriptionId: string;
  readonly resourceGroup?: string;
  /** Where the gateways are (the app's ARC_GATEWAY_RESOURCE_GROUP). */
  readonly gatewayResourceGroup?: string;
  /** The app's ARC_GATEWAY_NAME_TEMPLATE, so placement re-uses the live gateways. */
  readonly gatewayNameTemplate?: string;
  readonly location?: string;
  /** The policy's SSH port (ARC_SSH_PORT). */
  readonly sshPort?: number;
  readonly wrongSshPort?: number;
  readonly counts?: Partial<Record<SeededState, number>>;
  /** False keeps the `pendingReconnected` machines Disconnected, to reconnect later with reconnectMachines. */
  readonly reconnectPending?: boolean;
  /** Machine name prefix (several fleets in one emulator). */
  readonly prefix?: string;
}

export interface DriftFleet {
  /** Machine ids per seeded state, in seeding order. */
  readonly machines: Readonly<Record<SeededState, readonly string[]>>;
  /** Exactly how many machines are in each state. */
  readonly counts: Readonly<Record<SeededState, number>>;
  readonly total: number;
  /** Machines in their desired state. */
  readonly compliant: number;
  readonly gateways: {
    /** A live gateway per subscription, named by the template: where repairs re-point machines. */
    readonly live: Readonly<Record<string, string>>;
    readonly retiring: string;
    readonly deleted: string;
  };
  /** ARC_SCOPES for the two subscriptions. */
  readonly scopes: readonly string[];
}

/**
 * Seeds a fleet with every drift kind in one call, all in one region, and returns exactly what it
 * seeded. Machines are `{prefix}-{kind}-{nnn}`; the `providerNotRegistered` ones live in the second
 * subscription (the other kinds in the first), whose provider is unregistered last. The retiring
 * and deleted gateways are the region's second and third (`-2`, `-3`), so the live one keeps the
 * template's name and placement re-points machines to it without creating a gateway.
 */
export function seedDriftFleet(emulator: Emulator, options: DriftFleetOptions): DriftFleet {
  const {
    subscriptionId,
    unregisteredSubscriptionId,
    resourceGroup = "rg-drift",
    gatewayResourceGroup = "arc-gateways",
    gatewayNameTemplate = "arc-gw-{location}",
    location = "eastus",
    sshPort = 22,
    wrongSshPort = 2222,
    reconnectPending = true,
    prefix = "drift",
  } = options;
  const counts: Record<SeededState, number> = { ...defaultDriftCounts, ...options.counts };
  const gateway = (sub: string, ordinal: number) =>
    seedReadyGateway(emulator, {
      subscriptionId: sub,
      resourceGroup: gatewayResourceGroup,
      name: gatewayNameFor(gatewayNameTemplate, location, ordinal),
      location,
    });
  const live = {
    [subscriptionId]: gateway(subscriptionId, 1),
    [unregisteredSubscriptionId]: gateway(unregisteredSubscriptionId, 1),
  };
  const retiring = gateway(subscriptionId, 2);
  const deleted = gateway(subscriptionId, 3);
  markGatewayRetiring(emulator, retiring);

  const machines = Object.fromEntries(
    [...seededDriftKinds, "inDesiredState" as const].map((kind) => [kind, [] as string[]]),
  ) as Record<SeededState, string[]>;
  const each = (kind: SeededState, seed: (name: string) => string) => {
    for (let i = 0; i < counts[kind]; i++) {
      machines[kind].push(seed(`${prefix}-${kind.toLowerCase()}-${String(i).padStart(3, "0")}`));
    }
  };
  const base = (name: string) => ({ subscriptionId, resourceGroup, name, location });
  const onboarded = (name: string, gatewayId = live[subscriptionId]!) =>
    seedOnboardedMachine(emulator, { ...base(name), gatewayId, sshPort });

  each("inDesiredState", (name) => onboarded(name));
  each("neverOnboarded", (name) => seedUnseenMachine(emulator, base(name)));
  each("notAttached", (name) => {
    const id = onboarded(name);
    removeGatewayLink(emulator, id);
    return id;
  });
  each("gatewayDeleted", (name) => onboarded(name, deleted));
  each("gatewayRetiring", (name) => onboarded(name, retiring));
  each("endpointMissing", (name) => {
    const id = onboarded(name);
    deleteEndpoint(emulator, id);
    return id;
  });
  each("sshConfigurationMissing", (name) => {
    const id = onboarded(name);
    deleteSshConfiguration(emulator, id);
    return id;
  });
  each("sshWrongPort", (name) => {
    const id = onboarded(name);
    setSshPort(emulator, id, wrongSshPort);
    return id;
  });
  each("providerNotRegistered", (name) =>
    seedOnboardedMachine(emulator, {
      ...base(name),
      subscriptionId: unregisteredSubscriptionId,
      gatewayId: live[unregisteredSubscriptionId]!,
      sshPort,
    }),
  );
  each("pendingReconnected", (name) =>
    seedUnseenMachine(emulator, { ...base(name), status: "Disconnected" }),
  );
  each("needsLocalAction", (name) => seedUnseenMachine(emulator, { ...base(name), configMode: "monitor" }));

  deleteGatewayBehindBack(emulator, deleted);
  if (counts.providerNotRegistered > 0) unregisterHybridConnectivity(emulator, unregisteredSubscriptionId);
  if (reconnectPending) reconnectMachines(emulator, machines.pendingReconnected);

  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    machines,
    counts,
    total,
    compliant: counts.inDesiredState,
    gateways: { live, retiring, deleted },
    scopes: [`/subscriptions/${subscriptionId}`, `/subscriptions/${unregisteredSubscriptionId}`],
  };
}

/**
 * `count` onboarded machines in their desired state, for the bench (no drift at all), spread over
 * as many gateways as their capacity (ARC_GATEWAY_CAPACITY, 2,000 by default) needs, at most 5.
 */
export function seedCompliantFleet(
  emulator: Emulator,
  options: {
    subscriptionId: string;
    count: number;
    resourceGroups?: number;
    location?: string;
    gatewayResourceGroup?: string;
    gatewayNameTemplate?: string;
    gatewayCapacity?: number;
    sshPort?: number;
  },
): { machineIds: string[]; gatewayIds: string[] } {
  const { subscriptionId, count, resourceGroups = 10, location = "eastus", sshPort = 22 } = options;
  const capacity = options.gatewayCapacity ?? 2000;
  const gatewayIds = Array.from({ length: Math.min(5, Math.max(1, Math.ceil(count / capacity))) }, (_, i) =>
    seedReadyGateway(emulator, {
      subscriptionId,
      resourceGroup: options.gatewayResourceGroup ?? "arc-gateways",
      name: gatewayNameFor(options.gatewayNameTemplate ?? "arc-gw-{location}", location, i + 1),
      location,
    }),
  );
  const machineIds = Array.from({ length: count }, (_, i) =>
    seedOnboardedMachine(emulator, {
      subscriptionId,
      resourceGroup: `rg-fleet-${i % resourceGroups}`,
      name: `fleet-${String(i).padStart(5, "0")}`,
      location,
      gatewayId: gatewayIds[Math.floor(i / capacity) % gatewayIds.length]!,
      sshPort,
      ...(i % 4 === 0 ? { osType: "windows", osName: "Windows Server 2022", osVersion: "10.0.20348" } : {}),
    }),
  );
  return { machineIds, gatewayIds };
}
