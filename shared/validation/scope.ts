// The syntax of the scope and opt-out tag settings (ARC_SCOPES, ARC_OPT_OUT_TAG): what config.ts
// validates at start. What they mean for a machine is the onboarding domain's
// (shared/onboarding/scope.ts); this leaf only knows resource ids and ARM's tag rules.
import { ValidationError } from "../errors";
import { formatResourceId, parseResourceId } from "../resourceId";
import { shorten } from "../text";

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
