// The Functions host's HTTP front door on node:http: HTTP-triggered functions under the route
// prefix (`/api`) with authLevel enforced, the Event Grid and Durable extension webhooks under
// `/runtime/webhooks/`, the durable RPC base `/durabletask/`, and the admin API. Nothing a
// caller sends can crash it: bad targets are 400, oversized bodies 413, handler failures 500.
import type { IncomingMessage, ServerResponse } from "node:http";

import type { DurableEndpoints, FunctionInvoker } from "../types";
import { type AdminInvokeContext, handleAdminInvoke } from "./adminApi";
import { forwardToDurable } from "./durableWebhook";
import { handleEventGridWebhook } from "./eventGridWebhook";
import {
  durableTaskSystemKeyName,
  eventGridSystemKeyName,
  type HostKeys,
  isAuthorized,
  type KeyRequirement,
  presentedKey,
} from "./hostKeys";
import type { HostLog } from "./hostLog";
import { emptyAnswer, type HttpAnswer, jsonAnswer, textAnswer } from "./httpAnswer";
import type { AuthLevel, HttpRoutes } from "./httpRoutes";
import { fromRpcHttpResponse, httpOutputOf, toRpcHttpRequest } from "./httpTriggerBinding";

/** How an extension webhook is protected: by its system key (as on Azure) or not at all. */
export type WebhookAuth = "systemKey" | "anonymous";

export interface FrontDoorParts {
  readonly invoker: FunctionInvoker;
  readonly routes: HttpRoutes;
  readonly keys: HostKeys;
  /** Without slashes; "" puts function routes at the root. */
  readonly routePrefix: string;
  readonly maxBodyBytes: number;
  readonly durable: () => DurableEndpoints | undefined;
  readonly eventGridWebhookAuth: WebhookAuth;
  readonly durableWebhookAuth: WebhookAuth;
  readonly admin: AdminInvokeContext;
  readonly track: <T>(work: Promise<T>) => Promise<T>;
  readonly log: HostLog;
  /** `http://127.0.0.1:<port>`, for callers that send no usable Host header. */
  readonly origin: () => string;
}

interface RequestTarget {
  /** Percent-encoded path, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Path and query as sent. */
  readonly pathAndQuery: string;
}

const eventGridWebhookPath = "/runtime/webhooks/eventgrid";
const durableWebhookBase = "/runtime/webhooks/durabletask/";
const durableRpcBase = "/durabletask/";

export function createFrontDoorListener(
  parts: FrontDoorParts,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    handle(parts, request, response).catch((error: unknown) => {
      parts.log({
        level: "error",
        category: "system",
        message: `Request ${request.method ?? "?"} ${request.url ?? "?"} failed inside the host: ${describe(error)}`,
      });
      if (response.headersSent) return void response.destroy();
      // Headers set before the failure (an invalid one from a handler, say) must not leak into the 500.
      for (const name of response.getHeaderNames()) response.removeHeader(name);
      writeAnswer(request, response, emptyAnswer(500));
    });
  };
}

async function handle(
  parts: FrontDoorParts,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const method = (request.method ?? "GET").toUpperCase();
  const target = parseTarget(request.url ?? "");
  if (target === undefined) return writeAnswer(request, response, textAnswer(400, "Bad request target"));
  const declaredLength = Number(request.headers["content-length"] ?? 0);
  if (declaredLength > parts.maxBodyBytes) return writeAnswer(request, response, tooLarge());

  const answer = await dispatch(parts, request, method, target);
  writeAnswer(request, response, answer);
}

async function dispatch(
  parts: FrontDoorParts,
  request: IncomingMessage,
  method: string,
  target: RequestTarget,
): Promise<HttpAnswer> {
  const path = target.path;
  const lower = path.toLowerCase();
  const presented = presentedKey(request.headers, target.query);
  const allowed = (requirement: KeyRequirement) => isAuthorized(parts.keys, requirement, presented);
  const body = () => readBody(request, parts.maxBodyBytes);

  if (lower === eventGridWebhookPath || lower === `${eventGridWebhookPath}/`) {
    if (!allowed(webhookRequirement(parts.eventGridWebhookAuth, eventGridSystemKeyName)))
      return emptyAnswer(401);
    const content = await body();
    if (content === undefined) return tooLarge();
    return handleEventGridWebhook(
      { method, query: target.query, headers: request.headers, body: content },
      parts.invoker,
      parts.log,
    );
  }

  const durableBase = lower.startsWith(durableWebhookBase)
    ? durableWebhookBase
    : lower.startsWith(durableRpcBase)
      ? durableRpcBase
      : undefined;
  if (durableBase !== undefined) {
    // The RPC base is the extension's loopback endpoint, which takes no key.
    if (
      durableBase === durableWebhookBase &&
      !allowed(webhookRequirement(parts.durableWebhookAuth, durableTaskSystemKeyName))
    ) {
      return emptyAnswer(401);
    }
    const content = await body();
    if (content === undefined) return tooLarge();
    return forwardToDurable(parts.durable(), {
      method,
      path: path.slice(durableBase.length),
      query: target.query,
      headers: request.headers,
      body: content,
      origin: requestOrigin(parts, request),
    });
  }

  if (lower.startsWith("/admin/")) return admin(parts, method, target, allowed, body);

  if (lower === "/" && parts.routePrefix !== "") {
    return textAnswer(200, "The local Functions host is running.");
  }

  const prefix = parts.routePrefix === "" ? "" : `/${parts.routePrefix.toLowerCase()}`;
  if (prefix === "" || lower === prefix || lower.startsWith(`${prefix}/`)) {
    return httpFunction(parts, request, method, target, path.slice(prefix.length), allowed, body);
  }
  return emptyAnswer(404);
}

