// The one place a runbook route becomes an HTTP trigger: `app.http` with authLevel "function"
// (the Functions host checks the key before anything runs), the route under /api/, the route's
// method, and the durable client binding; the handler is serve.ts over the route's definition.
// functions/runbooks.ts calls this with the app's route list; the OpenAPI route is added here.
import { app } from "@azure/functions";
import * as df from "durable-functions";

import { type ArmContext, armContextFromSettings } from "../../azure/armContext";
import { getSettings } from "../../config";
import { withOpenApiRoute } from "./openApi";
import type { AnyRoute } from "./route";
import { serveRoute } from "./serve";

/** Registers every route (and GET /api/openapi.json); throws on a duplicate name or method+route. */
export function registerRunbookRoutes(routes: readonly AnyRoute[]): readonly AnyRoute[] {
  const all = withOpenApiRoute(routes);
  assertDistinct(all);
  let arm: ArmContext | undefined;
  const armContext = () => (arm ??= armContextFromSettings(getSettings()));
  for (const route of all) {
    app.http(route.name, {
      methods: [route.method],
      route: route.route,
      authLevel: "function",
      extraInputs: [df.input.durableClient()],
      handler: (request, context) =>
        serveRoute(route, request, context, {
          settings: getSettings,
          durable: () => df.getClient(context),
          arm: armContext,
        }),
    });
  }
  return all;
}

function assertDistinct(routes: readonly AnyRoute[]): void {
  const names = new Set<string>();
  const targets = new Set<string>();
  for (const route of routes) {
    const name = route.name.toLowerCase();
    const target = `${route.method} ${route.route.toLowerCase()}`;
    if (names.has(name)) throw new Error(`Two runbook routes are named ${route.name}`);
    if (targets.has(target)) throw new Error(`Two runbook routes answer ${target}`);
    names.add(name);
    targets.add(target);
  }
}
