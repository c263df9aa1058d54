// One JSON line per ARM exchange, in the shape CI's contract check reads (.ci/run). Each line is
// one append (a single write), so parallel test workers can share one file.
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

export interface TrafficExchange {
  time: string;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: unknown;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: unknown;
}

export class TrafficLog {
  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
  }

  append(exchange: TrafficExchange): void {
    appendFileSync(this.file, `${JSON.stringify(exchange)}\n`);
  }
}

/** Request headers as logged: never the bearer token. */
export function loggableHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.toLowerCase() === "authorization") continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

const redacted = "[redacted]";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The exchange as kept and logged: values ARM marks secret are replaced, so a scan of the suite's
 * traffic finds a token only where the app put it somewhere else. Redacted: a cluster extension's
 * `configurationProtectedSettings` values (x-ms-secret) in requests, an API Management gateway's
 * generated token (`generateToken`'s `value`) and its keys (`listKeys`) in responses. The names
 * stay, so the contract check still sees the shapes.
 */
export function withoutSecrets(exchange: TrafficExchange): TrafficExchange {
  let { requestBody, responseBody } = exchange;
  if (isRecord(requestBody) && isRecord(requestBody.properties)) {
    const secrets = requestBody.properties.configurationProtectedSettings;
    if (isRecord(secrets)) {
      requestBody = {
        ...requestBody,
        properties: {
          ...requestBody.properties,
          configurationProtectedSettings: Object.fromEntries(
            Object.keys(secrets).map((name) => [name, redacted]),
          ),
        },
      };
    }
  }
  const path = (URL.canParse(exchange.url) ? new URL(exchange.url).pathname : exchange.url).toLowerCase();
  if (isRecord(responseBody) && path.includes("/providers/microsoft.apimanagement/")) {
    if (path.endsWith("/generatetoken") && typeof responseBody.value === "string") {
      responseBody = { ...responseBody, value: redacted };
    } else if (path.endsWith("/listkeys")) {
      responseBody = {
        ...responseBody,
        ...(typeof responseBody.primary === "string" ? { primary: redacted } : {}),
        ...(typeof responseBody.secondary === "string" ? { secondary: redacted } : {}),
      };
    }
  }
  return requestBody === exchange.requestBody && responseBody === exchange.responseBody
    ? exchange
    : { ...exchange, requestBody, responseBody };
}
