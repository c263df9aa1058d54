// zod fields for what runbook requests name. A target id field resolves the id as a URL would
// (resolveRequestedResourceId: percent-decoding, `.`/`..`, duplicate and trailing slashes), insists
// on the resource type (an id of another provider or type is a 400 naming the field), writes it
// canonically, and checks it against ARC_SCOPES: outside, the request is refused with 403 and the
// rule (the issue carries `params.status = 403`, which the route framework answers as such). So
// no route can forget the scope check of an id it takes in; ids a route discovers itself (the
// machines of a gateway) go through `RouteContext.ensureInScope`.
import { z } from "zod";

import { getSettings } from "../../config";
import {
  parseGatewayId,
  parseMachineId,
  parseResourceId,
  resolveRequestedResourceId,
} from "../../resourceId";
import { scopeVerdict, type TargetKind } from "../targetScope";

/** The issue params that turn a zod issue into a 403 (outside ARC_SCOPES) instead of a 400. */
export interface OutOfScopeParams {
  readonly status: 403;
  readonly code: "OutOfScope";
}

const outOfScope: OutOfScopeParams = { status: 403, code: "OutOfScope" };

const examples: Record<TargetKind, string> = {
  machine:
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-fleet/providers/Microsoft.HybridCompute/machines/web-01",
  gateway:
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/arc-gateways/providers/Microsoft.HybridCompute/gateways/arc-gw-eastus",
  scope: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-fleet",
};

const descriptions: Record<TargetKind, string> = {
  machine: "An Arc machine's resource id (Microsoft.HybridCompute/machines); it must lie in ARC_SCOPES.",
  gateway: "An Arc gateway's resource id (Microsoft.HybridCompute/gateways); it must lie in scope.",
  scope: "A subscription (/subscriptions/{id}) or resource group id within ARC_SCOPES.",
};

/** Resolves and type-checks one id; throws with the reason when it is not of `kind`. */
export function canonicalTargetId(kind: TargetKind, raw: string): string {
  const id = resolveRequestedResourceId(raw);
  switch (kind) {
    case "machine": {
      const parsed = parseResourceId(id);
      parseMachineId(id);
      if (parsed.providers.length !== 1 || parsed.providers[0]?.types.length !== 1) {
        throw new Error("it is not an Arc machine id: it names a resource under a machine");
      }
      return id;
    }
    case "gateway":
      parseGatewayId(id);
      return id;
    case "scope": {
      const parsed = parseResourceId(id);
      if (parsed.providers.length > 0) {
        throw new Error("it is not a subscription or resource group id");
      }
      return id;
    }
  }
}

/** A field holding one target id: canonical on success, 400 when malformed, 403 when out of scope. */
export function targetIdField(kind: TargetKind) {
  return z
    .string()
    .max(4096)
    .transform((raw, ctx): string => {
      let id: string;
      try {
        id = canonicalTargetId(kind, raw);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: reasonOf(error) });
        return z.NEVER;
      }
      const verdict = scopeVerdict(kind, id, getSettings());
      if (!verdict.inScope) {
        ctx.addIssue({
          code: "custom",
          message: `${id} is outside the scope: ${verdict.rule}`,
          params: outOfScope,
        });
        return z.NEVER;
      }
      return id;
    })
    .meta({ description: descriptions[kind], example: examples[kind] });
}

export const machineIdField = () => targetIdField("machine");
export const gatewayIdField = () => targetIdField("gateway");
export const scopeIdField = () => targetIdField("scope");

/** A query flag: `true`/`false` (any case), `1`/`0`; anything else is a 400. */
export const queryFlag = () =>
  z
    .enum(["true", "false", "True", "False", "TRUE", "FALSE", "1", "0"], {
      error: "must be true or false",
    })
    .transform((v) => v.toLowerCase() === "true" || v === "1")
    .meta({ type: "string", enum: ["true", "false"] });

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // resourceId's messages quote the id first (`'…' is not a valid Azure resource id: reason`);
  // the field already says which value it was.
  const quoted = /^'[\s\S]*' (is not a valid Azure resource id: [\s\S]*)$/.exec(message);
  return quoted?.[1] ?? message;
}
