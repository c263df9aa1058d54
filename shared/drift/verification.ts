// Incremental verification: which machines a drift sweep reads in full (machine, gateway link,
// endpoint, SSH configuration: about four ARM reads each) and which it takes as verified from the
// previous sweep. Pure; the sweep's memory travels in its own output, so the next sweep reads it
// through the durable client.
//
// A machine is read in full when it is new, when its inventory row changed (status, agent, OS,
// configuration, tags, location: what Resource Graph shows), when the gateway its settings
// named is no longer in the gateway inventory (or is retiring), when the previous sweep did not
// find it in its desired state (or excluded: opted out, out of scope), or on rotation: the
// unchanged rest are read oldest first, enough of them that each is read at least once per
// `fullReadMs`. With N machines, sweeps Δ apart and a
// full-read period T, a sweep reads the changed machines plus about N·Δ/T of the unchanged ones
// (and any that would pass T before the next sweep).
import { createHash } from "node:crypto";

import type { ArcMachine } from "../azure/machines";
import { resourceIdKey } from "../resourceId";
import { type DriftKind, type LinkedGatewayState, stillAttachedCode } from "./driftKinds";

/** What a sweep remembers of one machine for the next sweep. */
export interface MachineMemory {
  readonly machineId: string;
  /** The inventory row's fingerprint when last seen. */
  readonly fingerprint: string;
  /** When it was last read in full (ms since the epoch). */
  readonly readAt: number;
  readonly kind: DriftKind;
  readonly code?: string;
  /** The gateway its settings named at that read. */
  readonly gatewayLink?: string;
}

export interface InventoryEntry {
  readonly machineId: string;
  readonly fingerprint: string;
}

export type ReadReason = "new" | "changed" | "gateway-gone" | "not-in-desired-state" | "rotation";

export interface VerificationPlan {
  /** Machines to read in full, with why. */
  readonly read: readonly { readonly machineId: string; readonly reason: ReadReason }[];
  /** Machines taken as still verified: their previous memory. */
  readonly carried: readonly MachineMemory[];
}

/**
 * `previous` is the last sweep's memory and start time (undefined: read everything). `gateways`
 * holds every gateway of the inventory by normalised id.
 */
export function planVerification(input: {
  readonly inventory: readonly InventoryEntry[];
  readonly previous?: { readonly startedAt: number; readonly machines: readonly MachineMemory[] };
  readonly gateways: ReadonlyMap<string, LinkedGatewayState>;
  readonly now: number;
  readonly fullReadMs: number;
}): VerificationPlan {
  const { inventory, previous, gateways, now, fullReadMs } = input;
  if (!previous)
    return { read: inventory.map((m) => ({ machineId: m.machineId, reason: "new" })), carried: [] };
  const remembered = new Map(previous.machines.map((m) => [resourceIdKey(m.machineId), m]));
  const read: { machineId: string; reason: ReadReason }[] = [];
  const unchanged: MachineMemory[] = [];
  for (const entry of inventory) {
    const memory = remembered.get(resourceIdKey(entry.machineId));
    const reason: ReadReason | undefined = !memory
      ? "new"
      : memory.fingerprint !== entry.fingerprint
        ? "changed"
        : memory.gatewayLink !== undefined && gatewayState(gateways, memory.gatewayLink) !== "live"
          ? "gateway-gone"
          : !settled.has(memory.kind) || memory.code === stillAttachedCode
            ? "not-in-desired-state"
            : undefined;
    if (reason) read.push({ machineId: entry.machineId, reason });
    else unchanged.push({ ...memory!, machineId: entry.machineId });
  }
  // Rotation: the time since the last sweep stands for the time to the next one.
  const interval = Math.max(0, now - previous.startedAt);
  const share = fullReadMs <= 0 ? 1 : Math.min(1, interval / fullReadMs);
  const quota = Math.ceil(unchanged.length * share);
  const ordered = [...unchanged].sort((a, b) => a.readAt - b.readAt || order(a.machineId, b.machineId));
  const carried: MachineMemory[] = [];
  for (const [index, memory] of ordered.entries()) {
    const overdue = memory.readAt + fullReadMs <= now + interval;
    if (index < quota || overdue) read.push({ machineId: memory.machineId, reason: "rotation" });
    else carried.push(memory);
  }
  return { read, carried };
}

/**
 * Kinds that stay as they are until something Resource Graph shows changes (a tag, the status…):
 * carried on rotation like the desired state. Every other kind is read again each sweep.
 */
const settled: ReadonlySet<DriftKind> = new Set<DriftKind>([
  "in-desired-state",
  "direct-by-choice",
  "excluded",
]);

function gatewayState(
  gateways: ReadonlyMap<string, LinkedGatewayState>,
  gatewayId: string,
): LinkedGatewayState {
  return gateways.get(resourceIdKey(gatewayId)) ?? "missing";
}

/** The state of the gateway a link names, from the gateway inventory (absent: missing). */
export function linkedGatewayState(
  gateways: ReadonlyMap<string, LinkedGatewayState>,
  gatewayLink: string | undefined,
): LinkedGatewayState | undefined {
  return gatewayLink === undefined ? undefined : gatewayState(gateways, gatewayLink);
}

/** What Resource Graph shows of a machine that the planner reads, as 16 hex digits. */
export function machineFingerprint(machine: ArcMachine): string {
  const configuration = machine.agentConfiguration;
  const shown = [
    machine.status,
    machine.agentVersion ?? "",
    machine.osType ?? "",
    machine.osName ?? "",
    machine.osSku ?? "",
    machine.location.toLowerCase(),
    configuration.configMode,
    String(configuration.extensionsEnabled),
    [...configuration.incomingConnectionsPorts].sort().join(","),
    configuration.extensionsAllowList
      .map((e) => `${e.publisher}/${e.type}`)
      .sort()
      .join(","),
    configuration.extensionsBlockList
      .map((e) => `${e.publisher}/${e.type}`)
      .sort()
      .join(","),
    Object.entries(machine.tags)
      .map(([name, value]) => `${name.toLowerCase()}=${value}`)
      .sort()
      .join(","),
  ];
  return createHash("sha256").update(JSON.stringify(shown)).digest("hex").slice(0, 16);
}

function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
