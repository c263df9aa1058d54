// One request through one route: authorization (function keys are the host's; app roles when
// App Service Authentication is on), then the path parameters, query and body read within bounds
// and validated by the route's zod schemas, then the handler. Every failure becomes the common
// error answer (answers.ts); nothing a caller sends can make a route throw or answer 5xx:
// malformed JSON, a body too deep or too large, a wrong type, an unknown field, a repeated query
// parameter, an id of another provider — each is a 4xx naming the field and the reason.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { z } from "zod";

import type { ArmContext } from "../../azure/armContext";
import type { Settings } from "../../config";
import {
  ArcAutopilotError,
  ConfigurationError,
  ConflictError,
  NotFoundError,
  PermissionError,
  ThrottledError,
  ValidationError,
} from "../../errors";
import { shorten } from "../../text";
import { jsonNestingDepth } from "../../validation/jsonDepth";
import { scopeVerdict } from "../targetScope";
import { errorAnswer, type OperationLinks, type RouteAnswer, RouteError } from "./answers";
import { canonicalTargetId } from "./fields";
import { lostJsonKey } from "./jsonKeys";
import { authorize } from "./principal";
import type { AnyRoute, RouteContext } from "./route";

/** Bodies larger than this are refused (413): a list of a few thousand machine ids fits. */
export const maxBodyBytes = 1024 * 1024;
/** Deeper JSON is refused before parsing: no request body of a runbook nests this far. */
export const maxJsonDepth = 32;
/** The function key's query parameter: the host's, never part of a route's query. */
const keyParameter = "code";

export interface ServeDeps {
  readonly settings: () => Settings;
  readonly durable: () => DurableClient;
  readonly arm: () => ArmContext;
}

export async function serveRoute(
  route: AnyRoute,
  request: HttpRequest,
  invocation: InvocationContext,
  deps: ServeDeps,
): Promise<HttpResponseInit> {
  let answer: RouteAnswer;
  try {
    answer = await answerRoute(route, request, invocation, deps);
  } catch (error) {
    answer = failureAnswer(error, invocation, route);
  }
  return toResponse(answer);
}

async function answerRoute(
  route: AnyRoute,
  request: HttpRequest,
  invocation: InvocationContext,
  deps: ServeDeps,
): Promise<RouteAnswer> {
  const settings = deps.settings();
  authorize(route.role, (name) => request.headers.get(name), settings);

  const params = validatePart(route.params, { ...request.params }, "params");
  const query = validatePart(route.query, queryObject(queryOf(request)), "query");
  const body =
    route.body === undefined
      ? await readNoBody(request)
      : validatePart(route.body, await readJsonBody(request), "body");

  const apiBaseUrl = apiBaseOf(request.url);
  const context: RouteContext = {
    settings,
    durable: deps.durable,
    arm: deps.arm,
    apiBaseUrl,
    log: invocation,
    operationLinks: (instanceId) => operationLinksAt(apiBaseUrl, instanceId),
    ensureInScope(kind, id, field) {
      let canonical: string;
      try {
        canonical = canonicalTargetId(kind, id);
      } catch (error) {
        throw new RouteError(
          400,
          "InvalidInput",
          `${field}: ${error instanceof Error ? error.message : String(error)}`,
          { field },
        );
      }
      const verdict = scopeVerdict(kind, canonical, settings);
      if (!verdict.inScope) {
        throw new RouteError(
          403,
          "OutOfScope",
          `${field}: ${canonical} is outside the scope: ${verdict.rule}`,
          { field },
        );
      }
    },
  };
  return route.handler({ params, query, body }, context);
}

/** The status and cancel URLs of an operation under `apiBaseUrl`. */
export function operationLinksAt(apiBaseUrl: string, instanceId: string): OperationLinks {
  const statusUrl = `${apiBaseUrl}/operations/${encodeURIComponent(instanceId)}`;
  return { id: instanceId, statusUrl, cancelUrl: `${statusUrl}/cancel` };
}

function apiBaseOf(url: string): string {
  try {
    return `${new URL(url).origin}/api`;
  } catch {
    return "/api";
  }
}

/**
 * The query as the caller wrote it: read from the URL, since the Functions host hands the worker
 * repeated keys joined with "," and the worker copies them into a plain object, where a
 * `__proto__` key vanishes. No prototype here, so every key is one the route's schema judges.
 */
function queryOf(request: HttpRequest): URLSearchParams {
  try {
    return new URL(request.url).searchParams;
  } catch {
    return request.query;
  }
}

function queryObject(query: URLSearchParams): Record<string, string> {
  const result = Object.create(null) as Record<string, string>;
  for (const key of new Set(query.keys())) {
    if (key.toLowerCase() === keyParameter) continue;
    const values = query.getAll(key);
    if (values.length > 1) {
      const field = `query.${shorten(key, 60)}`;
      throw new RouteError(400, "InvalidInput", `${field}: given ${values.length} times; give it once`, {
        field,
      });
    }
    result[key] = values[0] ?? "";
  }
  return result;
}

