// GET /api/openapi.json: an OpenAPI 3 document that a maintained validator accepts
// (@seriousme/openapi-schema-validator, run in its own Node process: it is ESM only), generated
// from the route definitions, and listing every HTTP route the app registers — asked of the
// local host's registrations, not of our own list.
import { execFile } from "node:child_process";
import { resolve } from "node:path";

import { openApiPathOf } from "../../shared/runbooks/http/openApi";
import { type RunbookHost, startRunbookHost } from "./runbookHost";

let h: RunbookHost;

beforeAll(async () => {
  h = await startRunbookHost({ subscriptionId: "00000000-0000-4000-8000-0000000011a2" });
});
afterAll(() => h.stop());

interface Document {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, { operationId?: string; security?: unknown[] }>>;
  readonly components: { securitySchemes: Record<string, { type: string; in: string; name: string }> };
}

async function fetchDocument(): Promise<Document> {
  const answer = await h.call("openapi.json");
  expect(answer.status).toBe(200);
  return answer.body as Document;
}

/** Validates in a child process; resolves with the validator's verdict. */
function validate(document: unknown): Promise<{ valid: boolean; errors?: unknown; version?: string }> {
  const script = `
    import { Validator } from "@seriousme/openapi-schema-validator";
    let text = "";
    process.stdin.setEncoding("utf8");
    for await (const chunk of process.stdin) text += chunk;
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(text));
    process.stdout.write(JSON.stringify({ ...result, version: validator.version }));
  `;
  return new Promise((done, fail) => {
    const child = execFile(
      process.execPath,
      ["--input-type=module", "-e", script],
      { cwd: resolve(__dirname, "../.."), timeout: 20_000 },
      (error, stdout, stderr) => {
        if (error) return fail(new Error(`validator failed: ${stderr || error.message}`));
        done(JSON.parse(stdout) as { valid: boolean; errors?: unknown; version?: string });
      },
    );
    child.stdin!.end(JSON.stringify(document));
  });
}

test("the document validates as OpenAPI 3", async () => {
  const document = await fetchDocument();
  expect(document.openapi).toMatch(/^3\.0\./);
  const verdict = await validate(document);
  expect(verdict.errors).toBeUndefined();
  expect(verdict).toMatchObject({ valid: true, version: "3.0" });
});

test("a broken document does not validate (the check can fail)", async () => {
  const document = await fetchDocument();
  const broken = { ...document, paths: { "/api/x": { get: { responses: { 200: { content: 5 } } } } } };
  expect((await validate(broken)).valid).toBe(false);
});

test("every HTTP route the app registers is in the document, with the function key as its security", async () => {
  const document = await fetchDocument();
  const registered = h.host.functionsHost.invoker
    .functions()
    .filter((fn) => fn.trigger.type.toLowerCase() === "httptrigger");
  expect(registered.length).toBeGreaterThanOrEqual(3);
  for (const fn of registered) {
    const route = typeof fn.trigger.route === "string" ? fn.trigger.route : fn.name;
    const methods = (fn.trigger.methods as string[] | undefined) ?? [];
    expect(methods.length).toBeGreaterThan(0);
    expect(fn.trigger.authLevel).toBe("function");
    for (const method of methods) {
      const operation = document.paths[`/api/${openApiPathOf(route)}`]?.[method.toLowerCase()];
      expect({ fn: fn.name, method, route, found: operation?.operationId }).toEqual({
        fn: fn.name,
        method,
        route,
        found: fn.name,
      });
      expect(operation!.security).toEqual([{ functionKeyHeader: [] }, { functionKeyQuery: [] }]);
    }
  }
  expect(document.components.securitySchemes).toMatchObject({
    functionKeyHeader: { type: "apiKey", in: "header", name: "x-functions-key" },
    functionKeyQuery: { type: "apiKey", in: "query", name: "code" },
  });
});

test("the document needs a function key like every route", async () => {
  expect((await h.call("openapi.json", { key: null })).status).toBe(401);
});
