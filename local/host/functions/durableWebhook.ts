// Hands the Durable HTTP management API (Learn "HTTP API reference" for Durable Functions) to the
// durable engine: requests under
// `/runtime/webhooks/durabletask/` (the URLs in the client payload and in check-status
// responses) and under `/durabletask/` (the `rpcBaseUrl` the JS client calls) go to
// `DurableEndpoints.handleManagementRequest`, and its answer goes back as a real response.
import type { IncomingHttpHeaders } from "node:http";

import type { DurableEndpoints, ManagementResponse } from "../types";
import { emptyAnswer, type HttpAnswer, textAnswer } from "./httpAnswer";
import { flattenHeaders } from "./httpTriggerBinding";

export interface DurableWebhookRequest {
  readonly method: string;
  /** Path after the base, still percent-encoded as received (an id may contain an encoded `/`). */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly origin: string;
}

export async function forwardToDurable(
  durable: DurableEndpoints | undefined,
  request: DurableWebhookRequest,
): Promise<HttpAnswer> {
  if (durable === undefined) return textAnswer(404, "No durable engine is attached to the local host.");
  const response = await durable.handleManagementRequest({
    method: request.method,
    path: request.path,
    query: request.query,
    headers: flattenHeaders(request.headers),
    body: request.body.toString("utf8"),
    origin: request.origin,
  });
  return response === undefined ? emptyAnswer(404) : toHttpAnswer(response);
}

/**
 * Body rules: undefined → no body; Buffer/Uint8Array → as is; a string → as is (text/plain
 * unless the engine set a content type); anything else → JSON.
 */
export function toHttpAnswer(response: ManagementResponse): HttpAnswer {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
  const body = response.body;
  if (body === undefined) return { status: response.status, headers, body: Buffer.alloc(0) };
  if (body instanceof Uint8Array) return { status: response.status, headers, body: Buffer.from(body) };
  if (typeof body === "string") {
    headers["content-type"] ??= "text/plain; charset=utf-8";
    return { status: response.status, headers, body: Buffer.from(body, "utf8") };
  }
  headers["content-type"] ??= "application/json; charset=utf-8";
  return { status: response.status, headers, body: Buffer.from(JSON.stringify(body), "utf8") };
}