async function readText(request: HttpRequest): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > maxBodyBytes) throw tooLarge();
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > maxBodyBytes) throw tooLarge();
  try {
    // Fatal: bytes that are not UTF-8 are refused, not turned into U+FFFD inside a value (a tag
    // filter that silently matches something else). A leading byte-order mark is dropped.
    return utf8.decode(bytes);
  } catch {
    throw new RouteError(400, "InvalidInput", "body: not valid UTF-8; send JSON in UTF-8", { field: "body" });
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function tooLarge(): RouteError {
  return new RouteError(413, "TooLarge", `The body is larger than ${maxBodyBytes} bytes`, { field: "body" });
}

/** A route that takes no body accepts none, or an empty JSON object. */
async function readNoBody(request: HttpRequest): Promise<undefined> {
  const text = await readText(request);
  if (text.trim() === "") return undefined;
  const value = parseJson(text, request);
  if (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 0
  ) {
    return undefined;
  }
  throw new RouteError(400, "InvalidInput", "body: this route takes no body", { field: "body" });
}

async function readJsonBody(request: HttpRequest): Promise<unknown> {
  const text = await readText(request);
  if (text.trim() === "") return {};
  return parseJson(text, request);
}

function parseJson(text: string, request: HttpRequest): unknown {
  const type = request.headers.get("content-type");
  if (type !== null && !/^\s*application\/([\w.+-]*\+)?json\s*(;|$)/i.test(type)) {
    throw new RouteError(
      415,
      "UnsupportedMediaType",
      `body: send JSON (Content-Type: application/json), not ${shorten(type, 60)}`,
      {
        field: "body",
      },
    );
  }
  if (jsonNestingDepth(text, maxJsonDepth) > maxJsonDepth) {
    throw new RouteError(400, "InvalidInput", `body: the JSON is nested deeper than ${maxJsonDepth} levels`, {
      field: "body",
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new RouteError(400, "InvalidInput", "body: not valid JSON", { field: "body" });
  }
  const lost = lostJsonKey(text);
  if (lost) throw new RouteError(400, "InvalidInput", `${lost.field}: ${lost.reason}`, { field: lost.field });
  return value;
}

/** Validates one part; 400 naming the first field at fault, or 403 when the only problem is scope. */
function validatePart<T extends z.ZodType>(
  schema: T,
  value: unknown,
  part: "params" | "query" | "body",
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw issuesError(result.error, part);
}

export function issuesError(error: z.ZodError, part: string): RouteError {
  const issues = error.issues;
  const isScope = (issue: z.core.$ZodIssue) =>
    issue.code === "custom" && (issue.params as { status?: unknown } | undefined)?.status === 403;
  const invalid = issues.filter((issue) => !isScope(issue));
  const [first] = invalid.length > 0 ? invalid : issues;
  if (first === undefined) return new RouteError(400, "InvalidInput", `${part}: invalid`, { field: part });
  const { field, message } = describeIssue(first, part);
  const others = (invalid.length > 0 ? invalid : issues).length - 1;
  const text = `${field}: ${message}${others > 0 ? ` (and ${others} more problem${others > 1 ? "s" : ""})` : ""}`;
  return invalid.length > 0
    ? new RouteError(400, "InvalidInput", text, { field })
    : new RouteError(403, "OutOfScope", text, { field });
}

function describeIssue(issue: z.core.$ZodIssue, part: string): { field: string; message: string } {
  const base = fieldPath(part, issue.path);
  if (issue.code === "unrecognized_keys") {
    const [key] = issue.keys;
    return {
      field: key === undefined ? base : fieldPath(base, [key]),
      message: `unknown field${issue.keys.length > 1 ? `s ${issue.keys.map((k) => `'${shorten(k, 40)}'`).join(", ")}` : ""}; this route does not take it`,
    };
  }
  return { field: base, message: issue.message };
}

function fieldPath(base: string, path: readonly PropertyKey[]): string {
  let field = base;
  for (const key of path) {
    field += typeof key === "number" ? `[${key}]` : `.${shorten(String(key), 60)}`;
  }
  return field;
}

function failureAnswer(error: unknown, invocation: InvocationContext, route: AnyRoute): RouteAnswer {
  if (error instanceof RouteError) return error.answer();
  if (error instanceof z.ZodError) return issuesError(error, "request").answer();
  if (error instanceof ConfigurationError) {
    // The app's own settings, not the request: the host logged the details at start.
    invocation.error(`Route ${route.name}: ${error.message}`);
    return errorAnswer(500, "InvalidConfiguration", "The app's settings are invalid; its log says which");
  }
  if (error instanceof ArcAutopilotError) {
    if (error instanceof ValidationError) return errorAnswer(400, error.code, error.message);
    if (error instanceof NotFoundError) return errorAnswer(404, "NotFound", error.message);
    if (error instanceof ConflictError) return errorAnswer(409, "Conflict", error.message);
    if (error instanceof ThrottledError) {
      const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 30_000) / 1000));
      return errorAnswer(503, "Throttled", `Azure is throttling the app: ${error.message}`, {
        headers: { "retry-after": String(seconds) },
      });
    }
    if (error instanceof PermissionError) {
      return errorAnswer(502, "AzurePermission", `The app's identity was refused by Azure: ${error.message}`);
    }
    invocation.error(`Route ${route.name} failed: ${error.name} ${error.code}: ${error.message}`);
    return errorAnswer(502, error.code, `Azure answered an error: ${error.message}`);
  }
  invocation.error(
    `Route ${route.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  return errorAnswer(500, "InternalError", `The route ${route.name} failed; the app's log has the details`);
}

function toResponse(answer: RouteAnswer): HttpResponseInit {
  const headers: Record<string, string> = { "cache-control": "no-store", ...answer.headers };
  if (answer.body === undefined) return { status: answer.status, headers };
  return { status: answer.status, headers, jsonBody: answer.body };
}
