// The emulator's ARM front door. Each request goes through what ARM does before a resource
// provider sees it — authentication, routing, api-version, fault injection, throttling, JSON
// parsing — then to the provider's handler; the answer gets ARM's headers and, when a traffic
// log is set, one line in it. Nothing a client sends can crash it: every failure is an ARM error.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import type { Clock } from "../clock";
import { armErrors, ArmHttpError } from "./armError";
import type { FaultInjector } from "./faults";
import { bearerToken, principalFromToken } from "./principal";
import type { SeededRandom } from "./random";
import type { Router } from "./router";
import type { EmulatorState } from "./state";
import { type ArmThrottle, bucketFor } from "./throttling";
import { loggableHeaders, type TrafficExchange } from "./trafficLog";
import type {
  EmulatorContext,
  EmulatorTimings,
  HandlerResult,
  HttpMethod,
  Principal,
  ResourceEventInput,
} from "./types";

export const maxBodyBytes = 4 * 1024 * 1024;
const methods = new Set<string>(["GET", "PUT", "POST", "PATCH", "DELETE"]);

export interface ArmServerParts {
  readonly router: Router;
  readonly state: EmulatorState;
  readonly clock: Clock;
  readonly random: SeededRandom;
  readonly timings: EmulatorTimings;
  readonly throttle: ArmThrottle;
  readonly faults: FaultInjector;
  /** Every answered exchange: kept in memory and appended to the traffic log when one is set. */
  readonly recordExchange: (exchange: TrafficExchange) => void;
  readonly baseUrl: () => string;
  readonly publish: (event: ResourceEventInput) => void;
  /**
   * Data-plane endpoints that are not ARM's (Event Grid custom topics); answers or returns false.
   * What it answers is never recorded as an exchange.
   */
  readonly dataPlane: (
    request: IncomingMessage,
    response: ServerResponse,
    body: Buffer | "tooLarge",
  ) => boolean;
  /** Admin API under its reserved prefix; answers or returns false. */
  readonly admin: (request: IncomingMessage, response: ServerResponse, body: Buffer) => Promise<boolean>;
  readonly onInternalError: (error: unknown) => void;
}

export function createContext(parts: ArmServerParts, correlationId: string): EmulatorContext {
  return {
    state: parts.state,
    clock: parts.clock,
    random: parts.random,
    timings: parts.timings,
    baseUrl: parts.baseUrl(),
    correlationId,
    publish: parts.publish,
    authorize(principal: Principal, action: string, scope: string) {
      if (parts.state.isDenied(action, scope))
        throw armErrors.authorizationFailed(principal.objectId, action, scope);
    },
    requireRegistered(subscriptionId: string, namespace: string) {
      if (parts.state.registrationState(subscriptionId, namespace) !== "Registered") {
        throw armErrors.missingRegistration(namespace);
      }
    },
  };
}

export function createArmRequestListener(
  parts: ArmServerParts,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    handle(parts, request, response).catch((error: unknown) => {
      parts.onInternalError(error);
      if (!response.headersSent) {
        const failure = armErrors.internal();
        response.writeHead(failure.status, { "content-type": "application/json; charset=utf-8" });
        response.end(JSON.stringify(failure.toBody()));
      } else {
        response.destroy();
      }
    });
  };
}

