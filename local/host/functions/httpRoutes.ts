// The route table of the app's HTTP-triggered functions: each function's template (its `route`,
// or its name when none is set), allowed methods and authLevel, ordered by route precedence so
// `users/me` wins over `users/{id}` whatever the registration order.
import type { RegisteredFunction } from "../types";
import { parseRouteTemplate, type RouteTemplate, RouteTemplateError } from "./routeTemplate";

export type AuthLevel = "anonymous" | "function" | "admin";

export interface HttpRoute {
  readonly functionName: string;
  readonly template: RouteTemplate;
  /** Upper-case methods; undefined = any method (no `methods` on the trigger). */
  readonly methods: ReadonlySet<string> | undefined;
  readonly authLevel: AuthLevel;
}

export type RouteLookup =
  | { readonly kind: "matched"; readonly route: HttpRoute; readonly params: Readonly<Record<string, string>> }
  /** The path matched a route, but not with this method. The host answers 404 (routing failed). */
  | { readonly kind: "methodNotAllowed"; readonly allowed: readonly string[] }
  | { readonly kind: "notFound" };

export class HttpRoutes {
  readonly routes: readonly HttpRoute[];

  constructor(functions: readonly RegisteredFunction[]) {
    const routes = functions
      .filter((fn) => fn.trigger.type.toLowerCase() === "httptrigger")
      .map((fn) => routeFor(fn));
    // Stable sort: equal precedence keeps registration order.
    this.routes = routes
      .map((route, order) => ({ route, order }))
      .sort((a, b) => comparePrecedence(a.route, b.route) || a.order - b.order)
      .map((entry) => entry.route);
  }

  /** `path` is what follows the route prefix, e.g. `/users/42` for `/api/users/42`. */
  lookup(method: string, path: string): RouteLookup {
    const allowed = new Set<string>();
    for (const route of this.routes) {
      const match = route.template.match(path);
      if (match === undefined) continue;
      if (route.methods === undefined || route.methods.has(method.toUpperCase())) {
        return { kind: "matched", route, params: match.params };
      }
      route.methods.forEach((allowedMethod) => allowed.add(allowedMethod));
    }
    return allowed.size > 0 ? { kind: "methodNotAllowed", allowed: [...allowed] } : { kind: "notFound" };
  }
}

function routeFor(fn: RegisteredFunction): HttpRoute {
  const route = fn.trigger.route;
  const templateText = typeof route === "string" && route.trim() !== "" ? route : fn.name;
  let template: RouteTemplate;
  try {
    template = parseRouteTemplate(templateText);
  } catch (error) {
    if (error instanceof RouteTemplateError) {
      throw new RouteTemplateError(`Function '${fn.name}': ${error.message}`);
    }
    throw error;
  }
  const methods = Array.isArray(fn.trigger.methods)
    ? new Set(
        fn.trigger.methods
          .filter((method) => typeof method === "string")
          .map((method) => method.toUpperCase()),
      )
    : undefined;
  return {
    functionName: fn.name,
    template,
    methods: methods !== undefined && methods.size > 0 ? methods : undefined,
    authLevel: authLevelOf(fn),
  };
}

function authLevelOf(fn: RegisteredFunction): AuthLevel {
  const level = fn.trigger.authLevel;
  if (level === undefined) return "anonymous";
  if (typeof level !== "string") throw new Error(`Function '${fn.name}' has a non-text authLevel.`);
  const normalized = level.toLowerCase();
  // "system" is for extension webhooks and "user" for EasyAuth; neither has an app-facing key here.
  if (normalized === "anonymous" || normalized === "function" || normalized === "admin") return normalized;
  throw new Error(
    `Function '${fn.name}' has authLevel '${level}'; the local host knows anonymous, function and admin.`,
  );
}

function comparePrecedence(a: HttpRoute, b: HttpRoute): number {
  const length = Math.min(a.template.precedence.length, b.template.precedence.length);
  for (let index = 0; index < length; index++) {
    const difference = (a.template.precedence[index] ?? 0) - (b.template.precedence[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return a.template.precedence.length - b.template.precedence.length;
}
