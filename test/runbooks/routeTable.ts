// The table behind the route tests: every runbook route of the app (orchestrations/runbooks and
// the OpenAPI route), each example request, and the ways to break it one part at a time. Routes
// added later are covered by the same table without a line here.
import { createApimGateway } from "../../local/emulator/providers/apiManagement/gateways";
import { createApiManagementService } from "../../local/emulator/providers/apiManagement/services";
import { connectMachine } from "../../local/emulator/providers/hybridCompute/machines";
import { connectCluster } from "../../local/emulator/providers/kubernetes/connectedClusters";
import { presetProviderRegistration } from "../../local/emulator/providers/resourceProviders";
import { runbookRoutes } from "../../orchestrations/runbooks";
import { parseResourceId } from "../../shared/resourceId";
import { withOpenApiRoute } from "../../shared/runbooks/http/openApi";
import type { AnyRoute, RouteExample } from "../../shared/runbooks/http/route";
import { type RouteCall, type RouteResult, type RunbookHost, runbookHostPerFile } from "./runbookHost";

export const allRoutes: readonly AnyRoute[] = withOpenApiRoute(runbookRoutes);

/** A subscription no example names and ARC_SCOPES never lists. */
export const outsideSubscription = "99999999-9999-4999-8999-999999999999";

export type Part = "params" | "query" | "body";
export type Path = readonly (string | number)[];

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const resourceIdText = /^\/subscriptions\//i;

/** `body.machineIds[2]`, `query.dryRun`, `params.id`: how the API names a field. */
export function fieldName(part: Part, path: Path): string {
  return path.reduce<string>(
    (name, key) => (typeof key === "number" ? `${name}[${key}]` : `${name}.${key}`),
    part,
  );
}

/** Every string leaf of an example, with where it is. */
export function stringLeaves(example: RouteExample): { part: Part; path: Path; value: string }[] {
  const leaves: { part: Part; path: Path; value: string }[] = [];
  const walk = (part: Part, value: unknown, path: Path) => {
    if (typeof value === "string") leaves.push({ part, path, value });
    else if (Array.isArray(value)) value.forEach((item, index) => walk(part, item, [...path, index]));
    else if (typeof value === "object" && value !== null)
      for (const [key, item] of Object.entries(value)) walk(part, item, [...path, key]);
  };
  walk("params", example.params ?? {}, []);
  walk("query", example.query ?? {}, []);
  walk("body", example.body, []);
  return leaves;
}

/** The targets an example names: full resource ids, and subscription GUIDs in their own fields. */
export function targetLeaves(example: RouteExample) {
  return stringLeaves(example).filter(
    ({ path, value }) =>
      resourceIdText.test(value) || (guid.test(value) && /subscription/i.test(String(path[path.length - 1]))),
  );
}

/** The subscriptions the examples name: the table's ARC_SCOPES. */
export function exampleSubscriptions(): string[] {
  const subscriptions = new Set<string>();
  for (const route of allRoutes) {
    for (const { value } of targetLeaves(route.example)) {
      subscriptions.add((guid.test(value) ? value : parseResourceId(value).subscriptionId).toLowerCase());
    }
  }
  return [...subscriptions];
}

/**
 * One runbook host for a test file, its ARC_SCOPES every subscription the examples name and the
 * examples' targets seeded before its tests; `appSettings` adds to its settings.
 */
export function exampleHostPerFile(
  started: (h: RunbookHost) => void,
  appSettings: Readonly<Record<string, string>> = {},
): void {
  const subscriptions = exampleSubscriptions();
  runbookHostPerFile(
    {
      subscriptionId: subscriptions[0] ?? "00000000-0000-0000-0000-000000000000",
      appSettings: { ARC_SCOPES: subscriptions.map((s) => `/subscriptions/${s}`).join(","), ...appSettings },
    },
    async (host) => {
      started(host);
      await seedExampleTargets(host);
    },
  );
}

/** The example with one leaf replaced (`undefined` removes an object key). */
export function withLeaf(example: RouteExample, part: Part, path: Path, value: unknown): RouteExample {
  const set = (container: unknown, rest: Path): unknown => {
    if (rest.length === 0) return value;
    const [key, ...tail] = rest;
    if (Array.isArray(container))
      return (container as unknown[]).map((item, index) => (index === key ? set(item, tail) : item));
    const copy = { ...(container as Record<string, unknown>) };
    const next = set(copy[key as string], tail);
    if (next === undefined) delete copy[key as string];
    else copy[key as string] = next;
    return copy;
  };
  const current = part === "body" ? example.body : (example[part] ?? {});
  return { ...example, [part]: set(current, path) };
}

function seedApimProviders(
  state: Parameters<typeof presetProviderRegistration>[0],
  subscriptionId: string,
): void {
  for (const namespace of [
    "Microsoft.Kubernetes",
    "Microsoft.KubernetesConfiguration",
    "Microsoft.ApiManagement",
  ])
    presetProviderRegistration(state, subscriptionId, namespace, "Registered");
}

