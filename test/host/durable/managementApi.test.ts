// The Durable HTTP management API and the durable client payload (Learn "HTTP API reference" for
// Durable Functions), driven both
// with plain HTTP and with the library's own DurableClient (df.getClient in a fixture function).
import type { DurableEngine } from "../../../local/host/durable";
import type { FunctionInvoker } from "../../../local/host/types";
import { resetFixtureControls } from "../fixtures/durableFixtureControls";
import { fixtureHost } from "./fixtureHost";
import type { ManagementServer } from "./managementServer";
import { startManagementServer } from "./managementServer";

let server: ManagementServer;
let engine: DurableEngine;
let invoker: FunctionInvoker;
const previousHostname = process.env.WEBSITE_HOSTNAME;

beforeAll(async () => {
  server = await startManagementServer(() => engine);
  // df.getClient rewrites the payload's origin to localhost:7071 unless this is set
  // (durable-functions src/durableClient/getClient.ts).
  process.env.WEBSITE_HOSTNAME = new URL(server.origin).host;
});

afterAll(async () => {
  await server.close();
  if (previousHostname === undefined) delete process.env.WEBSITE_HOSTNAME;
  else process.env.WEBSITE_HOSTNAME = previousHostname;
});

beforeEach(async () => {
  resetFixtureControls();
  const host = await fixtureHost({ baseUrl: () => server.origin, systemKey: "system-key" });
  engine = host.engine;
  invoker = host.invoker;
});

afterEach(() => engine.stop());

/** Runs one DurableClient operation through the fixture's HTTP client function. */
async function clientOperation(
  operation: string,
  body: Record<string, unknown> = {},
): Promise<{ status: number; headers: Record<string, string>; json: unknown }> {
  const fn = invoker.find("DurableClientOperation")!;
  const result = await invoker.invoke(fn.name, {
    [fn.triggerName]: {
      http: {
        method: "POST",
        url: `${server.origin}/api/durable/${operation}`,
        headers: { "content-type": "application/json" },
        query: {},
        params: { operation },
        body: { string: JSON.stringify(body) },
      },
    },
  });
  const http = result.returnValue?.http as {
    statusCode: string;
    headers: Record<string, string>;
    body?: { bytes?: Uint8Array; string?: string };
  };
  const text = http.body?.bytes ? Buffer.from(http.body.bytes).toString("utf8") : (http.body?.string ?? "");
  return {
    status: Number(http.statusCode),
    headers: http.headers,
    json: text ? (JSON.parse(text) as unknown) : undefined,
  };
}

