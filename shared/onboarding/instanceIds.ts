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

function readable(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9\-_.]/g, "-")
    .slice(0, readableLength);
}

function digest(normalizedId: string): string {
  return createHash("sha256").update(normalizedId).digest("hex").slice(0, 16);
}