async function httpFunction(
  parts: FrontDoorParts,
  request: IncomingMessage,
  method: string,
  target: RequestTarget,
  routePath: string,
  allowed: (requirement: KeyRequirement) => boolean,
  body: () => Promise<Buffer | undefined>,
): Promise<HttpAnswer> {
  const lookup = parts.routes.lookup(method, routePath);
  if (lookup.kind === "methodNotAllowed") {
    // The host's router treats the method as one more route constraint: no route, 404.
    parts.log({
      level: "debug",
      category: "system",
      message: `${method} ${target.path}: the route exists for ${lookup.allowed.join(", ")} only`,
    });
    return emptyAnswer(404);
  }
  if (lookup.kind === "notFound") return emptyAnswer(404);
  const { route, params } = lookup;
  if (!allowed(functionRequirement(route.authLevel, route.functionName))) return emptyAnswer(401);
  const fn = parts.invoker.find(route.functionName);
  if (fn === undefined) return emptyAnswer(404);
  const content = await body();
  if (content === undefined) return tooLarge();

  const trigger = toRpcHttpRequest({
    method,
    url: `${requestOrigin(parts, request)}${target.pathAndQuery}`,
    headers: request.headers,
    query: target.query,
    params,
    body: content,
  });
  try {
    const result = await parts.track(parts.invoker.invoke(fn.name, { [fn.triggerName]: trigger }));
    return fromRpcHttpResponse(httpOutputOf(fn, result));
  } catch (error) {
    parts.log({
      level: "error",
      category: "system",
      message: `Executed '${fn.name}' (Failed): ${describe(error)}`,
      functionName: fn.name,
    });
    return emptyAnswer(500);
  }
}

async function admin(
  parts: FrontDoorParts,
  method: string,
  target: RequestTarget,
  allowed: (requirement: KeyRequirement) => boolean,
  body: () => Promise<Buffer | undefined>,
): Promise<HttpAnswer> {
  const segments = target.path.split("/").filter((segment) => segment !== "");
  const [, area, name, extra] = segments.map((segment) => segment.toLowerCase());
  if (area === "host" && name === "ping" && extra === undefined) return emptyAnswer(200);
  if (!allowed({ level: "admin" })) return emptyAnswer(401);
  if (area === "host" && name === "status" && extra === undefined && method === "GET") {
    return jsonAnswer(200, { state: "Running", version: "local" });
  }
  if (area === "functions" && name !== undefined && extra === undefined && method === "POST") {
    const content = await body();
    if (content === undefined) return tooLarge();
    const functionName = decodeSegment(segments[2] ?? "");
    if (functionName === undefined) return emptyAnswer(404);
    return handleAdminInvoke(functionName, content, parts.admin);
  }
  return emptyAnswer(404);
}

function webhookRequirement(auth: WebhookAuth, keyName: string): KeyRequirement {
  return auth === "anonymous" ? { level: "anonymous" } : { level: "system", keyName };
}

function functionRequirement(level: AuthLevel, functionName: string): KeyRequirement {
  if (level === "function") return { level, functionName };
  return { level };
}

/** The body, or undefined once it exceeds the limit (the rest is left unread). */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(): HttpAnswer {
  // Closing the connection spares reading the rest of a body nobody wants.
  return emptyAnswer(413, { connection: "close" });
}

function parseTarget(raw: string): RequestTarget | undefined {
  let pathAndQuery = raw;
  if (!raw.startsWith("/")) {
    // absolute-form (`GET http://host/path`), which proxies send
    try {
      const url = new URL(raw);
      pathAndQuery = `${url.pathname}${url.search}`;
    } catch {
      return undefined;
    }
  }
  if (pathAndQuery.startsWith("//")) return undefined;
  const queryStart = pathAndQuery.indexOf("?");
  const path = queryStart < 0 ? pathAndQuery : pathAndQuery.slice(0, queryStart);
  const search = queryStart < 0 ? "" : pathAndQuery.slice(queryStart + 1);
  if (/[\s\0]/.test(path)) return undefined;
  return { path, query: new URLSearchParams(search), pathAndQuery };
}

function requestOrigin(parts: FrontDoorParts, request: IncomingMessage): string {
  const host = request.headers.host;
  if (host !== undefined && /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host))
    return `http://${host}`;
  return parts.origin();
}

function writeAnswer(request: IncomingMessage, response: ServerResponse, answer: HttpAnswer): void {
  for (const [name, value] of Object.entries(answer.headers)) {
    response.setHeader(name, typeof value === "string" ? value : [...value]);
  }
  const bodyless = answer.status === 204 || answer.status === 304;
  if (!bodyless) response.setHeader("content-length", answer.body.length);
  response.writeHead(answer.status);
  response.end(bodyless || request.method === "HEAD" ? undefined : answer.body);
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
