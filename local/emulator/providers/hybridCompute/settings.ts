// Placeholder: replaced by the settings provider.
import type { RouteDefinition } from "../../types";

export function settingsRoutes(): RouteDefinition[] {
  return [];
}
