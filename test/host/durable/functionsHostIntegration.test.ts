// The engine plugged into the Functions side's host (durableEngineFactory): an HTTP starter using
// df.getClient starts an orchestration through the front door, and the check-status URLs it
// returns — webhook URLs carrying the durabletask_extension system key — work against the host.
import { VirtualClock } from "../../../local/clock";
import type { DurableEngine } from "../../../local/host/durable";
import { durableEngineFactory } from "../../../local/host/durable";
import { loadFunctionApp } from "../../../local/host/functions/appLoader";
import type { FunctionsHost } from "../../../local/host/functions/functionsHost";
import { startFunctionsHost } from "../../../local/host/functions/functionsHost";
import { silentHostLog } from "../../../local/host/functions/hostLog";
import { resetFixtureControls } from "../fixtures/durableFixtureControls";
import { startOfTest } from "./fixtureHost";

let host: FunctionsHost;
let engine: DurableEngine | undefined;

beforeAll(async () => {
  resetFixtureControls();
  const app = await loadFunctionApp(
    { modules: [require.resolve("../fixtures/durableWorkflows.ts")] },
    { log: silentHostLog },
  );
  const clock = new VirtualClock(startOfTest);
  host = await startFunctionsHost({
    app,
    clock,
    port: 0,
    timers: false,
    log: silentHostLog,
    durable: durableEngineFactory({ clock }, (created) => {
      engine = created;
    }),
  });
});

afterAll(async () => {
  engine?.stop();
  await host.stop();
});

test("an HTTP starter's check-status URLs work against the local host", async () => {
  const started = await fetch(`${host.origin}/api/durable/start`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "CustomStatus", id: "via-front-door", input: { from: "http" } }),
  });
  expect(started.status).toBe(202);
  const links = (await started.json()) as Record<string, string>;
  expect(links.id).toBe("via-front-door");
  expect(links.statusQueryGetUri).toMatch(
    new RegExp(
      `^${host.origin}/runtime/webhooks/durabletask/instances/via-front-door\\?taskHub=TestHubName&connection=Storage&code=.+`,
    ),
  );
  expect(started.headers.get("location")).toBe(links.statusQueryGetUri);

  await engine!.runUntilIdle();
  const running = await fetch(links.statusQueryGetUri!);
  expect(running.status).toBe(202);
  expect(await running.json()).toMatchObject({ runtimeStatus: "Running", input: { from: "http" } });

  const raised = await fetch(links.sendEventPostUri!.replace("{eventName}", "Finish"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify("done"),
  });
  expect(raised.status).toBe(202);
  await engine!.waitForInstance("via-front-door");

  const completed = await fetch(links.statusQueryGetUri!);
  expect(completed.status).toBe(200);
  expect(await completed.json()).toMatchObject({ runtimeStatus: "Completed", output: "done" });
  const withoutKey = await fetch(links.statusQueryGetUri!.replace(/&code=[^&]+/, ""));
  expect(withoutKey.status).toBe(401);
});
