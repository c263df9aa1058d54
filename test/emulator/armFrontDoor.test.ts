// The emulator's ARM front door: what every request meets before a resource provider.
// These tests send deliberately invalid requests, so they keep their own traffic log instead of
// the suite's (whose exchanges must all satisfy the official specs).
import { readFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { VirtualClock } from "../../local/clock";
import { type Emulator, startEmulator } from "../../local/emulator";

const operationStatusPath = (subscriptionId: string) =>
  `/subscriptions/${subscriptionId}/providers/Microsoft.HybridCompute/locations/eastus/operationStatus/00000000-0000-0000-0000-000000000000?api-version=2025-01-13`;

describe("the emulator's ARM front door", () => {
  let clock: VirtualClock;
  let emulator: Emulator;
  let logFile: string;

  beforeEach(async () => {
    clock = new VirtualClock();
    logFile = join(tmpdir(), `arc-front-door-${process.pid}-${Date.now()}.jsonl`);
    emulator = await startEmulator({ clock, trafficLog: logFile });
  });

  afterEach(() => emulator.close());

  test("a request without a bearer token is refused with 401 in ARM's envelope", async () => {
    const response = await emulator.request("GET", operationStatusPath("s1"), undefined, { token: null });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      error: { code: "AuthenticationFailed", message: expect.any(String) as string },
    });
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer /);
  });

  test("any bearer token is accepted", async () => {
    const response = await emulator.request("GET", operationStatusPath("s1"), undefined, {
      token: "not-a-jwt",
    });
    expect(response.status).toBe(404);
  });

  test("an unknown route answers 404 NotFound, an unsupported method 405", async () => {
    const unknown = await emulator.request(
      "GET",
      "/subscriptions/s1/providers/Microsoft.Contoso/widgets?api-version=2025-01-13",
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: "NotFound" } });
    const wrongMethod = await emulator.request("DELETE", operationStatusPath("s1"));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body).toMatchObject({ error: { code: "MethodNotAllowed" } });
  });

  test("a missing api-version is refused, and an unsupported one names the supported versions", async () => {
    const path = operationStatusPath("s1");
    const missing = await emulator.request("GET", path.replace(/\?.*$/, ""));
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: { code: "MissingApiVersionParameter" } });
    const unsupported = await emulator.request("GET", path.replace("2025-01-13", "2021-05-20"));
    expect(unsupported.status).toBe(400);
    expect(unsupported.body).toMatchObject({
      error: { code: "NoRegisteredProviderFound", message: expect.stringContaining("2025-01-13") as string },
    });
  });

  test("malformed JSON, a malformed URI and an oversized body get 4xx answers and the server stays up", async () => {
    const malformed = await emulator.request("GET", operationStatusPath("s1"), undefined, {
      rawBody: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: "InvalidRequestContent" } });
    const badUri = await emulator.request("GET", "/subscriptions/s1/%E0%A4%A?api-version=2025-01-13");
    expect(badUri.status).toBe(400);
    const huge = await emulator.request("GET", operationStatusPath("s1"), undefined, {
      rawBody: "x".repeat(5 * 1024 * 1024),
    });
    expect(huge.status).toBe(413);
    const stillUp = await emulator.request("GET", operationStatusPath("s1"));
    expect(stillUp.status).toBe(404);
  });

  test("every response carries ARM's request and correlation ids and the remaining-reads header", async () => {
    const response = await emulator.request("GET", operationStatusPath("s1"), undefined, {
      headers: { "x-ms-correlation-request-id": "corr-1", "x-ms-client-request-id": "client-1" },
    });
    expect(response.headers["x-ms-correlation-request-id"]).toBe("corr-1");
    expect(response.headers["x-ms-client-request-id"]).toBe("client-1");
    expect(response.headers["x-ms-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(response.headers["x-ms-ratelimit-remaining-subscription-reads"])).toBe(249);
  });

  test("reads exhaust their bucket of 250, then 429 with Retry-After, and refill at 25 a second", async () => {
    const path = operationStatusPath("throttled-sub");
    const statuses: number[] = [];
    for (let i = 0; i < 250; i++) statuses.push((await emulator.request("GET", path)).status);
    expect(statuses.every((s) => s === 404)).toBe(true);
    const refused = await emulator.request("GET", path);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: "SubscriptionRequestsThrottled" } });
    expect(refused.headers["retry-after"]).toBe("1");
    expect(refused.headers["x-ms-ratelimit-remaining-subscription-reads"]).toBe("0");
    // Another subscription has its own bucket.
    expect((await emulator.request("GET", operationStatusPath("other-sub"))).status).toBe(404);

    await clock.advance(1000);
    const refilled: number[] = [];
    for (let i = 0; i < 26; i++) refilled.push((await emulator.request("GET", path)).status);
    expect(refilled.filter((s) => s === 404)).toHaveLength(25);
    expect(refilled[25]).toBe(429);
  });

  test("throttling can be switched off while the headers keep counting", async () => {
    emulator.configureThrottling(false);
    const path = operationStatusPath("s1");
    for (let i = 0; i < 260; i++) await emulator.request("GET", path);
    const response = await emulator.request("GET", path);
    expect(response.status).toBe(404);
    expect(response.headers["x-ms-ratelimit-remaining-subscription-reads"]).toBe("0");
  });

  test("injected faults are seeded: the same seed gives the same sequence of answers", async () => {
    const run = async () => {
      emulator.configureFaults({
        seed: 42,
        rules: [
          {
            operationId: "Microsoft.HybridCompute.AsyncOperationStatus",
            status500Rate: 0.3,
            status503Rate: 0.2,
          },
        ],
      });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++)
        statuses.push((await emulator.request("GET", operationStatusPath("s1"))).status);
      return statuses;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(503);
    expect(first).toContain(404);
  });

  test("an injected 429 carries the configured Retry-After", async () => {
    emulator.configureFaults({ seed: 1, rules: [{ method: "GET", status429Rate: 1, retryAfterSeconds: 7 }] });
    const response = await emulator.request("GET", operationStatusPath("s1"));
    expect(response.status).toBe(429);
    expect(response.headers["retry-after"]).toBe("7");
  });

  test("an injected connection reset drops the connection without an answer", async () => {
    emulator.configureFaults({ seed: 1, rules: [{ pathPattern: "operationStatus", resetRate: 1 }] });
    await expect(emulator.request("GET", operationStatusPath("s1"))).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    emulator.configureFaults({ seed: 1, rules: [] });
    expect((await emulator.request("GET", operationStatusPath("s1"))).status).toBe(404);
  });

  test("injected latency costs virtual time, not real time", async () => {
    emulator.configureFaults({ seed: 1, rules: [{ latencyRate: 1, latencyMs: 120_000 }] });
    const before = clock.now();
    const started = Date.now();
    await emulator.request("GET", operationStatusPath("s1"));
    expect(clock.now() - before).toBe(120_000);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test("the traffic log holds one JSON line per exchange, without the Authorization header", async () => {
    await emulator.request("GET", operationStatusPath("s1"), undefined, {
      headers: { "x-ms-client-request-id": "c-9" },
    });
    const lines = readFileSync(logFile, "utf8").trim().split("\n");
    expect(lines).toHaveLength(1);
    const exchange = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(exchange).sort()).toEqual(
      [
        "method",
        "requestBody",
        "requestHeaders",
        "responseBody",
        "responseHeaders",
        "status",
        "time",
        "url",
      ].sort(),
    );
    expect(exchange).toMatchObject({
      method: "GET",
      url: `${emulator.url}${operationStatusPath("s1")}`,
      status: 404,
      requestBody: null,
      time: new Date(clock.now()).toISOString(),
    });
    expect(JSON.stringify(exchange.requestHeaders)).not.toMatch(/authorization/i);
    // The same exchange is kept in memory for tests that count requests.
    expect(emulator.exchanges()).toEqual([exchange]);
    expect((exchange.requestHeaders as Record<string, string>)["x-ms-client-request-id"]).toBe("c-9");
  });

  test("a client that does not trust the emulator's certificate cannot connect", async () => {
    const attempt = new Promise((resolve, reject) => {
      const req = httpsRequest(`${emulator.url}${operationStatusPath("s1")}`, { method: "GET" }, resolve);
      req.on("error", reject);
      req.end();
    });
    await expect(attempt).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });
});
