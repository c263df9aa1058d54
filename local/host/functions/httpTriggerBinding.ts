// The httpTrigger binding's two conversions the host performs around the worker: an incoming
// request to the RpcHttp typed data @azure/functions turns into an HttpRequest, and the http
// output the library produced (`toRpcHttp`) back to a real response — status, headers,
// cookies, body (Azure/azure-functions-nodejs-library src/converters/fromRpcTypedData.ts, toRpcHttp.ts).
import type { IncomingHttpHeaders } from "node:http";

import type { InvocationResult, RegisteredFunction, RpcTypedData } from "../types";
import type { HttpAnswer } from "./httpAnswer";

export interface HttpRequestInput {
  readonly method: string;
  /** The full URL the caller used, query included. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly query: URLSearchParams;
  readonly params: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export function toRpcHttpRequest(request: HttpRequestInput): RpcTypedData {
  return {
    http: {
      method: request.method,
      url: request.url,
      headers: flattenHeaders(request.headers),
      query: joinedQuery(request.query),
      params: { ...request.params },
      ...(request.body.length > 0 && { body: { bytes: request.body } }),
    },
  };
}

/** Multi-valued headers joined with ", ", as the host's header dictionary does. */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** Repeated query keys joined with ",", as ASP.NET's StringValues.ToString() does. */
function joinedQuery(query: URLSearchParams): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const key of new Set(query.keys())) joined[key] = query.getAll(key).join(",");
  return joined;
}

/** The http output of an invocation: `$return` or a named http output binding. */
export function httpOutputOf(fn: RegisteredFunction, result: InvocationResult): RpcTypedData | undefined {
  const binding = Object.entries(fn.bindings).find(
    ([, metadata]) => metadata.direction === "out" && metadata.type.toLowerCase() === "http",
  );
  if (binding === undefined) return undefined;
  const [name] = binding;
  if (name === "$return") return result.returnValue;
  return result.outputData?.find((output) => output.name === name)?.data;
}

// Connection-level headers belong to this hop; Node sets its own.
const hopByHopHeaders = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
]);

/**
 * The response for an http output. No output at all (the handler returned nothing) is
 * answered 204, the host's answer for an HTTP function that produced no response.
 */
export function fromRpcHttpResponse(output: RpcTypedData | undefined): HttpAnswer {
  const http = output?.http as Record<string, unknown> | undefined;
  if (http === undefined || http === null) {
    return { status: 204, headers: {}, body: Buffer.alloc(0) };
  }
  const status = Number(http.statusCode ?? 200);
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new Error(`The function returned the invalid HTTP status '${String(http.statusCode)}'`);
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries((http.headers ?? {}) as Record<string, unknown>)) {
    const lower = name.toLowerCase();
    if (hopByHopHeaders.has(lower) || value === undefined || value === null) continue;
    headers[lower] = scalarText(value);
  }
  const cookies = Array.isArray(http.cookies) ? http.cookies.map((cookie) => serializeCookie(cookie)) : [];
  if (cookies.length > 0) {
    const existing = headers["set-cookie"];
    headers["set-cookie"] = [...(existing === undefined ? [] : [existing].flat()), ...cookies];
  }
  return { status, headers, body: typedDataBytes(http.body as RpcTypedData | undefined) };
}

export function typedDataBytes(data: RpcTypedData | null | undefined): Buffer {
  if (data === undefined || data === null) return Buffer.alloc(0);
  if (data.bytes instanceof Uint8Array)
    return Buffer.from(data.bytes.buffer, data.bytes.byteOffset, data.bytes.byteLength);
  if (typeof data.string === "string") return Buffer.from(data.string, "utf8");
  if (typeof data.json === "string") return Buffer.from(data.json, "utf8");
  if (typeof data.int === "number" || typeof data.double === "number")
    return Buffer.from(String(data.int ?? data.double));
  return Buffer.alloc(0);
}

/** An RpcHttpCookie (toRpcHttpCookie.ts) as a Set-Cookie value, as the host writes it. */
function serializeCookie(cookie: unknown): string {
  const fields = (cookie ?? {}) as Record<string, unknown>;
  const nullable = (name: string): unknown => (fields[name] as { value?: unknown } | undefined)?.value;
  // ASP.NET's Response.Cookies.Append escapes the value (Uri.EscapeDataString).
  const parts = [`${scalarText(fields.name ?? "")}=${encodeURIComponent(scalarText(fields.value ?? ""))}`];
  const domain = nullable("domain");
  if (typeof domain === "string" && domain !== "") parts.push(`Domain=${domain}`);
  const path = nullable("path");
  if (typeof path === "string" && path !== "") parts.push(`Path=${path}`);
  const expires = nullable("expires") as { seconds?: number } | undefined;
  if (expires?.seconds !== undefined) parts.push(`Expires=${new Date(expires.seconds * 1000).toUTCString()}`);
  const maxAge = nullable("maxAge");
  if (typeof maxAge === "number") parts.push(`Max-Age=${Math.trunc(maxAge)}`);
  if (nullable("secure") === true) parts.push("Secure");
  if (nullable("httpOnly") === true) parts.push("HttpOnly");
  const sameSite = fields.sameSite;
  if (sameSite === "lax") parts.push("SameSite=Lax");
  else if (sameSite === "strict") parts.push("SameSite=Strict");
  else if (sameSite === "explicitNone") parts.push("SameSite=None");
  return parts.join("; ");
}

/** Text of a wire value the library produced (strings in practice); objects as JSON, never "[object Object]". */
function scalarText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  return JSON.stringify(value) ?? "";
}
