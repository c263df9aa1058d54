// Placeholder: replaced by the gateways provider.
import type { RouteDefinition } from "../../types";

export function gatewaysRoutes(): RouteDefinition[] {
  return [];
}
