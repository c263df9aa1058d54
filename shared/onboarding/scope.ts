// Which machines arc-autopilot may touch. A scope is a subscription or a resource group
// (`/subscriptions/{s}` or `/subscriptions/{s}/resourceGroups/{rg}`); a machine is in scope when
// its id lies under one. No scopes means nothing is in scope: an identity that can see every
// subscription in the tenant must not start changing all of them because a setting was left
// empty. Machines can also opt out with a tag (tag names compare case-insensitively in ARM).
import { ValidationError } from "../errors";
import { formatResourceId, parseMachineId, parseResourceId } from "../resourceId";

/** `/subscriptions/{s}[/resourceGroups/{rg}]`, in ARM's casing of the keywords. */
export type Scope = string;

export interface OptOutTag {
  readonly name: string;
  /** Undefined: the tag opts a machine out whatever its value. */
  readonly value?: string;
}

/** Validates a scope and writes it canonically; ValidationError for anything narrower or wider. */
export function parseScope(text: string): Scope {
  const parsed = parseResourceId(text.trim());
  if (parsed.providers.length > 0) {
    throw new ValidationError(
      `'${shorten(text)}' is not a scope: expected /subscriptions/{id} or /subscriptions/{id}/resourceGroups/{name}`,
      "InvalidScope",
    );
  }
  return formatResourceId(parsed);
}

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

// ARM forbids these in tag names (azure-resource-manager/management/tag-resources, "Limitations").
const forbiddenInTagName = /[<>%&\\?/]/;

/** `name` or `name:value` (split at the first colon); ValidationError when the name is unusable. */
export function parseOptOutTag(text: string): OptOutTag {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(":");
  const name = (colon < 0 ? trimmed : trimmed.slice(0, colon)).trim();
  const value = colon < 0 ? "" : trimmed.slice(colon + 1).trim();
  if (name === "" || name.length > 512 || forbiddenInTagName.test(name)) {
    throw new ValidationError(
      `'${shorten(text)}' is not a tag: expected name or name:value, the name 1 to 512 characters without < > % & \\ ? /`,
      "InvalidTag",
    );
  }
  if (value.length > 256) throw new ValidationError("A tag value has at most 256 characters", "InvalidTag");
  return value === "" ? { name } : { name, value };
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

function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
