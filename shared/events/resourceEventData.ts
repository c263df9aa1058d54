// The `data` of the events arc-autopilot acts on, validated with zod. Only the fields decisions
// rest on are required; everything else is optional and tolerated in the shapes Azure really
// sends: `httpRequest` is left out for creations, and `authorization`/`claims` arrive as objects
// (docs, examples) or JSON text (the 2018-01-01 swagger types them as strings) — docs/azure-facts.md §9.
// Lengths are capped so a hostile payload cannot make us carry megabytes into logs or history.
import { z } from "zod";

/** An object, or JSON text of one; anything else (the docs' `"{azure_resource_manager_claims}"`) counts as absent. */
const objectOrJsonText = z.unknown().transform((value): Record<string, unknown> | undefined => {
  let candidate = value;
  if (typeof candidate === "string") {
    if (candidate.length > 65_536) return undefined;
    try {
      candidate = JSON.parse(candidate) as unknown;
    } catch {
      return undefined;
    }
  }
  return candidate !== null && typeof candidate === "object" && !Array.isArray(candidate)
    ? (candidate as Record<string, unknown>)
    : undefined;
});

const text = (max: number) => z.string().min(1).max(max);

/** `Microsoft.Resources.Resource{Write,Delete}Success` data (Event Grid data-plane 2018-01-01, Resources.json). */
export const resourceEventDataSchema = z.object({
  resourceUri: text(4096),
  operationName: text(512),
  status: text(64).optional(),
  resourceProvider: text(512).optional(),
  subscriptionId: text(128).optional(),
  tenantId: text(128).optional(),
  correlationId: text(256).optional(),
  authorization: objectOrJsonText.optional(),
  claims: objectOrJsonText.optional(),
  httpRequest: objectOrJsonText.optional(),
});

export type ResourceEventData = z.output<typeof resourceEventDataSchema>;

/**
 * Azure Resource Notifications `Resources.CreatedOrUpdated`/`Deleted` data ([docs] azure-docs
 * event-schema-resources.md): `resourceInfo` and `operationalInfo` on the wire, which the
 * @azure/eventgrid typings rename `resourceDetails`/`operationalDetails` (their mappers'
 * serializedName is `resourceInfo`). Deleted events carry only id, name and type.
 */
export const resourceNotificationDataSchema = z.object({
  resourceInfo: z.object({
    id: text(4096),
    name: text(512).optional(),
    type: text(512).optional(),
    location: text(128).optional(),
  }),
  apiVersion: text(64).optional(),
  operationalInfo: z.object({ resourceEventTime: text(64).optional() }).optional(),
});

export type ResourceNotificationData = z.output<typeof resourceNotificationDataSchema>;

/** Event `data` as delivered: an object, or JSON text of one (CloudEvents may carry text). */
export function eventDataObject(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** The caller's app and object ids from the claims, when they are plain short strings. */
export function callerOf(
  claims: Record<string, unknown> | undefined,
): { appId?: string; objectId?: string } | undefined {
  if (!claims) return undefined;
  const pick = (...names: string[]) => {
    for (const name of names) {
      const value = claims[name];
      if (typeof value === "string" && value !== "" && value.length <= 128) return value;
    }
    return undefined;
  };
  const appId = pick("appid", "azp");
  const objectId = pick("http://schemas.microsoft.com/identity/claims/objectidentifier", "oid");
  if (appId === undefined && objectId === undefined) return undefined;
  return { ...(appId === undefined ? {} : { appId }), ...(objectId === undefined ? {} : { objectId }) };
}
