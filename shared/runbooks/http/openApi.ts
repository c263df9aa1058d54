// The OpenAPI 3 document of the runbook routes, generated from the same route definitions and
// zod schemas that validate requests (@asteasolutions/zod-to-openapi): nothing kept by hand.
// Served at GET /api/openapi.json (register.ts). Security: a function key, in the
// `x-functions-key` header or the `code` query parameter; with App Service Authentication on,
// also an app role (each operation's description says which).
import { OpenApiGeneratorV3, OpenAPIRegistry, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

import { version } from "../../../package.json";
import { errorBodySchema, ok } from "./answers";
import { type AnyRoute, defineRoute, type DocumentedAnswer } from "./route";

export type OpenApiDocument = ReturnType<OpenApiGeneratorV3["generateDocument"]>;

/** The answers every route can give, whatever it declares. */
const commonAnswers: Readonly<Record<number, DocumentedAnswer>> = {
  400: { description: "Malformed input: the error names the field and the reason.", body: errorBodySchema },
  401: {
    description:
      "No valid function key (empty body, from the Functions host); or, with App Service Authentication on, no principal.",
  },
  403: {
    description: "A target outside ARC_SCOPES (the error names the rule), or a missing app role.",
    body: errorBodySchema,
  },
  413: { description: "The body is too large.", body: errorBodySchema },
  415: { description: "The body is not JSON.", body: errorBodySchema },
  500: { description: "The app failed; its log has the details.", body: errorBodySchema },
};

export function openApiDocument(
  routes: readonly AnyRoute[],
  roles: { read: string; operate: string },
): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "functionKeyHeader", {
    type: "apiKey",
    in: "header",
    name: "x-functions-key",
    description: "A function key, host key or master key of the Function App.",
  });
  registry.registerComponent("securitySchemes", "functionKeyQuery", {
    type: "apiKey",
    in: "query",
    name: "code",
    description: "The same key as a query parameter.",
  });
  for (const route of routes) registry.registerPath(pathOf(route, roles));
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: "3.0.3",
    info: {
      title: "arc-autopilot runbooks",
      version,
      description:
        "Run each arc-autopilot capability on demand and watch it: onboarding, detaching, gateways and their " +
        "retirement, and the operations they start. Every call needs a function key; with App Service " +
        `Authentication on, also the app role ${roles.read} (reads) or ${roles.operate} (everything that changes something).`,
    },
    servers: [{ url: "/", description: "The Function App (routes are under /api/)" }],
  });
}

function pathOf(route: AnyRoute, roles: { read: string; operate: string }): RouteConfig {
  const answers: Record<number, DocumentedAnswer> = { ...commonAnswers, ...route.responses };
  const hasParams = Object.keys(route.params.shape).length > 0;
  const hasQuery = Object.keys(route.query.shape).length > 0;
  const role = route.role === "read" ? `${roles.read} or ${roles.operate}` : roles.operate;
  return {
    method: route.method.toLowerCase() as RouteConfig["method"],
    path: `/api/${openApiPathOf(route.route)}`,
    operationId: route.name,
    summary: route.summary,
    description: `${route.description ? `${route.description}\n\n` : ""}App role with App Service Authentication on: ${role}.`,
    tags: [route.tag],
    security: [{ functionKeyHeader: [] }, { functionKeyQuery: [] }],
    request: {
      ...(hasParams ? { params: route.params } : {}),
      ...(hasQuery ? { query: route.query } : {}),
      ...(route.body !== undefined
        ? {
            body: {
              required: false,
              content: { "application/json": { schema: route.body, example: route.example.body } },
            },
          }
        : {}),
    },
    responses: Object.fromEntries(
      Object.entries(answers).map(([status, answer]) => [
        status,
        answer.body === undefined
          ? { description: answer.description }
          : { description: answer.description, content: { "application/json": { schema: answer.body } } },
      ]),
    ),
  };
}

/** `operations/{id}` stays; constraints, optional marks and catch-alls are the Functions router's own syntax. */
export function openApiPathOf(template: string): string {
  return template.replace(/\{\*?([A-Za-z0-9_]+)(?::[^}]*)?\??\}/g, "{$1}");
}

/** `routes` and the route that serves their document (GET /api/openapi.json), which lists itself too. */
export function withOpenApiRoute(routes: readonly AnyRoute[]): readonly AnyRoute[] {
  const all: AnyRoute[] = [...routes];
  let cached: OpenApiDocument | undefined;
  all.push(
    defineRoute({
      name: "openApiDocument",
      method: "GET",
      route: "openapi.json",
      role: "read",
      tag: "meta",
      summary: "This API's OpenAPI 3 document",
      responses: {
        200: { description: "The OpenAPI 3.0 document.", body: z.record(z.string(), z.unknown()) },
      },
      example: {},
      handler: (_input, context) => {
        cached ??= openApiDocument(all, {
          read: context.settings.ARC_RUNBOOK_READ_ROLE,
          operate: context.settings.ARC_RUNBOOK_OPERATE_ROLE,
        });
        return Promise.resolve(ok(cached));
      },
    }),
  );
  return all;
}
