// Matches a request path against route templates. Literal segments compare case-insensitively
// (ARM paths do); `{name}` takes one segment, `{name*}` one or more (for `{resourceUri}` scopes
// such as a machine id under which HybridConnectivity endpoints live).
import type { HttpMethod, RouteDefinition } from "./types";

interface CompiledRoute {
  readonly route: RouteDefinition;
  readonly regex: RegExp;
  readonly names: readonly string[];
  /** Longer literal text wins when two templates match (as the spec check does). */
  readonly specificity: number;
}

export type RouteMatch =
  | { readonly kind: "match"; readonly route: RouteDefinition; readonly params: Record<string, string> }
  | { readonly kind: "wrongMethod" }
  | { readonly kind: "none" };

export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(...routes: RouteDefinition[]): void {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.pattern
        .split("/")
        .filter(Boolean)
        .map((segment) =>
          segment.replace(/\{([^}]+)\}|[^{}]+/g, (literal: string, name: string | undefined) => {
            if (name === undefined) return literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
            const greedy = name.endsWith("*");
            names.push(greedy ? name.slice(0, -1) : name);
            return greedy ? "(.+)" : "([^/]+)";
          }),
        )
        .join("/");
      this.routes.push({
        route,
        regex: new RegExp(`^/${source}/?$`, "i"),
        names,
        specificity: route.pattern.replace(/\{[^}]+\}/g, "").length,
      });
    }
    this.routes.sort((a, b) => b.specificity - a.specificity);
  }

  match(method: HttpMethod, path: string): RouteMatch {
    let pathMatched = false;
    for (const compiled of this.routes) {
      const m = compiled.regex.exec(path);
      if (!m) continue;
      if (compiled.route.method !== method) {
        pathMatched = true;
        continue;
      }
      const params: Record<string, string> = {};
      compiled.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? "");
      });
      return { kind: "match", route: compiled.route, params };
    }
    return pathMatched ? { kind: "wrongMethod" } : { kind: "none" };
  }

  all(): readonly RouteDefinition[] {
    return this.routes.map((r) => r.route);
  }
}
