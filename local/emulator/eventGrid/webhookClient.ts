// One HTTP exchange with a subscriber's webhook. node:http(s) rather than fetch, because Event
// Grid sends headers fetch refuses to set and a self-signed local endpoint needs a per-request CA.
// The response timeout runs on the emulator's clock, so a hung subscriber costs no real time in tests.
import http from "node:http";
import https from "node:https";

import type { Clock } from "../../clock";

export interface WebhookRequest {
  readonly url: string;
  readonly method: "POST" | "OPTIONS";
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly ca?: string;
}

export type WebhookResult =
  | {
      readonly kind: "response";
      readonly status: number;
      readonly headers: http.IncomingHttpHeaders;
      readonly body: string;
    }
  | { readonly kind: "timeout" }
  | { readonly kind: "error"; readonly message: string }
  | { readonly kind: "aborted"; readonly reason: string };

export interface WebhookCall {
  /** Never rejects: every way an exchange can end is a result. */
  readonly result: Promise<WebhookResult>;
  abort(reason: string): void;
}

/** Event Grid waits 30 s for a subscriber's answer. */
export const responseTimeoutMs = 30_000;

/** Subscribers answer with an acknowledgement; anything longer is not worth keeping. */
const maxResponseBytes = 64 * 1024;

export function callWebhook(
  clock: Clock,
  request: WebhookRequest,
  timeoutMs = responseTimeoutMs,
): WebhookCall {
  const url = new URL(request.url);
  const body = request.body === undefined ? undefined : Buffer.from(request.body, "utf8");
  const options: https.RequestOptions = {
    method: request.method,
    headers: { ...request.headers, ...(body && { "content-length": String(body.length) }) },
    // A fresh connection per exchange: no pooled socket outlives the topic or the subscriber.
    agent: false,
    ...(request.ca !== undefined && { ca: request.ca }),
  };

  let abort: (reason: string) => void = () => undefined;
  const result = new Promise<WebhookResult>((resolve) => {
    let done = false;
    const finish = (value: WebhookResult) => {
      if (done) return;
      done = true;
      timer.cancel();
      resolve(value);
    };
    const outgoing = (url.protocol === "https:" ? https : http).request(url, options, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        if (size < maxResponseBytes) chunks.push(chunk);
        size += chunk.length;
      });
      response.on("end", () =>
        finish({
          kind: "response",
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString("utf8").slice(0, maxResponseBytes),
        }),
      );
      response.on("error", (error) => finish({ kind: "error", message: error.message }));
    });
    outgoing.on("error", (error) => finish({ kind: "error", message: describe(error) }));
    const timer = clock.setTimer(timeoutMs, () => {
      finish({ kind: "timeout" });
      outgoing.destroy();
    });
    abort = (reason) => {
      finish({ kind: "aborted", reason });
      outgoing.destroy();
    };
    outgoing.end(body);
  });

  return { result, abort: (reason) => abort(reason) };
}

function describe(error: Error & { code?: string }): string {
  if (error.code === "ECONNREFUSED") return `connection refused (${error.message})`;
  if (error.code === "DEPTH_ZERO_SELF_SIGNED_CERT" || error.code === "SELF_SIGNED_CERT_IN_CHAIN") {
    return `the endpoint's certificate is not trusted; pass its CA as the subscription's 'ca' option (${error.message})`;
  }
  return error.code ? `${error.code}: ${error.message}` : error.message;
}
