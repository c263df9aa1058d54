// App roles on top of function keys. When the Function App has App Service Authentication on
// (WEBSITE_AUTH_ENABLED=True, docs/azure-facts.md §16), the platform authenticates the caller and
// passes it in `X-MS-CLIENT-PRINCIPAL` (Base64 JSON: `{auth_typ, name_typ, role_typ, claims:
// [{typ, val}]}`); a route then also needs an app role: the read role for GETs, the operate role
// for anything that writes (operate includes read). With platform authentication off, that header
// is NEVER read: nothing strips it then, so any caller could forge it.
//
// Answers as App Service would: no principal (the platform lets unauthenticated requests through
// only when configured to) → 401; a principal without the role → 403 naming the role.
import type { Settings } from "../../config";
import { RouteError } from "./answers";

export type RouteRole = "read" | "operate";

export const principalHeader = "x-ms-client-principal";

/** The role claim types App Service emits for Microsoft Entra app roles. */
const roleClaimTypes = new Set([
  "roles",
  "role",
  "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
]);

/** The largest principal header decoded; App Service's are a few kilobytes. */
const maxPrincipalLength = 64 * 1024;

export type PrincipalSettings = Pick<
  Settings,
  "WEBSITE_AUTH_ENABLED" | "ARC_RUNBOOK_READ_ROLE" | "ARC_RUNBOOK_OPERATE_ROLE"
>;

/** Throws a RouteError (401/403) unless the caller may use a route of `role`; a no-op with platform auth off. */
export function authorize(
  role: RouteRole,
  header: (name: string) => string | null,
  settings: PrincipalSettings,
): void {
  if (!settings.WEBSITE_AUTH_ENABLED) return;
  const raw = header(principalHeader);
  if (raw === null || raw.trim() === "") {
    throw new RouteError(
      401,
      "Unauthenticated",
      "App Service Authentication is on and the request carries no authenticated principal",
    );
  }
  const roles = principalRoles(raw);
  if (roles === undefined) {
    throw new RouteError(401, "Unauthenticated", `The ${principalHeader} header is not a client principal`);
  }
  const accepted =
    role === "read"
      ? [settings.ARC_RUNBOOK_READ_ROLE, settings.ARC_RUNBOOK_OPERATE_ROLE]
      : [settings.ARC_RUNBOOK_OPERATE_ROLE];
  if (!accepted.some((name) => roles.has(name))) {
    throw new RouteError(
      403,
      "Forbidden",
      role === "read"
        ? `This route needs the app role ${settings.ARC_RUNBOOK_READ_ROLE} or ${settings.ARC_RUNBOOK_OPERATE_ROLE}`
        : `This route changes things and needs the app role ${settings.ARC_RUNBOOK_OPERATE_ROLE}`,
    );
  }
}

/** The app roles in a principal header, or undefined when it is not one. */
export function principalRoles(raw: string): Set<string> | undefined {
  if (raw.length > maxPrincipalLength || !/^[A-Za-z0-9+/=_-\s]+$/.test(raw)) return undefined;
  let principal: unknown;
  try {
    principal = JSON.parse(Buffer.from(raw.trim(), "base64").toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof principal !== "object" || principal === null) return undefined;
  const { claims, role_typ: roleType } = principal as { claims?: unknown; role_typ?: unknown };
  if (!Array.isArray(claims)) return undefined;
  const roles = new Set<string>();
  for (const claim of claims) {
    if (typeof claim !== "object" || claim === null) continue;
    const { typ, val } = claim as { typ?: unknown; val?: unknown };
    if (typeof typ !== "string" || typeof val !== "string") continue;
    if (roleClaimTypes.has(typ) || (typeof roleType === "string" && typ === roleType)) roles.add(val);
  }
  return roles;
}
