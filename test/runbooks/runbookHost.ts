// The local host with the whole app (its Event Grid, durable and runbook functions) against the
// emulator, and one way to call a runbook route: the host's function key by default, a JSON
// body, any extra headers; the answer parsed. What the runbook tests share.
import { type Harness, type HarnessOptions, startHarness } from "../e2e/onboardingHarness";

export interface RouteCall {
  readonly method?: string;
  /** A value is sent as JSON; a string as is (malformed bodies). */
  readonly body?: unknown;
  readonly rawBody?: string;
  /** null: no key; a string: that key; default: the host key. */
  readonly key?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RouteResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

export interface RunbookHost extends Harness {
  call(path: string, call?: RouteCall): Promise<RouteResult>;
}

export async function startRunbookHost(options: HarnessOptions): Promise<RunbookHost> {
  const harness = await startHarness(options);
  return {
    ...harness,
    async call(path, call = {}) {
      const headers: Record<string, string> = { ...call.headers };
      const key = call.key === undefined ? harness.host.keys.host.default : call.key;
      if (key !== null && key !== undefined) headers["x-functions-key"] = key;
      let body: string | undefined;
      if (call.rawBody !== undefined) body = call.rawBody;
      else if (call.body !== undefined) {
        body = JSON.stringify(call.body);
        headers["content-type"] ??= "application/json";
      }
      const response = await fetch(harness.host.apiUrl(path), {
        method: call.method ?? (body === undefined ? "GET" : "POST"),
        headers,
        ...(body !== undefined ? { body } : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      if (text !== "" && (response.headers.get("content-type") ?? "").includes("json")) {
        parsed = JSON.parse(text) as unknown;
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
  };
}

/** One runbook host for a test file: started before its tests (handed to `started`), stopped after them. */
export function runbookHostPerFile(
  options: HarnessOptions,
  started: (h: RunbookHost) => void | Promise<void>,
): void {
  let host: RunbookHost | undefined;
  beforeAll(async () => {
    host = await startRunbookHost(options);
    await started(host);
  });
  afterAll(async () => {
    await host?.stop();
  });
}
