// Placeholder: replaced by the resourceProviders provider.
import type { RouteDefinition } from "../types";

export function resourceProvidersRoutes(): RouteDefinition[] {
  return [];
}
