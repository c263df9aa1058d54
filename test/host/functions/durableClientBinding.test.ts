// The durable client binding and the management API mount, with the real durable engine where
// it is the subject (a df.getClient starter end to end) and a recording stand-in where the
// forwarding itself is (paths, keys, answers).
import { resolve } from "node:path";

import { VirtualClock } from "../../../local/clock";
import { type DurableEngine, durableEngineFactory } from "../../../local/host/durable";
import { type LoadedApp, loadFunctionApp } from "../../../local/host/functions/appLoader";
import {
  type FunctionsHost,
  type FunctionsHostOptions,
  startFunctionsHost,
} from "../../../local/host/functions/functionsHost";
import { silentHostLog } from "../../../local/host/functions/hostLog";
import type { DurableEndpoints, ManagementRequest, ManagementResponse } from "../../../local/host/types";

let app: LoadedApp;
const hosts: FunctionsHost[] = [];

beforeAll(async () => {
  app = await loadFunctionApp(
    { modules: [resolve(__dirname, "../fixtures/functionsCatalogApp.ts")] },
    { log: silentHostLog },
  );
});

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
});

async function startHost(durable: FunctionsHostOptions["durable"]) {
  const host = await startFunctionsHost({
    app,
    clock: new VirtualClock(Date.UTC(2026, 0, 1)),
    port: 0,
    timers: false,
    log: silentHostLog,
    keys: { master: "master-key", system: { durabletask_extension: "durable-key" } },
    ...(durable !== undefined && { durable }),
  });
  hosts.push(host);
  return host;
}

/** Records what reaches the engine and answers with a fixed response. */
class RecordingEndpoints implements DurableEndpoints {
  readonly requests: ManagementRequest[] = [];
  answer: ManagementResponse | undefined = { status: 200, body: { ok: true } };

  constructor(private readonly origin: string) {}

  clientPayload(): Record<string, unknown> {
    const base = `${this.origin}/runtime/webhooks/durabletask`;
    return {
      taskHubName: "RecordingHub",
      creationUrls: { createNewInstancePostUri: `${base}/orchestrators/{functionName}` },
      managementUrls: {
        id: "INSTANCEID",
        statusQueryGetUri: `${base}/instances/INSTANCEID?code=durable-key`,
      },
      baseUrl: base,
      requiredQueryStringParameters: "code=durable-key",
      rpcBaseUrl: `${this.origin}/durabletask/`,
    };
  }

  handleManagementRequest(request: ManagementRequest): Promise<ManagementResponse | undefined> {
    this.requests.push(request);
    return Promise.resolve(this.answer);
  }
}

describe("the durable client binding", () => {
  test("a df.getClient starter starts an orchestration on the engine and its status URL works", async () => {
    let engine: DurableEngine | undefined;
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const host = await startHost(
      durableEngineFactory({ clock }, (created) => {
        engine = created;
      }),
    );
    const started = await fetch(`${host.origin}/api/greet/Arc`, { method: "POST" });
    expect(started.status).toBe(202);
    const links = (await started.json()) as { id: string; statusQueryGetUri: string };
    expect(
      links.statusQueryGetUri.startsWith(`${host.origin}/runtime/webhooks/durabletask/instances/${links.id}`),
    ).toBe(true);
    await engine!.waitForInstance(links.id);
    const status = await fetch(links.statusQueryGetUri);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({
      name: "Greet",
      runtimeStatus: "Completed",
      output: "Hello Arc",
    });
    engine!.stop();
  });

  test("the client payload reaches the function; WEBSITE_HOSTNAME keeps df.getClient from rewriting URLs", async () => {
    let endpoints: RecordingEndpoints | undefined;
    const host = await startHost(({ origin }) => (endpoints = new RecordingEndpoints(origin)));
    expect(process.env.WEBSITE_HOSTNAME).toBeDefined();
    endpoints!.answer = { status: 202, body: { id: "abc" } };
    const started = await fetch(`${host.origin}/api/greet/Arc`, { method: "POST" });
    expect(started.status).toBe(202);
    // createCheckStatusResponse works from the payload's managementUrls, origin swapped for the request's.
    expect(await started.json()).toMatchObject({
      id: "abc",
      statusQueryGetUri: `${host.origin}/runtime/webhooks/durabletask/instances/abc?code=durable-key`,
    });
    // startNew went through the payload's rpcBaseUrl.
    expect(endpoints!.requests).toEqual([
      expect.objectContaining({
        method: "POST",
        path: "orchestrators/Greet",
        body: '"Arc"',
        origin: host.origin,
      }),
    ]);
  });

  test("a function with a durable client binding fails clearly when no engine is attached", async () => {
    const host = await startHost(undefined);
    const invocation = host.invoker.invoke("StartGreeting", {});
    await expect(invocation).rejects.toThrow(
      /durable client input binding, but no durable engine is attached/,
    );
  });
});

