// The route table again, with App Service Authentication on (WEBSITE_AUTH_ENABLED=True, as the
// platform sets it) and role names of our own (ARC_RUNBOOK_READ_ROLE / _OPERATE_ROLE): every route
// then needs, besides the function key, an app role from X-MS-CLIENT-PRINCIPAL — the read role
// (or operate) for GETs, the operate role for anything that writes. Authorization comes before
// validation, so a request with a bad query parameter shows which side of the check it fell on:
// 401/403 when refused, 400 when let through.
import {
  allRoutes,
  errorOf,
  exampleSubscriptions,
  principal,
  seedExampleTargets,
  send,
  withLeaf,
} from "./routeTable";
import { type RunbookHost, startRunbookHost } from "./runbookHost";

const readRole = "Fleet.Reader";
const operateRole = "Fleet.Operator";
let h: RunbookHost;

beforeAll(async () => {
  const subscriptions = exampleSubscriptions();
  h = await startRunbookHost({
    subscriptionId: subscriptions[0] ?? "00000000-0000-0000-0000-000000000000",
    appSettings: {
      ARC_SCOPES: subscriptions.map((s) => `/subscriptions/${s}`).join(","),
      WEBSITE_AUTH_ENABLED: "True",
      ARC_RUNBOOK_READ_ROLE: readRole,
      ARC_RUNBOOK_OPERATE_ROLE: operateRole,
    },
  });
  await seedExampleTargets(h);
});
afterAll(() => h.stop());

const asCaller = (roles: readonly string[] | string | null): Record<string, string> =>
  roles === null ? {} : { "x-ms-client-principal": typeof roles === "string" ? roles : principal(roles) };

describe.each(
  allRoutes.map((route) => [`${route.method} /api/${route.route} (${route.name})`, route] as const),
)("%s", (_title, route) => {
  // Let through, this request is a 400 (unknown query parameter): nothing starts.
  const probe = withLeaf(route.example, "query", ["unexpectedParameter"], "1");
  const allowed =
    route.role === "read" ? [[readRole], [operateRole], [readRole, operateRole]] : [[operateRole]];
  const refused =
    route.role === "read"
      ? [[], ["ArcAutopilot.Read"], ["Other.Role"]]
      : [[], [readRole], ["ArcAutopilot.Operate"]];

  test("no principal, or one that is not a principal: 401", async () => {
    for (const caller of [
      null,
      "%%% not base64",
      Buffer.from("[1,2]").toString("base64"),
      Buffer.from("{").toString("base64"),
    ]) {
      const answer = await send(h, route, probe, { headers: asCaller(caller) });
      expect({ caller, status: answer.status, code: errorOf(answer).code }).toEqual({
        caller,
        status: 401,
        code: "Unauthenticated",
      });
    }
  });

  test(`without the ${route.role} role: 403 naming the role it needs`, async () => {
    for (const roles of refused) {
      const answer = await send(h, route, probe, { headers: asCaller(roles) });
      expect({ roles, status: answer.status, code: errorOf(answer).code }).toEqual({
        roles,
        status: 403,
        code: "Forbidden",
      });
      expect(errorOf(answer).message).toContain(operateRole);
    }
  });

  test(`with the ${route.role} role: let through to validation`, async () => {
    for (const roles of allowed) {
      const answer = await send(h, route, probe, { headers: asCaller(roles) });
      expect({ roles, status: answer.status, field: errorOf(answer).field }).toEqual({
        roles,
        status: 400,
        field: "query.unexpectedParameter",
      });
    }
  });

  test("a principal never replaces the function key", async () => {
    const answer = await send(h, route, route.example, {
      key: null,
      headers: asCaller([readRole, operateRole]),
    });
    expect(answer.status).toBe(401);
    expect(answer.text).toBe("");
  });
});

test("the operate role may read as well, and the read role's own routes answer normally", async () => {
  const route = allRoutes.find((r) => r.name === "openApiDocument")!;
  for (const roles of [[readRole], [operateRole]]) {
    const answer = await send(h, route, route.example, { headers: asCaller(roles) });
    expect(answer.status).toBe(200);
  }
});
