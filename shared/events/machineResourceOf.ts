// What a resource id in an event is, relative to Arc machines: the machine itself, something
// under a machine (its extensions, run commands, `settings/default`, HybridConnectivity
// endpoints and service configurations — most of them arc-autopilot's own writes), or anything
// else. Only the machine itself starts onboarding; a write under a machine must not, or every
// step arc-autopilot takes would trigger another onboarding (docs/azure-facts.md §9, what Arc produces).
import { formatResourceId, type ParsedResourceId, parseResourceId, resourceTypeOf } from "../resourceId";

export type MachineResource =
  | { readonly kind: "machine"; readonly machineId: string }
  | { readonly kind: "underMachine"; readonly machineId: string; readonly resourceType: string }
  | { readonly kind: "other"; readonly resourceType: string };

/** Classifies a resource id; throws InvalidResourceIdError when it is not one. */
export function machineResourceOf(id: string): MachineResource {
  const parsed = parseResourceId(id);
  const first = parsed.providers[0];
  const machine = first?.types[0];
  const isUnderMachines =
    parsed.resourceGroup !== undefined &&
    first?.namespace.toLowerCase() === "microsoft.hybridcompute" &&
    machine?.type.toLowerCase() === "machines";
  if (!isUnderMachines || !first || !machine) return { kind: "other", resourceType: typeOf(parsed) };
  const machineId = formatResourceId({
    ...parsed,
    providers: [{ namespace: first.namespace, types: [machine] }],
  });
  if (parsed.providers.length === 1 && first.types.length === 1) return { kind: "machine", machineId };
  return { kind: "underMachine", machineId, resourceType: typeOf(parsed) };
}

function typeOf(parsed: ParsedResourceId): string {
  return resourceTypeOf(parsed) || (parsed.resourceGroup === undefined ? "subscription" : "resourceGroup");
}
