// Table-driven tests of every runbook route (issue 11, "Done when" 6), generated from the app's
// route list, so a route added later is covered without a line here. Platform authentication is
// off in this file (routeTable.platformAuth.test.ts has it on). For each route:
// - no key or a wrong key → 401 from the host, before the function runs;
// - a forged X-MS-CLIENT-PRINCIPAL changes nothing (platform auth off: the header is never read);
// - each target the example names, moved out of ARC_SCOPES — plainly, in upper case, through
//   `..` segments, percent-encoded — → 403 OutOfScope naming the field and the rule;
// - each malformed input → 400 naming the field: a bad id, another provider's id, a wrong type
//   per field, an unknown field, malformed JSON, a repeated or unknown query parameter…;
//   never a 5xx;
// - a route whose example starts work answers 409 with the running operation's status URL when
//   the example is sent again.
import {
  allRoutes,
  errorOf,
  exampleHostPerFile,
  fieldName,
  outsideSubscription,
  type Part,
  principal,
  requestOf,
  send,
  stringLeaves,
  targetLeaves,
  withLeaf,
} from "./routeTable";
import type { RunbookHost } from "./runbookHost";

let h: RunbookHost;

exampleHostPerFile((started) => {
  h = started;
});

const title = (route: (typeof allRoutes)[number]) => `${route.method} /api/${route.route} (${route.name})`;

test("the table has every route, the operations and OpenAPI routes among them", () => {
  const names = allRoutes.map((route) => route.name);
  expect(names).toEqual(expect.arrayContaining(["operationStatus", "cancelOperation", "openApiDocument"]));
  expect(new Set(names).size).toBe(names.length);
});

