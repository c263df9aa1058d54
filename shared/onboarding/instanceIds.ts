// Deterministic Durable instance ids, so a duplicate event finds the running instance instead of
// starting a second one (duplicates and races are normal: Event Grid delivers at least once, docs/azure-facts.md §9). Derived from the normalised resource
// id (ARM ids compare case-insensitively), shaped for every Durable backend: no `/`, `\`, `#`, `?`
// or control characters (Azure Storage table keys forbid them) and well under 100 characters.
// A readable prefix for people reading logs, then 16 hex digits of SHA-256 for uniqueness: two
// machines with the same name in different resource groups must not share an instance.
import { createHash } from "node:crypto";

import {
  gatewayResourceId,
  machineResourceId,
  normalizeResourceId,
  parseGatewayId,
  parseMachineId,
  resourceProviderId,
} from "../resourceId";

// Machine names are at most 54 characters ([spec] HybridCompute machineName pattern); gateway
// names have no documented limit, so every readable part is capped to keep ids short.
const readableLength = 54;

/** `onboard-<machine name>-<16 hex>`; ValidationError when the id is not a machine's. */
export function machineInstanceId(machineId: string): string {
  const id = normalizeResourceId(machineResourceId(parseMachineId(machineId)));
  return `onboard-${readable(parseMachineId(id).machineName)}-${digest(id)}`;
}

/** `detach-<machine name>-<16 hex>`: one machine's detach from its gateway. */
export function detachInstanceId(machineId: string): string {
  const id = normalizeResourceId(machineResourceId(parseMachineId(machineId)));
  return `detach-${readable(parseMachineId(id).machineName)}-${digest(id)}`;
}

/** `gateway-<gateway name>-<16 hex>`: the singleton that creates and waits for one gateway. */
export function gatewayInstanceKey(gatewayId: string): string {
  const id = normalizeResourceId(gatewayResourceId(parseGatewayId(gatewayId)));
  return `gateway-${readable(parseGatewayId(id).gatewayName)}-${digest(id)}`;
}

/** `register-<namespace>-<16 hex>`: the singleton that registers one provider in one subscription. */
export function providerInstanceId(subscriptionId: string, namespace: string): string {
  const id = normalizeResourceId(resourceProviderId(subscriptionId, namespace));
  return `register-${readable(namespace.toLowerCase())}-${digest(id)}`;
}

/**
 * `runbook-<kind>-<target name>-<16 hex>` for a runbook run on one target (one at a time per
 * target: a second start finds the first), or `runbook-<kind>-<32 hex>` from `unique` for a run
 * that has no single target (a bulk onboarding). `kind` is lower-case words joined by `-`
 * (`retire-gateway`).
 */
export function runbookInstanceId(
  kind: string,
  target: { readonly resourceId: string } | { readonly unique: string },
): string {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(kind) || kind.length > 30) {
    throw new Error(`Runbook kind '${kind}' must be lower-case words joined by '-', at most 30 characters`);
  }
  if ("unique" in target) {
    if (!/^[0-9a-f]{32}$/i.test(target.unique))
      throw new Error("A runbook run's unique part is 32 hex digits");
    return `runbook-${kind}-${target.unique.toLowerCase()}`;
  }
  const id = normalizeResourceId(target.resourceId);
  const name = id.split("/").pop() ?? "";
  return `runbook-${kind}-${readable(name)}-${digest(id)}`;
}

/**
 * The operations the runbook API shows and cancels: runbook runs and the work they start
 * (onboardings, detaches, gateway and provider singletons) and drift sweeps — never any other durable instance.
 */
export const operationIdPrefixes = ["runbook", "onboard", "detach", "gateway", "register", "drift"] as const;

const operationIdPattern = new RegExp(`^(${operationIdPrefixes.join("|")})-[a-z0-9][a-z0-9\\-_.]{0,150}$`);

export function isOperationId(id: string): boolean {
  return operationIdPattern.test(id);
}

function readable(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9\-_.]/g, "-")
    .slice(0, readableLength);
}

function digest(normalizedId: string): string {
  return createHash("sha256").update(normalizedId).digest("hex").slice(0, 16);
}