describe("the management API mount", () => {
  async function recordingHost(): Promise<{ host: FunctionsHost; endpoints: RecordingEndpoints }> {
    let endpoints: RecordingEndpoints | undefined;
    const host = await startHost(({ origin }) => (endpoints = new RecordingEndpoints(origin)));
    return { host, endpoints: endpoints! };
  }

  test("the webhook base needs the durabletask_extension key (or the master key); the RPC base none", async () => {
    const { host, endpoints } = await recordingHost();
    const status = (path: string) => fetch(`${host.origin}${path}`).then((response) => response.status);
    expect(await status("/runtime/webhooks/durabletask/instances/abc")).toBe(401);
    expect(await status("/runtime/webhooks/durabletask/instances/abc?code=wrong")).toBe(401);
    expect(await status("/runtime/webhooks/durabletask/instances/abc?code=durable-key")).toBe(200);
    expect(await status("/runtime/webhooks/durabletask/instances/abc?code=master-key")).toBe(200);
    expect(await status("/durabletask/instances/abc")).toBe(200);
    expect(endpoints.requests.map((request) => request.path)).toEqual([
      "instances/abc",
      "instances/abc",
      "instances/abc",
    ]);
  });

  test("the request arrives as sent: raw path, query, lower-case headers, body text, origin", async () => {
    const { host, endpoints } = await recordingHost();
    await fetch(`${host.origin}/durabletask/instances/a%2Fb/raiseEvent/Go?taskHub=H&connection=Storage`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Extra": "1" },
      body: JSON.stringify({ go: true }),
    });
    const [request] = endpoints.requests;
    expect(request).toMatchObject({
      method: "POST",
      path: "instances/a%2Fb/raiseEvent/Go",
      body: '{"go":true}',
      origin: host.origin,
    });
    expect(request?.headers).toMatchObject({ "content-type": "application/json", "x-extra": "1" });
    expect(request?.query.get("taskHub")).toBe("H");
  });

  test("the engine's answer goes back: JSON for objects, text for strings, 404 when it declines", async () => {
    const { host, endpoints } = await recordingHost();
    endpoints.answer = {
      status: 202,
      headers: { Location: "http://x/y", "Retry-After": "5" },
      body: { runtimeStatus: "Running" },
    };
    const json = await fetch(`${host.origin}/durabletask/instances/abc`);
    expect(json.status).toBe(202);
    expect(json.headers.get("location")).toBe("http://x/y");
    expect(json.headers.get("retry-after")).toBe("5");
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await json.json()).toEqual({ runtimeStatus: "Running" });

    endpoints.answer = { status: 400, body: "bad input" };
    const text = await fetch(`${host.origin}/durabletask/orchestrators/X`, { method: "POST" });
    expect([text.status, await text.text()]).toEqual([400, "bad input"]);

    endpoints.answer = undefined;
    expect((await fetch(`${host.origin}/durabletask/unknown`)).status).toBe(404);
  });

  test("without an engine the durable routes are 404", async () => {
    const host = await startHost(undefined);
    expect((await fetch(`${host.origin}/durabletask/instances/abc`)).status).toBe(404);
  });
});
