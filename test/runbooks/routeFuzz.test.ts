// Every runbook route under generated hostile requests (fast-check, fixed seed), through the local
// host and the app's own functions: wrong types, huge strings, unicode, nulls, arrays,
// prototype-pollution keys, deep nesting and duplicate keys in bodies; encoded slashes, `%00`,
// non-UTF-8 percent sequences and very long values in path segments and query strings; wrong
// methods and content types. Whatever comes in: never a 5xx, never a hang, every 4xx a route
// answers is JSON naming what was wrong, and no 4xx starts anything (no new durable instance).
// The plain examples below the property are cases it found, kept as they were fixed.
import { request as httpRequest } from "node:http";

import fc from "fast-check";

import { parseRouteTemplate } from "../../local/host/functions";
import { lostJsonKey } from "../../shared/runbooks/http/jsonKeys";
import { principalRoles } from "../../shared/runbooks/http/principal";
import type { AnyRoute } from "../../shared/runbooks/http/route";
import { allRoutes, exampleHostPerFile } from "./routeTable";
import type { RunbookHost } from "./runbookHost";

let h: RunbookHost;

exampleHostPerFile((started) => {
  h = started;
});

interface Raw {
  readonly method: string;
  /** The path and query after /api/, sent byte for byte (no URL normalisation). */
  readonly target: string;
  readonly contentType?: string;
  readonly body?: string | Uint8Array;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** One request as written: node's fetch would resolve `..` and `%2e` before sending. */
function sendRaw(raw: Raw): Promise<Answer> {
  const base = new URL(h.host.apiUrl(""));
  const headers: Record<string, string | number> = { "x-functions-key": h.host.keys.host.default ?? "" };
  if (raw.contentType !== undefined) headers["content-type"] = raw.contentType;
  const body = raw.body === undefined ? undefined : Buffer.from(raw.body);
  if (body !== undefined) headers["content-length"] = body.length;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method: raw.method,
        path: `${base.pathname.replace(/\/?$/, "/")}${raw.target}`,
        headers,
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${raw.method} ${raw.target}: no answer in 10 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

// ---------- generators ----------

const hostileSegments = [
  "%2F",
  "a%2Fb",
  "%00",
  "a%00b",
  "%FF",
  "%C3%28",
  "%E2%82",
  "%",
  "%zz",
  "..",
  "%2e%2e",
  ".",
  "x".repeat(3000),
  "%F0%9F%92%A9",
  "__proto__",
  "constructor",
  "null",
  "00000000-0000-0000-0000-000000000000",
  "99999999-9999-4999-8999-999999999999",
  "%20",
  "rg%2F..%2F..%2Fx",
];

const segment = fc.oneof(
  fc.constantFrom(...hostileSegments),
  fc.string({ unit: "grapheme", maxLength: 40 }).map((s) => encodeURIComponent(s) || "x"),
  fc.string({ unit: "binary", maxLength: 20 }).map((s) => encodeURIComponent(s) || "y"),
);

const queryKey = fc.oneof(
  fc.constantFrom(
    "dryRun",
    "subscriptionId",
    "code",
    "__proto__",
    "constructor",
    "toString",
    "",
    "%00",
    "%FF",
  ),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const queryValue = fc.oneof(
  fc.constantFrom("true", "false", "1", "", "%FF", "%00", "a%2Fb", "x".repeat(2000), "[]", "null"),
  fc.string({ unit: "grapheme", maxLength: 30 }).map(encodeURIComponent),
);
const query = fc.oneof(
  fc.constant(""),
  fc
    .array(fc.tuple(queryKey, queryValue), { maxLength: 4 })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&")),
  fc.constantFrom("&&&", "=", "==x", "dryRun", "dryRun=true&dryRun=true", "%FF=1", "a=%C3%28"),
);

const pollutingBodies = [
  '{"__proto__":{"dryRun":true}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"dryRun":true,"dryRun":"yes"}',
  '{"dryRun":true,"dryRun":true}',
  '{"machineIds":[],"machineIds":null}',
  '{"tags":{"__proto__":"x"},"scope":"/subscriptions/00000000-0000-0000-0000-000000000000"}',
  '{"tags":{"constructor":"x"},"scope":"/subscriptions/00000000-0000-0000-0000-000000000000"}',
  '{"reason":"\\u0000\\ud800"}',
  '"just a string"',
  "null",
  "0",
  "[]",
  "true",
  "{}",
  "   ",
  "\uFEFF{}",
  `{"reason":"${"é".repeat(300_000)}"}`,
  `${"[".repeat(40)}${"]".repeat(40)}`,
  `{"a":${'{"a":'.repeat(40)}1${"}".repeat(40)}}`,
];

/** A JSON value where each leaf of the example may be swapped for something hostile. */
function mutatedExample(route: AnyRoute): fc.Arbitrary<unknown> {
  const example = route.example.body;
  if (typeof example !== "object" || example === null) return fc.jsonValue({ maxDepth: 3 });
  const keys = Object.keys(example);
  const hostileValue = fc.oneof(
    fc.anything({ maxDepth: 3, withNullPrototype: false }),
    fc.constantFrom(null, "", [], {}, "x".repeat(70_000), 1e308, -0, "\u0000", "🙂".repeat(100)),
  );
  return fc
    .record({
      replace: fc.subarray(keys),
      values: fc.array(hostileValue, { minLength: keys.length, maxLength: keys.length }),
      extra: fc.option(
        fc.tuple(fc.constantFrom("__proto__", "constructor", "prototype", "toString", "field"), hostileValue),
        { nil: undefined },
      ),
    })
    .map(({ replace, values, extra }) => {
      const copy: Record<string, unknown> = { ...(example as Record<string, unknown>) };
      replace.forEach((key, i) => {
        copy[key] = values[i];
      });
      let text = JSON.stringify(copy) ?? "{}";
      if (extra !== undefined) {
        const [key, value] = extra;
        text = `{${JSON.stringify(key)}:${JSON.stringify(value) ?? "null"}${text === "{}" ? "}" : `,${text.slice(1)}`}`;
      }
      return text;
    });
}

function bodyFor(route: AnyRoute): fc.Arbitrary<string | Uint8Array | undefined> {
  return fc.oneof(
    fc.constant(undefined),
    fc.constant(route.example.body === undefined ? undefined : JSON.stringify(route.example.body)),
    mutatedExample(route).map((v) => (typeof v === "string" ? v : JSON.stringify(v))),
    fc.constantFrom(...pollutingBodies),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.uint8Array({ maxLength: 64 }),
    fc.string({ unit: "binary", maxLength: 64 }),
  );
}

const contentType = fc.option(
  fc.constantFrom(
    "application/json",
    "application/json; charset=utf-8",
    "application/merge-patch+json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json; charset=utf-16",
    "",
  ),
  { nil: undefined },
);

const method = (route: AnyRoute) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(route.method) },
    { weight: 1, arbitrary: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS") },
  );

function pathOf(route: AnyRoute): fc.Arbitrary<string> {
  const names = [...route.route.matchAll(/\{\*?([A-Za-z0-9_]+)(?::[^}]*)?\??\}/g)].map((m) => m[1]!);
  const params = route.example.params ?? {};
  return fc
    .array(fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: segment }), {
      minLength: names.length,
      maxLength: names.length,
    })
    .map((chosen) => {
      let i = 0;
      return route.route.replace(/\{\*?([A-Za-z0-9_]+)(?::[^}]*)?\??\}/g, () => {
        const name = names[i]!;
        const value = chosen[i++];
        return value ?? encodeURIComponent(params[name] ?? "x");
      });
    });
}

