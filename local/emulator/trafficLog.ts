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
