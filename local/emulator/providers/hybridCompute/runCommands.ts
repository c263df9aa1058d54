// Placeholder: replaced by the runCommands provider.
import type { RouteDefinition } from "../../types";

export function runCommandsRoutes(): RouteDefinition[] {
  return [];
}