const request: fc.Arbitrary<{ route: string; raw: Raw }> = fc.constantFrom(...allRoutes).chain((route) =>
  fc
    .record({
      method: method(route),
      path: pathOf(route),
      query,
      contentType,
      body: bodyFor(route),
    })
    .map(({ method: m, path, query: q, contentType: type, body }) => ({
      route: route.name,
      raw: {
        method: m,
        target: q === "" ? path : `${path}?${q}`,
        ...(type !== undefined ? { contentType: type } : {}),
        ...(body !== undefined ? { body } : {}),
      },
    })),
);

// ---------- the property ----------

const templates = allRoutes.map((route) => ({ route, template: parseRouteTemplate(route.route) }));

/** Whether a route of the app takes this request (else the host answers an empty 404 itself). */
function reachesARoute(raw: Raw): boolean {
  const path = `/${raw.target.split("?")[0]}`;
  return templates.some(
    ({ route, template }) => route.method === raw.method && template.match(path) !== undefined,
  );
}

/** Query parameters the route does not take (the function key's `code` aside). */
function unknownQueryKeys(route: AnyRoute, raw: Raw): string[] {
  const search = raw.target.includes("?") ? raw.target.slice(raw.target.indexOf("?") + 1) : "";
  const known = Object.keys(route.query.shape);
  return [...new URLSearchParams(search).keys()].filter(
    (key) => key.toLowerCase() !== "code" && !known.includes(key),
  );
}

