// Which targets a runbook request may name. A runbook acts on machines, gateways, or a whole
// subscription or resource group; each is allowed only inside ARC_SCOPES, the same setting the
// event path obeys (shared/onboarding/scope.ts), after the id is resolved the way a URL would be
// (shared/resourceId.ts, resolveRequestedResourceId), so `..`, encodings and casing cannot carry a
// request outside. Gateways are the one exception the app itself makes: it creates them in
// ARC_GATEWAY_RESOURCE_GROUP of a subscription in scope, or of the hub subscription
// (ARC_GATEWAY_SUBSCRIPTION), so those resource groups are in scope for gateways too.
import type { Settings } from "../config";
import { isInScope } from "../onboarding/scope";
import { parseGatewayId, parseResourceId } from "../resourceId";

export type TargetKind = "machine" | "gateway" | "scope";

export type ScopeVerdict = { readonly inScope: true } | { readonly inScope: false; readonly rule: string };

export type ScopeSettings = Pick<
  Settings,
  "ARC_SCOPES" | "ARC_GATEWAY_RESOURCE_GROUP" | "ARC_GATEWAY_SUBSCRIPTION"
>;

/** Whether `id` (already canonical, of the given kind) may be acted on, and if not, the rule it breaks. */
export function scopeVerdict(kind: TargetKind, id: string, settings: ScopeSettings): ScopeVerdict {
  const scopes = settings.ARC_SCOPES;
  if (scopes.length === 0) {
    return { inScope: false, rule: "ARC_SCOPES is empty, so no target is in scope" };
  }
  const listed = describeScopes(scopes);
  switch (kind) {
    case "machine":
      return isInScope(id, scopes)
        ? { inScope: true }
        : { inScope: false, rule: `a machine must lie in one of ARC_SCOPES (${listed})` };
    case "gateway":
      return gatewayInScope(id, settings)
        ? { inScope: true }
        : {
            inScope: false,
            rule:
              `a gateway must lie in one of ARC_SCOPES (${listed}), or in ARC_GATEWAY_RESOURCE_GROUP ` +
              `'${settings.ARC_GATEWAY_RESOURCE_GROUP}' of a subscription in scope` +
              (settings.ARC_GATEWAY_SUBSCRIPTION ? ` or of ARC_GATEWAY_SUBSCRIPTION` : ""),
          };
    case "scope":
      return scopeWithin(id, scopes)
        ? { inScope: true }
        : {
            inScope: false,
            rule: `a subscription or resource group must lie within one of ARC_SCOPES (${listed})`,
          };
  }
}

function gatewayInScope(id: string, settings: ScopeSettings): boolean {
  const gateway = parseGatewayId(id);
  const group = `/subscriptions/${gateway.subscriptionId}/resourceGroups/${gateway.resourceGroup}`;
  if (scopeWithin(group, settings.ARC_SCOPES)) return true;
  if (gateway.resourceGroup.toLowerCase() !== settings.ARC_GATEWAY_RESOURCE_GROUP.toLowerCase()) return false;
  const subscription = gateway.subscriptionId.toLowerCase();
  if (settings.ARC_GATEWAY_SUBSCRIPTION?.toLowerCase() === subscription) return true;
  return settings.ARC_SCOPES.some(
    (scope) => parseResourceId(scope).subscriptionId.toLowerCase() === subscription,
  );
}

/** A subscription or resource group that lies wholly inside one of the scopes. */
function scopeWithin(id: string, scopes: readonly string[]): boolean {
  const target = parseResourceId(id);
  return scopes.some((scope) => {
    const parsed = parseResourceId(scope);
    if (parsed.subscriptionId.toLowerCase() !== target.subscriptionId.toLowerCase()) return false;
    if (parsed.resourceGroup === undefined) return true;
    return target.resourceGroup?.toLowerCase() === parsed.resourceGroup.toLowerCase();
  });
}

function describeScopes(scopes: readonly string[]): string {
  const shown = scopes.slice(0, 5).join(", ");
  return scopes.length > 5 ? `${shown} and ${scopes.length - 5} more` : shown;
}