async function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.origin}${path}`, { headers });
}

test("the client payload carries the extension's URL templates and an rpcBaseUrl ending in /", () => {
  const payload = engine.clientPayload() as {
    taskHubName: string;
    creationUrls: Record<string, string>;
    managementUrls: Record<string, string>;
    baseUrl: string;
    requiredQueryStringParameters: string;
    rpcBaseUrl: string;
  };
  const webhooks = `${server.origin}/runtime/webhooks/durabletask`;
  expect(payload.taskHubName).toBe("TestHubName");
  expect(payload.rpcBaseUrl).toBe(`${server.origin}/durabletask/`);
  expect(payload.baseUrl).toBe(webhooks);
  expect(payload.requiredQueryStringParameters).toBe("code=system-key");
  expect(payload.creationUrls.createNewInstancePostUri).toBe(
    `${webhooks}/orchestrators/{functionName}[/{instanceId}]?code=system-key`,
  );
  expect(payload.managementUrls).toMatchObject({
    id: "INSTANCEID",
    statusQueryGetUri: `${webhooks}/instances/INSTANCEID?taskHub=TestHubName&connection=Storage&code=system-key`,
    sendEventPostUri: `${webhooks}/instances/INSTANCEID/raiseEvent/{eventName}?taskHub=TestHubName&connection=Storage&code=system-key`,
    terminatePostUri: `${webhooks}/instances/INSTANCEID/terminate?reason={text}&taskHub=TestHubName&connection=Storage&code=system-key`,
  });
});

test("an HTTP starter starts an orchestration and its check-status URL works against the engine", async () => {
  const started = await clientOperation("start", { name: "CustomStatus", id: "http-started" });

  expect(started.status).toBe(202);
  const payload = started.json as Record<string, string>;
  expect(payload.id).toBe("http-started");
  expect(started.headers.location).toBe(payload.statusQueryGetUri);
  expect(started.headers["retry-after"]).toBe("10");

  await engine.runUntilIdle();
  const running = await fetch(payload.statusQueryGetUri!);
  expect(running.status).toBe(202);
  expect(running.headers.get("location")).toBe(payload.statusQueryGetUri);
  expect(await running.json()).toEqual({
    name: "CustomStatus",
    instanceId: "http-started",
    runtimeStatus: "Running",
    // startNew without input posts "" with a JSON content type; axios sends that as the JSON
    // string "" — so the instance's input is "" against the real extension too.
    input: "",
    customStatus: { stage: "waiting", progress: 50 },
    output: null,
    createdTime: "2026-01-01T00:00:00Z",
    lastUpdatedTime: "2026-01-01T00:00:00Z",
  });

  const raised = await fetch(payload.sendEventPostUri!.replace("{eventName}", "Finish"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ done: true }),
  });
  expect(raised.status).toBe(202);
  await engine.waitForInstance("http-started");
  const done = await fetch(payload.statusQueryGetUri!);
  expect(done.status).toBe(200);
  expect(await done.json()).toMatchObject({ runtimeStatus: "Completed", output: { done: true } });
});

test("the durable client reads status, raises events, suspends, resumes, terminates and purges", async () => {
  engine.start("WaitForever", undefined, "client-ops");
  await engine.runUntilIdle();

  const status = await clientOperation("status", { id: "client-ops" });
  expect(status.json).toMatchObject({
    value: { instanceId: "client-ops", runtimeStatus: "Running", input: null },
  });

  await clientOperation("suspend", { id: "client-ops", reason: "wait" });
  await engine.runUntilIdle();
  expect(engine.getStatus("client-ops")?.runtimeStatus).toBe("Suspended");
  await clientOperation("resume", { id: "client-ops", reason: "go" });
  await engine.runUntilIdle();
  expect(engine.getStatus("client-ops")?.runtimeStatus).toBe("Running");

  await clientOperation("raise", { id: "client-ops", event: "Never", input: { value: 7 } });
  await engine.waitForInstance("client-ops");
  expect(engine.getStatus("client-ops")?.output).toEqual({ value: 7 });
  // Raising to a finished instance answers 410, which the client accepts silently.
  expect((await clientOperation("raise", { id: "client-ops", event: "Never", input: 1 })).json).toEqual({
    value: "raised",
  });

  engine.start("WaitForever", undefined, "client-terminate");
  await engine.runUntilIdle();
  await clientOperation("terminate", { id: "client-terminate", reason: "stop" });
  await engine.waitForInstance("client-terminate");
  expect(engine.getStatus("client-terminate")).toMatchObject({ runtimeStatus: "Terminated", output: "stop" });

  expect((await clientOperation("purge", { id: "client-ops" })).json).toEqual({
    value: { instancesDeleted: 1 },
  });
  expect((await clientOperation("purge", { id: "client-ops" })).json).toEqual({
    value: { instancesDeleted: 0 },
  });
});

test("the durable client lists instances and filters by runtime status", async () => {
  engine.start("HelloSequence", ["a"], "list-done");
  engine.start("WaitForever", undefined, "list-running");
  await engine.runUntilIdle();

  const all = (await clientOperation("list")).json as { value: { instanceId: string }[] };
  expect(all.value.map((status) => status.instanceId)).toEqual(["list-done", "list-running"]);
  const running = (await clientOperation("running")).json as { value: { instanceId: string }[] };
  expect(running.value.map((status) => status.instanceId)).toEqual(["list-running"]);
});

test("the durable client rewinds a failed instance", async () => {
  const { fixtureControls } = await import("../fixtures/durableFixtureControls");
  fixtureControls.flakyFailuresLeft.set("client-rewind", 1);
  engine.start("FlakyNoRetry", "client-rewind", "client-rewind");
  await engine.waitForInstance("client-rewind");

  await clientOperation("rewind", { id: "client-rewind", reason: "retry" });
  const status = await engine.waitForInstance("client-rewind");

  expect(status).toMatchObject({ runtimeStatus: "Completed", output: { result: "client-rewind ok" } });
});

test("status with history shows the projected history rows", async () => {
  engine.start("HelloSequence", ["x"], "with-history");
  await engine.waitForInstance("with-history");

  const response = await get("/durabletask/instances/with-history?showHistory=true&showHistoryOutput=true");
  const body = (await response.json()) as { historyEvents: Record<string, unknown>[]; input: unknown };

  expect(response.status).toBe(200);
  expect(body.input).toEqual(["x"]);
  expect(body.historyEvents).toEqual([
    {
      EventType: "ExecutionStarted",
      FunctionName: "HelloSequence",
      Input: '["x"]',
      Timestamp: "2026-01-01T00:00:00.000Z",
    },
    {
      EventType: "TaskCompleted",
      FunctionName: "Hello",
      ScheduledTime: "2026-01-01T00:00:00.000Z",
      Input: '"\\"x\\""',
      Result: "Hello x",
      Timestamp: "2026-01-01T00:00:00.000Z",
    },
    {
      EventType: "ExecutionCompleted",
      OrchestrationStatus: "Completed",
      Result: ["Hello x"],
      Timestamp: "2026-01-01T00:00:00.000Z",
    },
  ]);

  const withoutOutput = (await (
    await get("/durabletask/instances/with-history?showHistory=true&showInput=false")
  ).json()) as {
    historyEvents: Record<string, unknown>[];
    input: unknown;
  };
  expect(withoutOutput.input).toBeNull();
  expect(withoutOutput.historyEvents.every((row) => !("Result" in row) && !("Input" in row))).toBe(true);
});

test("lists filter by time, status and id prefix, and page with continuation tokens", async () => {
  for (const id of ["batch-1", "batch-2", "batch-3", "other-1"]) engine.start("HelloSequence", [id], id);
  await engine.runUntilIdle();

  const firstPage = await get("/durabletask/instances/?top=2&instanceIdPrefix=batch-");
  const token = firstPage.headers.get("x-ms-continuation-token");
  expect(((await firstPage.json()) as { instanceId: string }[]).map((s) => s.instanceId)).toEqual([
    "batch-1",
    "batch-2",
  ]);
  expect(token).toBeTruthy();
  const secondPage = await get("/durabletask/instances/?top=2&instanceIdPrefix=batch-", {
    "x-ms-continuation-token": token!,
  });
  expect(((await secondPage.json()) as { instanceId: string }[]).map((s) => s.instanceId)).toEqual([
    "batch-3",
  ]);
  expect(secondPage.headers.get("x-ms-continuation-token")).toBeNull();

  const none = await get("/durabletask/instances?runtimeStatus=Running,Pending");
  expect(await none.json()).toEqual([]);
  const future = await get("/durabletask/instances?createdTimeFrom=2026-01-02T00:00:00Z");
  expect(await future.json()).toEqual([]);
  const window = await get(
    "/durabletask/instances?createdTimeFrom=2025-12-31T00:00:00Z&createdTimeTo=2026-01-01T00:00:00Z",
  );
  expect(((await window.json()) as unknown[]).length).toBe(4);
});

test("errors answer with the extension's status codes", async () => {
  engine.start("HelloSequence", ["z"], "finished");
  await engine.runUntilIdle();
  const post = (path: string, body?: string, contentType = "application/json") =>
    fetch(`${server.origin}/durabletask/${path}`, {
      method: "POST",
      headers: { "content-type": contentType },
      ...(body !== undefined ? { body } : {}),
    });

  expect((await get("/durabletask/instances/nope")).status).toBe(404);
  expect((await post("instances/nope/raiseEvent/Go", "1")).status).toBe(404);
  expect((await post("instances/finished/raiseEvent/Go", "1")).status).toBe(410);
  expect((await post("instances/finished/terminate?reason=x")).status).toBe(410);
  expect((await post("instances/finished/rewind?reason=x")).status).toBe(410);
  expect((await post("instances/finished/raiseEvent/Go", "1", "text/plain")).status).toBe(400);
  expect((await post("orchestrators/HelloSequence", "{not json")).status).toBe(400);
  const unknown = await post("orchestrators/NoSuchThing", "");
  expect(unknown.status).toBe(400);
  expect(await unknown.json()).toEqual({
    Message: expect.stringContaining("The function 'NoSuchThing' doesn't exist") as unknown,
  });
  expect((await fetch(`${server.origin}/durabletask/instances/`, { method: "DELETE" })).status).toBe(400);
  expect(
    (
      await fetch(`${server.origin}/durabletask/instances/?createdTimeFrom=2030-01-01T00:00:00Z`, {
        method: "DELETE",
      })
    ).status,
  ).toBe(404);
  expect((await get("/durabletask/entities/counter/one")).status).toBe(501);
});

test("start, restart and purge over HTTP", async () => {
  const started = await fetch(
    `${server.origin}/runtime/webhooks/durabletask/orchestrators/HelloSequence/first?code=system-key`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(["http"]),
    },
  );
  expect(started.status).toBe(202);
  expect(await started.json()).toMatchObject({ id: "first" });
  await engine.runUntilIdle();
  expect(engine.getStatus("first")?.output).toEqual(["Hello http"]);

  const restarted = await fetch(`${server.origin}/durabletask/instances/first/restart`, { method: "POST" });
  const newId = ((await restarted.json()) as { id: string }).id;
  expect(restarted.status).toBe(202);
  expect(newId).not.toBe("first");
  await engine.runUntilIdle();
  expect(engine.getStatus(newId)?.output).toEqual(["Hello http"]);

  const purged = await fetch(
    `${server.origin}/durabletask/instances/?createdTimeFrom=2025-01-01T00:00:00Z&runtimeStatus=Completed`,
    {
      method: "DELETE",
    },
  );
  expect(await purged.json()).toEqual({ instancesDeleted: 2 });
});