/** Whether a JSON body has a `__proto__` key anywhere (JSON.parse keeps it as an own key). */
function protoKeyIn(body: Raw["body"]): boolean {
  if (typeof body !== "string") return false;
  let found = false;
  try {
    JSON.parse(body, (key, value: unknown) => {
      if (key === "__proto__") found = true;
      return value;
    });
  } catch {
    return false;
  }
  return found;
}

function instanceCount(): number {
  return h.host.engine.list().length;
}

/** What must hold of any answer. */
function checkAnswer(route: AnyRoute, raw: Raw, answer: Answer, before: number): void {
  const what = `${raw.method} ${raw.target.slice(0, 200)} → ${answer.status} ${answer.text.slice(0, 300)}`;
  expect({ what, serverError: answer.status >= 500 }).toEqual({ what, serverError: false });
  if (answer.status < 400) {
    // Taken in: then no part of it was dropped on the way (an unknown or polluting key is a 400).
    expect({ what, unknownQuery: unknownQueryKeys(route, raw) }).toEqual({ what, unknownQuery: [] });
    // (The worker hands a GET's body to no one: only other methods' bodies count.)
    if (raw.method !== "GET")
      expect({ what, protoKey: protoKeyIn(raw.body) }).toEqual({ what, protoKey: false });
    return;
  }
  if (answer.text === "") {
    // Only the host answers without a body: no route for this path and method.
    expect({ what, reached: reachesARoute(raw) }).toEqual({ what, reached: false });
    expect(answer.status).toBe(404);
  } else {
    expect(String(answer.headers["content-type"])).toMatch(/json/);
    const error = (JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } }).error;
    expect({ what, code: typeof error?.code, message: typeof error?.message }).toEqual({
      what,
      code: "string",
      message: "string",
    });
    // A refusal of the request itself names the part at fault.
    if ([400, 413, 415].includes(answer.status)) {
      expect({ what, field: typeof (error as { field?: unknown }).field }).toEqual({ what, field: "string" });
    }
  }
  expect({ what, started: instanceCount() - before }).toEqual({ what, started: 0 });
}

test("generated hostile requests to every route: never a 5xx or a hang; every 4xx JSON, nothing started", async () => {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(request, async ({ route: name, raw }) => {
      const route = allRoutes.find((r) => r.name === name)!;
      const before = instanceCount();
      const answer = await sendRaw(raw);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      checkAnswer(route, raw, answer, before);
      // Work a 2xx started settles before the next request counts instances.
      if (answer.status < 300) await h.host.runUntilIdle();
    }),
    {
      numRuns: Number(process.env.FUZZ_RUNS ?? 300),
      seed: Number(process.env.FUZZ_SEED ?? 0x11f),
      endOnFailure: true,
    },
  );
  // The generators reached the routes' own refusals and their successes both.
  expect(statuses.get(400)).toBeGreaterThan(0);
  expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
  await h.host.runUntilIdle();
}, 60_000);

// ---------- cases the property found ----------

const exampleScope = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-fleet";

async function post(
  target: string,
  body: string,
): Promise<{ status: number; error: Record<string, unknown> }> {
  const answer = await sendRaw({ method: "POST", target, contentType: "application/json", body });
  const parsed = answer.text === "" ? {} : (JSON.parse(answer.text) as { error?: Record<string, unknown> });
  return { status: answer.status, error: parsed.error ?? {} };
}

test("a __proto__ tag is a 400 naming it, not a filter silently dropped (which onboarded the whole scope)", async () => {
  const before = instanceCount();
  const answer = await post(
    "machines/onboard",
    `{"scope":"${exampleScope}","tags":{"__proto__":"x"},"dryRun":true}`,
  );
  expect(answer).toMatchObject({
    status: 400,
    error: { code: "InvalidInput", field: "body.tags.__proto__" },
  });
  expect(instanceCount()).toBe(before);
});

test("a key given twice is a 400 naming it: the first and the last value must not mean two things", async () => {
  const retire = "gateways/00000000-0000-0000-0000-000000000000/arc-gateways/arc-gw-eastus/retire";
  const before = instanceCount();
  const answer = await post(retire, '{"dryRun":true,"dryRun":false}');
  expect(answer).toMatchObject({ status: 400, error: { field: "body.dryRun" } });
  expect(String(answer.error.message)).toContain("twice");
  const nested = await post(
    "machines/onboard",
    `{"scope":"${exampleScope}","tags":{"env":"prod","env":"dev"}}`,
  );
  expect(nested).toMatchObject({ status: 400, error: { field: "body.tags.env" } });
  // The same key in two objects is no duplicate; escapes that spell the same key are.
  const twoObjects = await post("operations/runbook-fixture-0123/cancel", '{"reason":"a"}');
  expect(twoObjects.status).toBe(404);
  const escaped = await post(retire, '{"dryRun":true,"dry\\u0052un":false}');
  expect(escaped).toMatchObject({ status: 400, error: { field: "body.dryRun" } });
  expect(instanceCount()).toBe(before);
});

