// The emulator's admin API, under one reserved prefix (`/_emulator`) that ARM never uses and
// the contract check ignores. It does what happens outside ARM's front door: machines running
// `azcmagent connect`, agents losing connectivity, someone deleting resources behind the app's
// back, and the knobs of the emulator itself (faults, throttling, timings, deny rules, clock).
// Loopback only and unauthenticated: it is a development tool.
import type { IncomingMessage, ServerResponse } from "node:http";

import { z } from "zod";

import { VirtualClock } from "../../clock";
import { armErrors, ArmHttpError } from "../armError";
import { isTopicName } from "../eventGrid";
import { faultConfigSchema } from "../faults";
import type { Emulator } from "../index";
import { setResourceGraphQuota } from "../providers/resourceGraph";
import { presetProviderRegistration } from "../providers/resourceProviders";
import { parseAdminBody } from "../validation";
import { adminOperations } from "./adminOperations";
import { driftOperations } from "./driftOperations";
import { selfHostedGatewayAdminRoutes } from "./selfHostedGatewayAdmin";

export const adminPrefix = "/_emulator";

export interface AdminRoute {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path under the prefix; `{name}` takes one segment. */
  readonly path: string;
  readonly summary: string;
  handle(emulator: Emulator, body: unknown, params: Record<string, string>): unknown;
}

const bucketSchema = z.strictObject({
  capacity: z.number().int().min(1).max(1_000_000),
  refillPerSecond: z.number().min(0.001).max(1_000_000),
});

const coreRoutes: AdminRoute[] = [
  {
    method: "GET",
    path: "/health",
    summary: "Liveness and the emulator's clock.",
    handle: (emulator) => ({ status: "ok", now: new Date(emulator.clock.now()).toISOString() }),
  },
  {
    method: "GET",
    path: "/state",
    summary: "A snapshot of every resource, async operation, provider registration and deny rule.",
    handle: (emulator) => emulator.state.snapshot(),
  },
  {
    method: "PUT",
    path: "/faults",
    summary:
      "Seeded fault injection: {seed, rules:[{operationId?, method?, pathPattern?, status429Rate, status500Rate, status503Rate, resetRate, latencyRate, latencyMs, retryAfterSeconds}]}.",
    handle: (emulator, body) => {
      const config = parseAdminBody(faultConfigSchema, body);
      emulator.configureFaults(config);
      return config;
    },
  },
  {
    method: "PUT",
    path: "/throttling",
    summary: "{enabled, reads?, writes?, deletes?: {capacity, refillPerSecond}}; buckets restart full.",
    handle: (emulator, body) => {
      const config = parseAdminBody(
        z.strictObject({
          enabled: z.boolean(),
          reads: bucketSchema.optional(),
          writes: bucketSchema.optional(),
          deletes: bucketSchema.optional(),
        }),
        body,
      );
      const { enabled, ...limits } = config;
      emulator.configureThrottling(enabled ? limits : false);
      return config;
    },
  },
  {
    method: "PUT",
    path: "/timings",
    summary:
      "How long slow operations take, in ms: gatewayCreateMs, gatewayDeleteMs, strandedAgentDisconnectMs, operationQueuedMs, providerRegistrationMs, runCommandMs, clusterExtensionInstallMs, clusterExtensionUpdateMs, clusterExtensionDeleteMs.",
    handle: (emulator, body) => {
      const duration = z
        .number()
        .int()
        .min(0)
        .max(7 * 24 * 3600 * 1000);
      const timings = parseAdminBody(
        z.strictObject({
          gatewayCreateMs: duration.optional(),
          gatewayDeleteMs: duration.optional(),
          strandedAgentDisconnectMs: duration.optional(),
          operationQueuedMs: duration.optional(),
          providerRegistrationMs: duration.optional(),
          runCommandMs: duration.optional(),
          clusterExtensionInstallMs: duration.optional(),
          clusterExtensionUpdateMs: duration.optional(),
          clusterExtensionDeleteMs: duration.optional(),
        }),
        body,
      );
      Object.assign(emulator.timings, timings);
      return emulator.timings;
    },
  },
  {
    method: "PUT",
    path: "/permissions",
    summary:
      "RBAC deny rules: {deny:[{action, scope?}]} makes matching requests fail with 403 AuthorizationFailed.",
    handle: (emulator, body) => {
      const { deny } = parseAdminBody(
        z.strictObject({
          deny: z
            .array(
              z.strictObject({ action: z.string().min(1), scope: z.string().startsWith("/").optional() }),
            )
            .max(100),
        }),
        body,
      );
      emulator.state.denyRules = deny;
      return { deny };
    },
  },
  {
    method: "PUT",
    path: "/providers",
    summary:
      "Sets a resource provider's registration state in a subscription: {subscriptionId, namespace, state}.",
    handle: (emulator, body) => {
      const input = parseAdminBody(
        z.strictObject({
          subscriptionId: z.string().min(1),
          namespace: z
            .string()
            .regex(/^[A-Za-z0-9]+\.[A-Za-z0-9.]+$/, "a namespace such as Microsoft.HybridConnectivity"),
          state: z.enum(["NotRegistered", "Registering", "Registered", "Unregistering"]),
        }),
        body,
      );
      presetProviderRegistration(emulator.state, input.subscriptionId, input.namespace, input.state);
      return input;
    },
  },
  {
    method: "PUT",
    path: "/resourcegraph/quota",
    summary: "Resource Graph's per-user quota: {enabled, limit?, windowMs?} (default 15 queries per 5 s).",
    handle: (emulator, body) => {
      const input = parseAdminBody(
        z.strictObject({
          enabled: z.boolean(),
          limit: z.number().int().min(1).max(100_000).default(15),
          windowMs: z.number().int().min(1).max(3_600_000).default(5_000),
        }),
        body,
      );
      setResourceGraphQuota(
        emulator.state,
        input.enabled ? { limit: input.limit, windowMs: input.windowMs } : null,
      );
      return input;
    },
  },
  {
    method: "POST",
    path: "/clock/advance",
    summary: "Moves a virtual clock forward: {ms}. Refused on a real-time clock.",
    handle: async (emulator, body) => {
      const { ms } = parseAdminBody(
        z.strictObject({
          ms: z
            .number()
            .int()
            .min(0)
            .max(400 * 24 * 3600 * 1000),
        }),
        body,
      );
      if (!(emulator.clock instanceof VirtualClock)) {
        throw armErrors.conflict(
          "RealTimeClock",
          "The emulator runs on real time; only a virtual clock can be advanced.",
        );
      }
      // Deliveries in flight finish first: their response timeout runs on this clock.
      await emulator.eventGrid.whenIdle();
      await emulator.clock.advance(ms);
      return { now: new Date(emulator.clock.now()).toISOString() };
    },
  },
  {
    method: "GET",
    path: "/events",
    summary: "Every resource event published to the Event Grid system topic, and every delivery attempt.",
    handle: (emulator) => emulator.eventLog(),
  },
  {
    method: "GET",
    path: "/topics/{name}/events",
    summary:
      "Events a custom topic accepted at /eventgrid/topics/{name}/api/events, oldest first: {endpoint, value:[{topic, schema, event, receivedAt, authenticatedBy}]}.",
    handle: (emulator, _body, params) => {
      const name = params.name ?? "";
      if (!isTopicName(name)) {
        throw armErrors.badRequest(
          "InvalidAdminRequest",
          `'${name}' is not a topic name: 3 to 50 letters, digits and '-'.`,
        );
      }
      return { endpoint: emulator.topicEndpoint(name), value: emulator.topicEvents(name) };
    },
  },
];

