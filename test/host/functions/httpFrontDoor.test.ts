import { request as httpRequest } from "node:http";
import { resolve } from "node:path";

import { VirtualClock } from "../../../local/clock";
import { type FunctionsHost, startFunctionsHost } from "../../../local/host/functions/functionsHost";
import { CollectedHostLog } from "../../../local/host/functions/hostLog";
import { httpAppRecord } from "../fixtures/functionsHttpApp";

const keys = {
  master: "master-key",
  host: { default: "host-key" },
  functions: { Echo: { default: "echo-key" } },
};
const log = new CollectedHostLog();
let host: FunctionsHost;

beforeAll(async () => {
  host = await startFunctionsHost({
    app: { modules: [resolve(__dirname, "../fixtures/functionsHttpApp.ts")] },
    clock: new VirtualClock(Date.UTC(2026, 0, 1)),
    port: 0,
    keys,
    timers: false,
    maxRequestBodyBytes: 1024,
    log: log.log,
  });
});

afterAll(async () => {
  await host.stop();
});

const url = (path: string) => `${host.origin}${path}`;

describe("HTTP-triggered functions behind the front door", () => {
  test("the route defaults to the function name, matched case-insensitively, with the query passed on", async () => {
    const response = await fetch(url("/api/hello?name=Arc"));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("Hello Arc");
    expect((await fetch(url("/API/HELLO"))).status).toBe(200);
  });

  test("route templates bind parameters; a literal route wins over a parameter", async () => {
    const withTab = await fetch(url("/api/users/42/settings?x=1"));
    expect(await withTab.json()).toEqual({
      params: { id: "42", tab: "settings" },
      url: url("/api/users/42/settings?x=1"),
    });
    expect(await (await fetch(url("/api/users/42"))).json()).toMatchObject({ params: { id: "42" } });
    expect(await (await fetch(url("/api/users/me"))).text()).toBe("me");
    expect((await fetch(url("/api/users/abc"))).status).toBe(404);
    expect(await (await fetch(url("/api/files/a/b%20c.txt"))).json()).toEqual({ path: "a/b c.txt" });
  });

  test("a method outside the function's methods finds no route: 404", async () => {
    expect((await fetch(url("/api/hello"), { method: "POST" })).status).toBe(404);
    expect((await fetch(url("/api/nothing-here"))).status).toBe(404);
  });

  test("status, headers, cookies and body make the round trip", async () => {
    const response = await fetch(url("/api/echo?q=search&code=echo-key"), {
      method: "PUT",
      headers: { "content-type": "application/json", "x-custom": "custom value" },
      body: JSON.stringify({ hello: "world" }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("x-echo-method")).toBe("PUT");
    expect(response.headers.get("x-echo-query")).toBe("search");
    expect(response.headers.get("x-echo-custom")).toBe("custom value");
    expect(response.headers.getSetCookie()).toEqual([
      "session=a%20b; Path=/; Max-Age=60; HttpOnly; SameSite=Strict",
    ]);
    expect(await response.json()).toEqual({ hello: "world" });
    expect(log.messages({ category: "user", functionName: "Echo" })).toContain("echoing a PUT");
  });

  test("bytes pass through unchanged both ways", async () => {
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
    const response = await fetch(url("/api/binary"), { method: "POST", body: bytes });
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from(bytes).reverse());
  });

  test("a handler returning nothing is 204; a throwing handler is 500 with an empty body", async () => {
    expect((await fetch(url("/api/silent"))).status).toBe(204);
    const broken = await fetch(url("/api/broken"));
    expect(broken.status).toBe(500);
    expect(await broken.text()).toBe("");
    expect(log.messages({ level: "error" }).join("\n")).toMatch(/Broken.*the handler broke/);
  });

  test("invocation hooks run around each invocation", async () => {
    httpAppRecord.hooks.length = 0;
    await fetch(url("/api/hello"));
    expect(httpAppRecord.hooks).toEqual(["pre:Hello", "post:Hello"]);
    expect(httpAppRecord.appStarted).toBe(1);
  });
});

describe("authLevel", () => {
  const echo = (path: string, headers: Record<string, string> = {}) =>
    fetch(url(path), { method: "POST", headers, body: "x" });

  test("function level: a function key, a host key or the master key, as header or code", async () => {
    expect((await echo("/api/echo")).status).toBe(401);
    expect(await (await echo("/api/echo")).text()).toBe("");
    expect((await echo("/api/echo?code=wrong")).status).toBe(401);
    expect((await echo("/api/echo", { "x-functions-key": "wrong" })).status).toBe(401);
    expect((await echo("/api/echo?code=echo-key")).status).toBe(201);
    expect((await echo("/api/echo", { "x-functions-key": "echo-key" })).status).toBe(201);
    expect((await echo("/api/echo?code=host-key")).status).toBe(201);
    expect((await echo("/api/echo", { "x-functions-key": "master-key" })).status).toBe(201);
  });

  test("admin level: only the master key", async () => {
    expect((await fetch(url("/api/admin-only"))).status).toBe(401);
    expect((await fetch(url("/api/admin-only?code=host-key"))).status).toBe(401);
    expect((await fetch(url("/api/admin-only?code=echo-key"))).status).toBe(401);
    expect(
      (await fetch(url("/api/admin-only"), { headers: { "x-functions-key": "master-key" } })).status,
    ).toBe(200);
    expect((await fetch(url("/api/admin-only?code=master-key"))).status).toBe(200);
  });

  test("anonymous functions need no key", async () => {
    expect((await fetch(url("/api/hello"))).status).toBe(200);
  });
});

describe("the admin API runs non-HTTP functions by hand", () => {
  test("POST /admin/functions/{name} with the master key answers 202 and runs the function", async () => {
    httpAppRecord.adminRuns.length = 0;
    const event = { id: "1", subject: "s", eventType: "t", data: { a: 1 } };
    const accepted = await fetch(url("/admin/functions/Inbox"), {
      method: "POST",
      headers: { "x-functions-key": "master-key", "content-type": "application/json" },
      body: JSON.stringify({ input: JSON.stringify(event) }),
    });
    expect(accepted.status).toBe(202);
    const timer = await fetch(url("/admin/functions/nightly?code=master-key"), {
      method: "POST",
      body: "{}",
    });
    expect(timer.status).toBe(202);
    await host.settled();
    expect(httpAppRecord.adminRuns).toEqual([
      { name: "Inbox", input: event },
      {
        name: "Nightly",
        input: {
          isPastDue: false,
          schedule: { adjustForDST: true },
          scheduleStatus: {
            last: "0001-01-01T00:00:00.000Z",
            next: "2026-01-01T00:00:00.000Z",
            lastUpdated: "2026-01-01T00:00:00.000Z",
          },
        },
      },
    ]);
  });

  test("the admin API needs the master key and knows only registered non-HTTP functions", async () => {
    const post = (path: string, key = "master-key") =>
      fetch(url(path), { method: "POST", headers: { "x-functions-key": key } });
    expect((await post("/admin/functions/Inbox", "host-key")).status).toBe(401);
    expect((await post("/admin/functions/Missing")).status).toBe(404);
    expect((await post("/admin/functions/Hello")).status).toBe(400);
    expect(
      (await fetch(url("/admin/functions/Inbox?code=master-key"), { method: "POST", body: "{" })).status,
    ).toBe(400);
    expect((await fetch(url("/admin/host/ping"))).status).toBe(200);
  });
});

describe("robustness", () => {
  test("a body over the limit is 413, declared or streamed", async () => {
    const declared = await fetch(url("/api/binary"), { method: "POST", body: Buffer.alloc(2048) });
    expect(declared.status).toBe(413);
    const streamed = await rawRequest({
      method: "POST",
      path: "/api/binary",
      headers: { "transfer-encoding": "chunked" },
      body: Buffer.alloc(4096, 1),
    });
    expect(streamed.status).toBe(413);
  });

  test("bad targets and bad percent-encoding never crash the host", async () => {
    expect((await rawRequest({ method: "GET", path: "/api/files/%E0%A4%A" })).status).toBe(404);
    expect((await rawRequest({ method: "GET", path: "//evil.example/api/hello" })).status).toBe(400);
    expect(
      (await rawRequest({ method: "GET", path: `http://127.0.0.1:${host.port}/api/hello` })).status,
    ).toBe(200);
    expect((await fetch(url("/api/hello"))).status).toBe(200);
  });

  test("a malformed request line gets a 400 and the host keeps serving", async () => {
    const { connect } = await import("node:net");
    const answer = await new Promise<string>((resolveAnswer, reject) => {
      const socket = connect(host.port, "127.0.0.1", () => socket.write("NOT HTTP AT ALL\r\n\r\n"));
      let received = "";
      socket.on("data", (chunk) => (received += chunk.toString()));
      socket.on("end", () => resolveAnswer(received));
      socket.on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(url("/api/hello"))).status).toBe(200);
  });
});

function rawRequest(options: {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}): Promise<{ status: number }> {
  return new Promise((resolveResponse, reject) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port: host.port,
        method: options.method,
        path: options.path,
        headers: options.headers,
      },
      (response) => {
        response.resume();
        resolveResponse({ status: response.statusCode ?? 0 });
      },
    );
    request.on("error", reject);
    if (options.body) request.write(options.body);
    request.end();
  });
}
