// A small HTTPS client for talking to the emulator from tests and scripts: trusts its CA,
// sends a bearer token, returns status, lower-cased headers and the parsed body.
import { request as httpsRequest } from "node:https";

export interface EmulatorResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly text: string;
}

export interface RawRequestOptions {
  readonly headers?: Record<string, string>;
  /** Sent as is (for malformed-JSON tests); otherwise `body` is JSON-encoded. */
  readonly rawBody?: string;
}

export function sendToEmulator(
  baseUrl: string,
  caPem: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  options: RawRequestOptions = {},
): Promise<EmulatorResponse> {
  const url = new URL(path, baseUrl);
  const payload = options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (payload !== undefined) {
    headers["content-type"] ??= "application/json";
    headers["content-length"] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, ca: caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown;
        try {
          parsed = text ? (JSON.parse(text) as unknown) : undefined;
        } catch {
          parsed = undefined;
        }
        const responseHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined)
            responseHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
        }
        resolve({ status: res.statusCode ?? 0, headers: responseHeaders, body: parsed, text });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