function readBody(request: IncomingMessage): Promise<Buffer | "tooLarge"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on("end", () => resolve(tooLarge ? "tooLarge" : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

interface Exchange {
  readonly method: string;
  readonly url: URL;
  readonly request: IncomingMessage;
  requestBody: unknown;
  readonly correlationId: string;
  readonly responseHeaders: Record<string, string>;
}

async function handle(
  parts: ArmServerParts,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? "/", parts.baseUrl());
  const raw = await readBody(request);
  if (parts.dataPlane(request, response, raw)) return;
  if (raw !== "tooLarge" && (await parts.admin(request, response, raw))) return;

  const correlationId = headerValue(request, "x-ms-correlation-request-id") ?? randomUUID();
  const exchange: Exchange = {
    method: (request.method ?? "GET").toUpperCase(),
    url,
    request,
    requestBody: null,
    correlationId,
    responseHeaders: {
      "content-type": "application/json; charset=utf-8",
      "x-ms-request-id": randomUUID(),
      "x-ms-correlation-request-id": correlationId,
      "x-content-type-options": "nosniff",
      "cache-control": "no-cache",
    },
  };
  const clientRequestId = headerValue(request, "x-ms-client-request-id");
  if (clientRequestId) exchange.responseHeaders["x-ms-client-request-id"] = clientRequestId;

  let result: HandlerResult;
  try {
    const outcome = await dispatch(parts, exchange, raw, response);
    if (outcome === "reset") return;
    result = outcome;
  } catch (error) {
    if (!(error instanceof ArmHttpError)) {
      parts.onInternalError(error);
      result = toResult(armErrors.internal());
    } else {
      result = toResult(error);
    }
  }
  respond(parts, exchange, response, result);
}

function toResult(error: ArmHttpError): HandlerResult {
  return { status: error.status, body: error.toBody(), headers: error.headers };
}

async function dispatch(
  parts: ArmServerParts,
  exchange: Exchange,
  raw: Buffer | "tooLarge",
  response: ServerResponse,
): Promise<HandlerResult | "reset"> {
  const { request, url } = exchange;
  if (raw === "tooLarge") throw armErrors.payloadTooLarge(maxBodyBytes);
  exchange.requestBody = parseLoggedBody(raw);

  const bearer = bearerToken(headerValue(request, "authorization"));
  if (!bearer) {
    exchange.responseHeaders["www-authenticate"] =
      'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."';
    throw armErrors.unauthenticated("The 'Authorization' header is missing or is not a Bearer token.");
  }
  const principal = principalFromToken(bearer);

  if (!methods.has(exchange.method)) throw armErrors.methodNotAllowed(exchange.method, url.pathname);
  const method = exchange.method as HttpMethod;
  checkDecodable(url.pathname);
  const path = url.pathname;
  const match = parts.router.match(method, path);
  if (match.kind === "wrongMethod") throw armErrors.methodNotAllowed(method, url.pathname);
  if (match.kind === "none") throw armErrors.routeNotFound(method, url.pathname);
  const { route, params } = match;

  const apiVersion = url.searchParams.get("api-version") ?? undefined;
  if (!apiVersion) throw armErrors.missingApiVersion();
  if (!route.apiVersions.includes(apiVersion)) {
    throw armErrors.unsupportedApiVersion(apiVersion, route.resourceType, route.apiVersions);
  }

  const fault = parts.faults.decide({ method, path, operationId: route.operationId });
  if (fault.latencyMs > 0) await parts.clock.sleep(fault.latencyMs);
  if (fault.kind === "reset") {
    response.socket?.destroy();
    return "reset";
  }
  if (fault.kind === "status") {
    const injected =
      fault.status === 429
        ? armErrors.throttled(fault.retryAfterSeconds, params.subscriptionId ?? "", {})
        : fault.status === 500
          ? armErrors.internal()
          : armErrors.unavailable();
    throw new ArmHttpError(injected.status, injected.code, injected.message, {
      ...injected.headers,
      "retry-after": String(fault.retryAfterSeconds),
    });
  }

  const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
  if (subscriptionId) {
    const bucket = bucketFor(route.kind);
    const decision = parts.throttle.take(subscriptionId, principal.objectId, bucket);
    exchange.responseHeaders[`x-ms-ratelimit-remaining-subscription-${bucket}`] = String(decision.remaining);
    if (!decision.allowed) {
      throw armErrors.throttled(decision.retryAfterSeconds, subscriptionId, {});
    }
  }

  let body: unknown;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString("utf8")) as unknown;
    } catch (error) {
      throw armErrors.invalidJson(error instanceof Error ? error.message : "malformed JSON");
    }
  }

  const context = createContext(parts, exchange.correlationId);
  return route.handler(
    { method, url, params, apiVersion, body, headers: request.headers, principal },
    context,
  );
}

function respond(
  parts: ArmServerParts,
  exchange: Exchange,
  response: ServerResponse,
  result: HandlerResult,
): void {
  const headers: Record<string, string> = { ...exchange.responseHeaders };
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = value;
  const text = result.body === undefined ? "" : JSON.stringify(result.body);
  if (text === "") delete headers["content-type"];
  headers["content-length"] = String(Buffer.byteLength(text));
  response.writeHead(result.status, headers);
  response.end(text);
  parts.recordExchange({
    time: new Date(parts.clock.now()).toISOString(),
    method: exchange.method,
    url: exchange.url.toString(),
    requestHeaders: loggableHeaders(exchange.request.headers),
    requestBody: exchange.requestBody,
    status: result.status,
    responseHeaders: headers,
    responseBody: result.body === undefined ? null : result.body,
  });
}

function parseLoggedBody(raw: Buffer): unknown {
  if (raw.length === 0) return null;
  try {
    return JSON.parse(raw.toString("utf8")) as unknown;
  } catch {
    return null;
  }
}

function checkDecodable(pathname: string): void {
  try {
    decodeURIComponent(pathname);
  } catch {
    throw armErrors.badRequest("InvalidUri", `The request URI '${pathname}' is not valid.`);
  }
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
