// Placeholder: replaced by the machines provider.
import type { RouteDefinition } from "../../types";

export function machinesRoutes(): RouteDefinition[] {
  return [];
}
