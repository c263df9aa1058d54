// What a drift sweep asks Resource Graph (docs/azure-facts.md §13): every Arc machine of the
// scopes' subscriptions with its whole `properties` (status, agent, OS, agent configuration), read
// by the same mapper as an ARM GET, and every gateway with its state and tags. Resource Graph
// cannot answer the rest: a machine's gateway link lives in its `settings/default` extension
// resource and SSH over Arc in HybridConnectivity endpoints and service configurations, none of
// them in any table, and the provider registration is a subscription's, not a resource. Those
// are read per machine through ARM, under the sweep's read budget (readBudget.ts).
import { readObject, readString, readTags } from "../azure/armPayload";
import { hasFailed, isDeletedState } from "../azure/azureStates";
import { toArcMachine } from "../azure/machines";
import type { ResourceGraphQuery } from "../azure/resourceGraph";
import { isRetiring } from "../gateways/retiringTag";
import type { LinkedGatewayState } from "./driftKinds";
import { machineFingerprint } from "./verification";

export interface InventoryMachine {
  readonly machineId: string;
  readonly fingerprint: string;
}

export function driftMachinesQuery(): ResourceGraphQuery<InventoryMachine> {
  const text = [
    "Resources",
    "| where type =~ 'microsoft.hybridcompute/machines'",
    "| project id, name, location, tags, properties",
    // A stable order keeps $skipToken pages from overlapping.
    "| order by id asc",
  ].join("\n");
  return {
    text,
    parseRow: (row) => {
      const machine = toArcMachine(row);
      return machine ? { machineId: machine.id, fingerprint: machineFingerprint(machine) } : undefined;
    },
  };
}

export interface InventoryGateway {
  readonly id: string;
  readonly state: LinkedGatewayState;
}

export function driftGatewaysQuery(): ResourceGraphQuery<InventoryGateway> {
  const text = [
    "Resources",
    "| where type =~ 'microsoft.hybridcompute/gateways'",
    "| extend provisioningState = tostring(properties.provisioningState)",
    "| project id, provisioningState, tags",
    "| order by id asc",
  ].join("\n");
  return {
    text,
    parseRow: (row) => {
      const fields = readObject(row);
      const id = readString(fields.id);
      if (!id) return undefined;
      const state = readString(fields.provisioningState);
      // Deleting (or deleted, or a creation that failed): no machine can use it.
      const gone = state !== undefined && (isDeletedState(state) || hasFailed(state));
      return { id, state: gone ? "missing" : isRetiring(readTags(fields.tags)) ? "retiring" : "live" };
    },
  };
}