test("a __proto__ query parameter is an unknown parameter (400), not one that vanishes", async () => {
  for (const target of [
    "openapi.json?__proto__=x",
    "gateways?__proto__=1&subscriptionId=00000000-0000-0000-0000-000000000000",
  ]) {
    const answer = await sendRaw({ method: "GET", target });
    expect({ target, status: answer.status }).toEqual({ target, status: 400 });
    expect(JSON.parse(answer.text)).toMatchObject({ error: { field: "query.__proto__" } });
  }
});

test("the body's field names the key's place: nested objects and array items", () => {
  expect(lostJsonKey('{"a":[{"b":1},{"c":1,"c":2}]}')).toEqual({
    field: "body.a[1].c",
    reason: "given twice; give it once",
  });
  expect(lostJsonKey('{"a":{"b":{"__proto__":{}}}}')?.field).toBe("body.a.b.__proto__");
  expect(lostJsonKey('{"a":"\\"b\\":1","b":[1,2,{"k":"x, y"}],"k":1}')).toBeUndefined();
  expect(lostJsonKey('[{"a":1},{"a":1}]')).toBeUndefined();
});

test("any JSON a client would write has no lost key; the same text with a key repeated has one", () => {
  fc.assert(
    fc.property(
      fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { minKeys: 1, maxKeys: 5 }),
      (object) => {
        // fc.dictionary may hand back a __proto__ key as an own property: JSON.stringify keeps it.
        const text = JSON.stringify(object);
        const lost = lostJsonKey(text);
        if (Object.keys(object).includes("__proto__") || text.includes('"__proto__":')) return;
        expect(lost).toBeUndefined();
        const [first] = Object.keys(object);
        const repeated = `{${text.slice(1, -1)},${JSON.stringify(first)}:null}`;
        expect(lostJsonKey(repeated)?.field).toBe(
          `body.${first!.length > 60 ? first!.slice(0, 60) + "…" : first}`,
        );
      },
    ),
    { numRuns: 300, seed: 0x11e },
  );
});

test("a hostile principal header never throws: roles, or not a principal", () => {
  const principalJson = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc.record({
      auth_typ: fc.anything({ maxDepth: 1 }),
      role_typ: fc.oneof(fc.string(), fc.anything({ maxDepth: 1 })),
      claims: fc.oneof(
        fc.array(fc.record({ typ: fc.anything({ maxDepth: 1 }), val: fc.anything({ maxDepth: 1 }) }), {
          maxLength: 5,
        }),
        fc.anything({ maxDepth: 2 }),
      ),
    }),
  );
  const header = fc.oneof(
    principalJson.map((value) => Buffer.from(JSON.stringify(value) ?? "null").toString("base64")),
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.constantFrom("", "   ", "====", "%%%", "e30=", "bnVsbA==", "X".repeat(70_000)),
  );
  fc.assert(
    fc.property(header, (raw) => {
      const roles = principalRoles(raw);
      expect(roles === undefined || roles instanceof Set).toBe(true);
      for (const role of roles ?? []) expect(typeof role).toBe("string");
    }),
    { numRuns: 500, seed: 0x11d },
  );
});

test("a body that is not UTF-8 is a 400 naming the body; one with a byte-order mark is read", async () => {
  const retire = "gateways/00000000-0000-0000-0000-000000000000/arc-gateways/arc-gw-eastus/retire";
  const latin1 = Buffer.from('{"dryRun":true,"moveTo":"caf\xe9"}', "latin1");
  const before = instanceCount();
  const bad = await sendRaw({
    method: "POST",
    target: retire,
    contentType: "application/json",
    body: latin1,
  });
  expect([bad.status, (JSON.parse(bad.text) as { error: { field?: string } }).error.field]).toEqual([
    400,
    "body",
  ]);
  // A BOM (PowerShell 5 writes one): read as the JSON it is — here, an unknown field named.
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"unexpected":1}')]);
  const withBom = await sendRaw({
    method: "POST",
    target: retire,
    contentType: "application/json",
    body: bom,
  });
  expect([withBom.status, (JSON.parse(withBom.text) as { error: { field?: string } }).error.field]).toEqual([
    400,
    "body.unexpected",
  ]);
  expect(instanceCount()).toBe(before);
});
