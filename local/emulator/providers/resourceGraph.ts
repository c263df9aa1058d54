// Placeholder: replaced by the resourceGraph provider.
import type { RouteDefinition } from "../types";

export function resourceGraphRoutes(): RouteDefinition[] {
  return [];
}
