// Which machines arc-autopilot may touch. A scope is a subscription or a resource group
// (`/subscriptions/{s}` or `/subscriptions/{s}/resourceGroups/{rg}`); a machine is in scope when
// its id lies under one. No scopes means nothing is in scope: an identity that can see every
// subscription in the tenant must not start changing all of them because a setting was left
// empty. Machines can also opt out with a tag (tag names compare case-insensitively in ARM). The
// settings' own syntax (parseScope, parseOptOutTag) lives in shared/validation/scope.ts.
import { parseMachineId, parseResourceId } from "../resourceId";
import type { OptOutTag, Scope } from "../validation/scope";

/** True when the machine lies in one of the scopes; never for an empty list (fail closed). */
export function isInScope(machineId: string, scopes: readonly Scope[]): boolean {
  let machine;
  try {
    machine = parseMachineId(machineId);
  } catch {
    return false;
  }
  return scopes.some((scope) => {
    let parsed;
    try {
      parsed = parseResourceId(scope);
    } catch {
      return false;
    }
    if (parsed.providers.length > 0) return false;
    if (parsed.subscriptionId.toLowerCase() !== machine.subscriptionId.toLowerCase()) return false;
    return (
      parsed.resourceGroup === undefined ||
      parsed.resourceGroup.toLowerCase() === machine.resourceGroup.toLowerCase()
    );
  });
}

/** The subscriptions the scopes lie in, each once, lower case and sorted. */
export function subscriptionsOfScopes(scopes: readonly Scope[]): string[] {
  const found = new Set<string>();
  for (const scope of scopes) {
    try {
      found.add(parseResourceId(scope).subscriptionId.toLowerCase());
    } catch {
      // a scope that is not a resource id holds no machines
    }
  }
  return [...found].sort();
}

/**
 * The fewest subscriptions and resource groups that list every resource of the scopes: each scope
 * once, a resource group dropped when its subscription is itself a scope. An ARM list at exactly
 * these needs read access at the scopes only, not at their whole subscriptions.
 */
export function listingScopesOf(
  scopes: readonly Scope[],
): { readonly subscriptionId: string; readonly resourceGroup?: string }[] {
  const parsed: { subscriptionId: string; resourceGroup?: string }[] = [];
  for (const scope of scopes) {
    try {
      const id = parseResourceId(scope);
      if (id.providers.length > 0) continue;
      parsed.push({
        subscriptionId: id.subscriptionId.toLowerCase(),
        ...(id.resourceGroup !== undefined ? { resourceGroup: id.resourceGroup } : {}),
      });
    } catch {
      // a scope that is not a resource id holds nothing
    }
  }
  const wholeSubscriptions = new Set(
    parsed.filter((s) => s.resourceGroup === undefined).map((s) => s.subscriptionId),
  );
  const seen = new Set<string>();
  return parsed.filter((scope) => {
    if (scope.resourceGroup !== undefined && wholeSubscriptions.has(scope.subscriptionId)) return false;
    const key = `${scope.subscriptionId}/${scope.resourceGroup?.toLowerCase() ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * True when the tags carry the opt-out tag. Names compare case-insensitively as ARM does; values
 * too, unlike ARM, because a machine tagged `Opt-Out` by hand clearly means to opt out, and
 * erring here only leaves a machine alone.
 */
export function hasOptOutTag(
  tags: Readonly<Record<string, string>> | undefined,
  policy: { readonly optOutTag: OptOutTag },
): boolean {
  const wantedName = policy.optOutTag.name.toLowerCase();
  const wantedValue = policy.optOutTag.value?.trim().toLowerCase();
  return Object.entries(tags ?? {}).some(
    ([name, value]) =>
      name.trim().toLowerCase() === wantedName &&
      (wantedValue === undefined || String(value).trim().toLowerCase() === wantedValue),
  );
}
