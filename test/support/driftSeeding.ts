// Drift seeded behind the app's back, for the drift sweep's stories and its bench: a whole fleet
// with every drift kind in one call, and a fleet with none. The single changes (a link removed,
// an endpoint deleted, a gateway marked retiring…) are local/emulator/behindTheBack.ts's, written
// straight into the emulator's state with no Event Grid event and no ARM request. Onboarded
// machines look exactly as the onboarding orchestration leaves them, so a sweep that plans them
// finds nothing to do.
import type { Emulator } from "../../local/emulator";
import {
  deleteEndpoint,
  deleteGatewayBehindBack,
  deleteSshConfiguration,
  markGatewayRetiring,
  reconnectMachines,
  removeGatewayLink,
  seedOnboardedMachine,
  seedReadyGateway,
  seedUnseenMachine,
  setSshPort,
  unregisterHybridConnectivity,
} from "../../local/emulator/behindTheBack";
import type { LocalHost } from "../../local/host";
import type { DriftKind } from "../../shared/drift/driftKinds";
import { gatewayNameFor } from "../../shared/onboarding/gatewayPlacement";
import { machineInstanceId } from "../../shared/onboarding/instanceIds";

export * from "../../local/emulator/behindTheBack";

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

/** What the app knows of the seeded machines, which the sweep's kinds depend on. */
export interface AppKnowledge {
  /**
   * The app saw the `pendingReconnected` machines Disconnected before they reconnected (seeded
   * with `reconnectPending: false`, then reconnectMachines): a sweep found them not connected, or
   * their onboarding ended `pending` (recordOnboardings). Otherwise it never heard of them:
   * `never-onboarded`.
   */
  readonly pendingRecorded?: boolean;
}

/**
 * The drift kind the sweep (shared/drift/driftKinds.ts) gives each seeded state. A deleted and a
 * retiring gateway are both `stranded`, a missing and a wrong-port SSH configuration both
 * `ssh-configuration`; an unlinked machine whose endpoint is still there was onboarded once:
 * `not-attached`.
 */
export function sweepKindOf(state: SeededState, knowledge: AppKnowledge = {}): DriftKind {
  const kinds: Record<SeededState, DriftKind> = {
    inDesiredState: "in-desired-state",
    neverOnboarded: "never-onboarded",
    notAttached: "not-attached",
    gatewayDeleted: "stranded",
    gatewayRetiring: "stranded",
    endpointMissing: "endpoint-missing",
    sshConfigurationMissing: "ssh-configuration",
    sshWrongPort: "ssh-configuration",
    providerNotRegistered: "provider-not-registered",
    pendingReconnected: knowledge.pendingRecorded ? "pending-now-connected" : "never-onboarded",
    needsLocalAction: "needs-local-action",
  };
  return kinds[state];
}

/** The counts per drift kind a sweep's report should give for the fleet (kinds with none left out). */
export function expectedSweepKinds(
  fleet: Pick<DriftFleet, "counts">,
  knowledge: AppKnowledge = {},
): Partial<Record<DriftKind, number>> {
  const expected: Partial<Record<DriftKind, number>> = {};
  for (const [state, count] of Object.entries(fleet.counts) as [SeededState, number][]) {
    if (count === 0) continue;
    const kind = sweepKindOf(state, knowledge);
    expected[kind] = (expected[kind] ?? 0) + count;
  }
  return expected;
}

/**
 * Gives the app a record of onboarding these machines: each one's onboarding (trigger `event`,
 * as its join would have) run to its end on the host. On a Disconnected machine (the
 * `pendingReconnected` ones seeded with `reconnectPending: false`) it ends `pending`.
 */
export async function recordOnboardings(host: LocalHost, machineIds: readonly string[]): Promise<void> {
  const instanceIds = machineIds.map((machineId) =>
    host.engine.start("onboardMachine_v1", { machineId, trigger: "event" }, machineInstanceId(machineId)),
  );
  for (const instanceId of instanceIds) await host.waitForInstance(instanceId);
}