export function adminRoutes(): AdminRoute[] {
  return [...coreRoutes, ...adminOperations, ...driftOperations, ...selfHostedGatewayAdminRoutes];
}

function matchRoute(
  method: string,
  path: string,
): { route: AdminRoute; params: Record<string, string> } | "wrongMethod" | undefined {
  let pathMatched = false;
  for (const route of adminRoutes()) {
    const names: string[] = [];
    const source = route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    const m = new RegExp(`^${adminPrefix}${source}/?$`, "i").exec(path);
    if (!m) continue;
    if (route.method !== method) {
      pathMatched = true;
      continue;
    }
    const params: Record<string, string> = {};
    names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] ?? "")));
    return { route, params };
  }
  return pathMatched ? "wrongMethod" : undefined;
}

export async function handleAdminRequest(
  emulator: Emulator,
  request: IncomingMessage,
  response: ServerResponse,
  raw: Buffer,
): Promise<boolean> {
  const url = new URL(request.url ?? "/", "https://emulator.invalid");
  if (!url.pathname.toLowerCase().startsWith(adminPrefix)) return false;
  let status = 200;
  let result: unknown;
  try {
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString("utf8")) as unknown;
      } catch (error) {
        throw armErrors.invalidJson(error instanceof Error ? error.message : "malformed JSON");
      }
    }
    const matched = matchRoute((request.method ?? "GET").toUpperCase(), url.pathname);
    if (matched === "wrongMethod") throw armErrors.methodNotAllowed(request.method ?? "", url.pathname);
    if (!matched) {
      status = 404;
      result = {
        error: { code: "NotFound", message: `No admin route ${request.method ?? ""} ${url.pathname}.` },
        routes: adminRoutes().map((r) => `${r.method} ${adminPrefix}${r.path} — ${r.summary}`),
      };
    } else {
      result = await matched.route.handle(emulator, body, matched.params);
      if (request.method === "POST") status = 201;
    }
  } catch (error) {
    const failure = error instanceof ArmHttpError ? error : armErrors.internal();
    if (!(error instanceof ArmHttpError)) console.error("[emulator] admin error:", error);
    status = failure.status;
    result = failure.toBody();
  }
  const text = result === undefined ? "" : JSON.stringify(result);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
  return true;
}
