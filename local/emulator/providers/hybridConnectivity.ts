// Placeholder: replaced by the hybridConnectivity provider.
import type { RouteDefinition } from "../types";

export function hybridConnectivityRoutes(): RouteDefinition[] {
  return [];
}