/** Out-of-scope variants of one target value: plain, upper case, through `..`, percent-encoded. */
function outOfScopeVariants(value: string, part: Part): string[] {
  if (!value.startsWith("/")) {
    // A subscription GUID in a field of its own.
    const variants = [outsideSubscription, outsideSubscription.toUpperCase()];
    return part === "params" ? variants : variants;
  }
  const outside = value.replace(/^\/subscriptions\/[^/]+/i, `/subscriptions/${outsideSubscription}`);
  const inside = value.split("/").slice(0, 3).join("/"); // /subscriptions/{in scope}
  return [
    outside,
    outside
      .toUpperCase()
      .replace(/\/PROVIDERS\/MICROSOFT.HYBRIDCOMPUTE\//, "/providers/Microsoft.HybridCompute/"),
    `${inside}/../..${outside}`,
    `${inside}/%2e%2e/%2E%2E${outside}/`,
    encodeURIComponent(outside),
    outside.replace(/\//g, "//"),
  ];
}

/** Values a field's schema refuses (not for scope): the probe for "wrong type". */
const typeProbes: readonly unknown[] = [12345, "not-a-valid-value !", true, { unexpected: 1 }, [{}], null];
const textProbes: readonly string[] = ["not a valid value !", "-1", "99999999999", "NOT-VALID", ""];

function refusedProbe(schema: unknown, probes: readonly unknown[]): unknown {
  const parse = (
    schema as {
      safeParse?: (v: unknown) => {
        success: boolean;
        error?: { issues: { params?: { status?: number } }[] };
      };
    }
  ).safeParse;
  if (parse === undefined) return undefined;
  return probes.find((probe) => {
    const result = parse.call(schema, probe);
    return !result.success && !result.error!.issues.some((issue) => issue.params?.status === 403);
  });
}

describe.each(allRoutes.map((route) => [title(route), route] as const))("%s", (_title, route) => {
  test("no key, or a wrong key: 401 from the host, nothing runs", async () => {
    for (const key of [null, "not-a-key"]) {
      const answer = await send(h, route, route.example, { key });
      expect(answer.status).toBe(401);
      expect(answer.text).toBe("");
    }
  });

  test("each target outside ARC_SCOPES, however it is written: 403 naming the field and the rule", async () => {
    for (const { part, path, value } of targetLeaves(route.example)) {
      for (const variant of outOfScopeVariants(value, part)) {
        const answer = await send(h, route, withLeaf(route.example, part, path, variant));
        expect({ variant, status: answer.status, error: errorOf(answer) }).toMatchObject({
          variant,
          status: 403,
          error: { code: "OutOfScope", message: expect.stringContaining("ARC_SCOPES") as unknown },
        });
        // A full id is one field; a subscription in a field of its own may be reported on the
        // field that completes the target (params.name), always within the same part.
        const field = errorOf(answer).field ?? "";
        if (value.startsWith("/")) expect(field).toBe(fieldName(part, path));
        else expect(field.startsWith(`${part}.`)).toBe(true);
      }
    }
  });

  test("each malformed input: 400 naming the field and the reason, never a 5xx", async () => {
    const cases: { name: string; example: typeof route.example; field: string; extra?: object }[] = [];
    // Bad ids: not an id, another provider's, a child resource, double encoding.
    for (const { part, path, value } of targetLeaves(route.example)) {
      const field = fieldName(part, path);
      const otherProvider = value.replace(
        /Microsoft\.HybridCompute\/\w+/i,
        "Microsoft.Compute/virtualMachines",
      );
      const bad = value.startsWith("/")
        ? [
            "not-an-id",
            ...(otherProvider !== value ? [otherProvider] : []),
            `${value}/extensions/x`,
            value.replace(/\//g, "%252F"),
          ]
        : ["not-a-guid", "00000000-0000-0000-0000-00000000000g"];
      for (const badValue of bad)
        cases.push({
          name: `${field}=${badValue}`,
          example: withLeaf(route.example, part, path, badValue),
          field,
        });
    }
    // A wrong type for each field of each part.
    const shapes: [Part, Record<string, unknown> | undefined][] = [
      ["params", route.params.shape],
      ["query", route.query.shape],
      ["body", (route.body as { shape?: Record<string, unknown> } | undefined)?.shape],
    ];
    for (const [part, shape] of shapes) {
      for (const [key, schema] of Object.entries(shape ?? {})) {
        const probe = refusedProbe(schema, part === "body" ? typeProbes : textProbes);
        if (probe === undefined) continue;
        cases.push({
          name: `${part}.${key}=${JSON.stringify(probe)}`,
          example: withLeaf(route.example, part, [key], probe),
          field: `${part}.${key}`,
        });
      }
    }
    // Unknown fields.
    cases.push({
      name: "unknown query parameter",
      example: withLeaf(route.example, "query", ["unexpectedParameter"], "1"),
      field: "query.unexpectedParameter",
    });
    if (route.body !== undefined) {
      cases.push({
        name: "unknown body field",
        example: withLeaf(route.example, "body", ["unexpectedField"], 1),
        field: "body.unexpectedField",
      });
    }
    for (const testCase of cases) {
      const answer = await send(h, route, testCase.example);
      const error = errorOf(answer);
      expect({ case: testCase.name, status: answer.status, code: error.code }).toEqual({
        case: testCase.name,
        status: 400,
        code: "InvalidInput",
      });
      expect({ case: testCase.name, field: error.field?.startsWith(testCase.field) }).toEqual({
        case: testCase.name,
        field: true,
      });
      expect(error.message).toContain(error.field);
    }
  });

  test("a body that is not JSON, too deep, too large, or not allowed at all: 4xx naming the body", async () => {
    const { path } = requestOf(route, route.example);
    const call = (
      rawBody: string,
      headers: Record<string, string> = { "content-type": "application/json" },
    ) => h.call(path, { method: route.method === "GET" ? "POST" : route.method, rawBody, headers });
    if (route.method === "GET") return; // a GET carries no body to break
    const malformed = await call('{"reason": ');
    expect([malformed.status, errorOf(malformed).field]).toEqual([400, "body"]);
    const deep = await call(`${"[".repeat(100)}${"]".repeat(100)}`);
    expect([deep.status, errorOf(deep).field]).toEqual([400, "body"]);
    const large = await call(JSON.stringify({ padding: "x".repeat(1_100_000) }));
    expect(large.status).toBe(413);
    const form = await call("a=1", { "content-type": "application/x-www-form-urlencoded" });
    expect([form.status, errorOf(form).field]).toEqual([415, "body"]);
    const array = await call("[1,2,3]");
    expect([array.status, errorOf(array).field]).toEqual([400, "body"]);
  });

  test("a query parameter given twice: 400 naming it", async () => {
    const { path, call } = requestOf(route, route.example);
    const answer = await h.call(`${path}${path.includes("?") ? "&" : "?"}twice=1&twice=2`, call);
    expect([answer.status, errorOf(answer).field]).toEqual([400, "query.twice"]);
  });

  test("a forged client principal is ignored while platform authentication is off", async () => {
    if (route.role === "operate") return; // operate routes: see the conflict test, which sends it forged first
    const forged = { "x-ms-client-principal": principal([]) };
    const plain = await send(h, route, route.example);
    const withForged = await send(h, route, route.example, { headers: forged });
    const garbage = await send(h, route, route.example, {
      headers: { "x-ms-client-principal": "%%%not base64" },
    });
    expect(plain.status).toBeLessThan(500);
    expect(withForged.status).toBe(plain.status);
    expect(garbage.status).toBe(plain.status);
  });

  test("the example, sent again while its work runs: 409 with the running operation's status URL", async () => {
    await h.host.runUntilIdle();
    const forged = { "x-ms-client-principal": principal([]) };
    const first = await send(h, route, route.example, { headers: forged });
    expect(first.status).toBeLessThan(500);
    expect([401, 403]).not.toContain(first.status);
    if (!route.example.conflictOnRepeat) return;
    expect(first.status).toBe(202);
    const statusUrl = first.headers.get("location");
    expect(statusUrl).toEqual(expect.stringContaining("/api/operations/"));
    const again = await send(h, route, route.example);
    expect(again.status).toBe(409);
    expect(errorOf(again)).toMatchObject({ code: "Conflict", operation: { statusUrl } });
    const status = await h.call(statusUrl!.slice(h.host.apiUrl("").length));
    expect(status.status).toBe(200);
    await h.host.runUntilIdle();
  });
});

test("every string of every example is still a valid request once the table is done (sanity)", () => {
  for (const route of allRoutes)
    expect(stringLeaves(route.example).every((leaf) => typeof leaf.value === "string")).toBe(true);
});
