// runbooks.http, executed: each request of the file, in order, against the local host with the
// emulator, after substituting its variables (@baseUrl and @code become the host's), must answer
// the status its `# expect:` line documents, and never a 5xx. The file also has an example of
// every route the app registers. The fleet the file's examples name exists: machines web-01 to
// web-03 in rg-fleet (eastus, agent 1.55), the gateway arc-gw-eastus in arc-gateways, and whatever
// the routes' own examples name.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import { parseResourceId } from "../../shared/resourceId";
import { type HttpFile, parseHttpFile, type RecordedResponse, substitute } from "./httpFile";
import { allRoutes, exampleSubscriptions, seedExampleTargets } from "./routeTable";
import { type RunbookHost, startRunbookHost } from "./runbookHost";

const file: HttpFile = parseHttpFile(readFileSync(resolve(__dirname, "../../runbooks.http"), "utf8"));
const subscriptionId = file.variables.get("subscriptionId") ?? "00000000-0000-0000-0000-000000000000";
let h: RunbookHost;

beforeAll(async () => {
  const subscriptions = new Set([subscriptionId.toLowerCase(), ...exampleSubscriptions()]);
  h = await startRunbookHost({
    subscriptionId,
    appSettings: { ARC_SCOPES: [...subscriptions].map((s) => `/subscriptions/${s}`).join(",") },
  });
  for (const name of ["web-01", "web-02", "web-03"]) h.connect({ name });
  await h.readyGateway("arc-gw-eastus", "eastus");
  await seedExampleTargets(h);
});
afterAll(() => h.stop());

test("the file parses into requests that each document their status", () => {
  expect(file.requests.length).toBeGreaterThan(3);
  for (const request of file.requests) {
    expect({ line: request.line, expect: request.expect }).toEqual({
      line: request.line,
      expect: expect.any(Number) as unknown,
    });
  }
  expect(file.variables.get("baseUrl")).toMatch(/\/api$/);
  expect(file.variables.has("code")).toBe(true);
});

test("every request answers its documented status through the local host, never a 5xx", async () => {
  const variables = new Map(file.variables);
  variables.set("baseUrl", h.host.apiUrl("").replace(/\/$/, ""));
  variables.set("code", h.host.keys.host.default!);
  const responses = new Map<string, RecordedResponse>();
  for (const request of file.requests) {
    if (request.waitIdle) await h.host.runUntilIdle();
    const url = substitute(request.url, variables, responses);
    const headers = Object.fromEntries(
      request.headers.map(([name, value]) => [name, substitute(value, variables, responses)]),
    );
    const body = request.body === undefined ? undefined : substitute(request.body, variables, responses);
    const response = await fetch(url, {
      method: request.method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    const parsed: unknown = (response.headers.get("content-type") ?? "").includes("json")
      ? JSON.parse(text)
      : text;
    expect({ line: request.line, title: request.title, status: response.status }).toEqual({
      line: request.line,
      title: request.title,
      status: request.expect,
    });
    if (request.name !== undefined) responses.set(request.name, { headers: response.headers, body: parsed });
  }
  await h.host.runUntilIdle();
});

test("every route the app registers has an example in the file", () => {
  const examples = file.requests.map((request) => ({
    method: request.method,
    path: request.url.replace(/^\{\{baseUrl\}\}\//, "").split("?")[0]!,
  }));
  const missing = allRoutes.filter((route) => {
    const pattern = new RegExp(`^${route.route.replace(/\{[^}]+\}/g, "[^/]+")}$`, "i");
    return !examples.some((example) => example.method === route.method && pattern.test(example.path));
  });
  expect(missing.map((route) => `${route.method} /api/${route.route} (${route.name})`)).toEqual([]);
});

test("the file's ids lie in the subscription it names (so the test's scope is the file's)", () => {
  const text = readFileSync(resolve(__dirname, "../../runbooks.http"), "utf8");
  for (const [, id] of text.matchAll(/"(\/subscriptions\/[^"]+)"/g)) {
    const resolved = substitute(id!, file.variables, new Map());
    expect(parseResourceId(resolved).subscriptionId.toLowerCase()).toBe(subscriptionId.toLowerCase());
  }
});