/**
 * What an example needs to exist in the emulator: its machines connected, its gateways created,
 * its connected clusters joined and its API Management gateways (Developer tier) there.
 */
export async function seedExampleTargets(h: RunbookHost): Promise<void> {
  const emulator = h.host.emulator!;
  const done = new Set<string>();
  for (const route of allRoutes) {
    const example = route.example;
    const machineParams = example.params;
    const ids = targetLeaves(example)
      .map(({ value }) => value)
      .filter((value) => resourceIdText.test(value));
    if (
      machineParams?.subscriptionId &&
      machineParams.resourceGroup &&
      machineParams.name &&
      /^clusters\//.test(route.route)
    ) {
      ids.push(
        `/subscriptions/${machineParams.subscriptionId}/resourceGroups/${machineParams.resourceGroup}/providers/Microsoft.Kubernetes/connectedClusters/${machineParams.name}`,
      );
    }
    if (
      machineParams?.subscriptionId &&
      machineParams.resourceGroup &&
      machineParams.name &&
      /machines/.test(route.route)
    ) {
      ids.push(
        `/subscriptions/${machineParams.subscriptionId}/resourceGroups/${machineParams.resourceGroup}/providers/Microsoft.HybridCompute/machines/${machineParams.name}`,
      );
    }
    for (const id of ids) {
      const parsed = parseResourceId(id);
      const type = parsed.providers[0]?.types[0];
      if (parsed.resourceGroup === undefined || type === undefined || done.has(id.toLowerCase())) continue;
      done.add(id.toLowerCase());
      if (type.type.toLowerCase() === "machines") {
        connectMachine(emulator.context(), {
          subscriptionId: parsed.subscriptionId,
          resourceGroup: parsed.resourceGroup,
          name: type.name,
          location: "eastus",
          agentVersion: "1.55.02941.1840",
          osType: "linux",
          osName: "Ubuntu",
          osVersion: "22.04",
        });
      } else if (type.type.toLowerCase() === "connectedclusters") {
        seedApimProviders(emulator.state, parsed.subscriptionId);
        connectCluster(emulator.context(), {
          subscriptionId: parsed.subscriptionId,
          resourceGroup: parsed.resourceGroup,
          name: type.name,
          location: "westeurope",
        });
      } else if (type.type.toLowerCase() === "service" && parsed.providers[0]?.types[1] !== undefined) {
        seedApimProviders(emulator.state, parsed.subscriptionId);
        createApiManagementService(emulator.context(), {
          subscriptionId: parsed.subscriptionId,
          resourceGroup: parsed.resourceGroup,
          name: type.name,
          location: "westeurope",
          sku: "Developer",
        });
        createApimGateway(emulator.context(), {
          serviceId: `/subscriptions/${parsed.subscriptionId}/resourceGroups/${parsed.resourceGroup}/providers/Microsoft.ApiManagement/service/${type.name}`,
          name: parsed.providers[0].types[1].name,
        });
      } else if (type.type.toLowerCase() === "gateways") {
        const put = await emulator.request("PUT", `${id}?api-version=2025-01-13`, {
          location: "eastus",
          properties: { gatewayType: "Public", allowedFeatures: ["*"] },
        });
        if (put.status >= 300) throw new Error(`Seeding ${id}: PUT answered ${put.status}`);
      }
    }
  }
  await h.host.runUntilIdle();
}

/** The URL path (under /api/) and call for an example. */
export function requestOf(
  route: AnyRoute,
  example: RouteExample,
  extra: RouteCall = {},
): { path: string; call: RouteCall } {
  const params = (example.params ?? {}) as Record<string, string>;
  const path = route.route.replace(/\{\*?([A-Za-z0-9_]+)(?::[^}]*)?\??\}/g, (_match, name: string) =>
    encodeURIComponent(params[name] ?? ""),
  );
  const query = new URLSearchParams(example.query).toString();
  return {
    path: query === "" ? path : `${path}?${query}`,
    call: {
      method: route.method,
      ...(route.method !== "GET" && route.method !== "DELETE" && example.body !== undefined
        ? { body: example.body }
        : {}),
      ...extra,
    },
  };
}

export async function send(
  h: RunbookHost,
  route: AnyRoute,
  example: RouteExample,
  extra: RouteCall = {},
): Promise<RouteResult> {
  const { path, call } = requestOf(route, example, extra);
  return h.call(path, call);
}

/** A client principal header as App Service sends it, with these app roles. */
export function principal(roles: readonly string[]): string {
  return Buffer.from(
    JSON.stringify({
      auth_typ: "aad",
      name_typ: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
      role_typ: "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
      claims: [
        { typ: "name", val: "operator@contoso.example" },
        ...roles.map((role) => ({ typ: "roles", val: role })),
      ],
    }),
  ).toString("base64");
}

export function errorOf(result: RouteResult): {
  code?: string;
  field?: string;
  message?: string;
  operation?: { statusUrl?: string };
} {
  return (result.body as { error?: object } | undefined)?.error ?? {};
}
