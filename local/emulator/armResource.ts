// Shapes shared by the emulator's resource providers: systemData and the tracked/proxy
// resource envelope ARM returns.
import { parseResourceId, resourceNameOf } from "../../shared/resourceId";
import type { Principal } from "./types";

export interface SystemData {
  createdBy: string;
  createdByType: "User" | "Application" | "ManagedIdentity" | "Key";
  createdAt: string;
  lastModifiedBy: string;
  lastModifiedByType: "User" | "Application" | "ManagedIdentity" | "Key";
  lastModifiedAt: string;
}

export function systemData(principal: Principal, now: number, previous?: unknown): SystemData {
  const at = new Date(now).toISOString();
  const old = previous && typeof previous === "object" ? (previous as Partial<SystemData>) : undefined;
  return {
    createdBy: old?.createdBy ?? principal.appId,
    createdByType: old?.createdByType ?? "Application",
    createdAt: old?.createdAt ?? at,
    lastModifiedBy: principal.appId,
    lastModifiedByType: "Application",
    lastModifiedAt: at,
  };
}

/** `{id, name, type}` for an id, with the name taken from its last segment. */
export function resourceEnvelope(id: string, type: string): { id: string; name: string; type: string } {
  return { id, name: resourceNameOf(parseResourceId(id)), type };
}
