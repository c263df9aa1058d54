// No function key leaves the runbook routes: every route called with its key as `?code=` (as
// runbooks.http and most scripts do) — its example, a malformed request, an unknown operation, a
// conflict, started work and its cancel — and then nothing the app produced holds the key or a
// `code=` value: no answer body or header (Location and the status URLs are built from the
// origin alone), no operation's input, custom status, output or history, no ARM request, and no
// log line of the app (raw key values are looked for, since the host's log sink redacts
// `code=` itself).
import { allRoutes, exampleHostPerFile, requestOf } from "./routeTable";
import type { RouteResult, RunbookHost } from "./runbookHost";

let h: RunbookHost;

exampleHostPerFile((started) => {
  h = started;
});

function withCode(path: string, key: string): string {
  return `${path}${path.includes("?") ? "&" : "?"}code=${encodeURIComponent(key)}`;
}

function answerText(result: RouteResult): string {
  const headers: string[] = [];
  result.headers.forEach((value, name) => headers.push(`${name}: ${value}`));
  return `${headers.join("\n")}\n${result.text}`;
}

test("a key given as ?code= is in no answer, operation, ARM request or log line of any route", async () => {
  const key = h.host.keys.host.default!;
  const answers: string[] = [];
  const call = async (path: string, init: Parameters<RunbookHost["call"]>[1] = {}) => {
    const result = await h.call(withCode(path, key), { ...init, key: null });
    expect({ path, status: result.status }).not.toEqual({ path, status: 401 });
    answers.push(answerText(result));
    return result;
  };

  for (const route of allRoutes) {
    const { path, call: init } = requestOf(route, route.example);
    // The example (202s start work), then again (409 where it conflicts), then malformed.
    const first = await call(path, init);
    await call(path, init);
    await call(`${path}${path.includes("?") ? "&" : "?"}unexpected=${encodeURIComponent(key)}`, init);
    if (route.body !== undefined) await call(path, { ...init, body: { unexpected: `code=${key}` } });
    // Its operation's status and cancel, with the key in the query too.
    const location = first.headers.get("location");
    if (location !== null) {
      const operation = location.slice(h.host.apiUrl("").length);
      await call(operation);
      await call(`${operation}/cancel`, { method: "POST", body: { reason: "secrets test" } });
      await call(`${operation}/cancel`, { method: "POST" });
    }
  }
  await call("operations/runbook-unknown-0123");
  await call("openapi.json");
  await h.host.runUntilIdle();

  const instances = h.host.engine.list({}, { showHistory: true, showHistoryOutput: true, showInput: true });
  expect(instances.length).toBeGreaterThan(0);
  const produced = [
    ...answers,
    ...instances.map((instance) => JSON.stringify(instance)),
    ...instances.map((instance) => JSON.stringify(h.host.engine.history(instance.instanceId))),
    ...h.host.traffic().map((exchange) => JSON.stringify(exchange)),
  ].join("\n");
  const logText = h.log.entries.map((entry) => entry.message).join("\n");
  for (const secret of h.hostKeys()) {
    expect(produced).not.toContain(secret);
    expect(logText).not.toContain(secret);
  }
  expect(produced).not.toMatch(/[?&]code=/i);
  expect(logText).not.toMatch(/code=(?!\[redacted\])/i);
  // The answers did carry status links, so the check saw them.
  expect(answers.join("\n")).toMatch(/location: http:\/\/[^\n]+\/api\/operations\//);
});
