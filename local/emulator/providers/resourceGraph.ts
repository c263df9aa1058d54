// Microsoft.ResourceGraph `resources` query (api-version 2024-04-01): a small, honest KQL subset
// over the emulator's resources, scoped to the requested subscriptions, paged at 1,000 rows, and
// held to ARG's per-user quota (15 queries per 5 s). Queries outside the subset are refused with
// ARG's 400 BadRequest / InvalidQuery rather than answered approximately.
import { z } from "zod";

import { ArmHttpError } from "../armError";
import type { EmulatorContext, EmulatorRequest, HandlerResult, RouteDefinition } from "../types";
import { parseBody } from "../validation";
import { runQuery } from "./resourceGraph/kqlEvaluator";
import { parseQuery, supportedOperators } from "./resourceGraph/kqlParser";
import { KqlError } from "./resourceGraph/kqlSyntax";
import { consumeQuery, formatResetsAfter } from "./resourceGraph/queryQuota";
import {
  dynamicResourceColumns,
  resourcesColumns,
  resourcesTable,
  resourceTableNames,
} from "./resourceGraph/resourcesTable";
import {
  type ColumnDataType,
  InvalidSkipTokenError,
  pageOf,
  queryFingerprint,
} from "./resourceGraph/resultPages";

export { parseQuery } from "./resourceGraph/kqlParser";
export { resourceGraphQuota, setResourceGraphQuota } from "./resourceGraph/queryQuota";

export const resourceGraphApiVersions = ["2024-04-01"] as const;

const queryRequestSchema = z.strictObject({
  subscriptions: z.array(z.string().min(1)).optional(),
  managementGroups: z.array(z.string().min(1)).optional(),
  query: z.string(),
  options: z
    .strictObject({
      $skipToken: z.string().optional(),
      $top: z.number().int().min(1).max(1000).optional(),
      $skip: z.number().int().min(0).max(2_147_483_647).optional(),
      resultFormat: z.enum(["table", "objectArray"]).optional(),
      allowPartialScopes: z.boolean().optional(),
      authorizationScopeFilter: z
        .enum(["AtScopeAndBelow", "AtScopeAndAbove", "AtScopeExact", "AtScopeAboveAndBelow"])
        .optional(),
    })
    .optional(),
  facets: z
    .array(
      z.strictObject({
        expression: z.string(),
        options: z
          .strictObject({
            sortBy: z.string().optional(),
            sortOrder: z.enum(["asc", "desc"]).optional(),
            filter: z.string().optional(),
            $top: z.number().int().min(1).max(1000).optional(),
          })
          .optional(),
      }),
    )
    .optional(),
});

export type ResourceGraphQueryRequest = z.infer<typeof queryRequestSchema>;

const knownColumnTypes: ReadonlyMap<string, ColumnDataType> = new Map(
  resourcesColumns.map((name) => [name, dynamicResourceColumns.has(name) ? "object" : "string"]),
);

/** ARG's error: a support line in `message`, what went wrong in `details`. */
class ResourceGraphError extends ArmHttpError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly details: readonly { code: string; message: string }[],
    headers: Record<string, string> = {},
  ) {
    super(status, code, message, headers);
  }

  override toBody(): {
    error: { code: string; message: string; details: { code: string; message: string }[] };
  } {
    return { error: { code: this.code, message: this.message, details: [...this.details] } };
  }
}

function supportLine(context: EmulatorContext): string {
  return `Please provide below info when asking for support: timestamp = ${new Date(context.clock.now()).toISOString()}, correlationId = ${context.correlationId}.`;
}

const invalidQueryDetail = {
  code: "InvalidQuery",
  message:
    "Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.",
};

function lineAndColumn(source: string, at: number): { line: number; column: number } {
  const before = source.slice(0, at).split("\n");
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

function invalidQuery(context: EmulatorContext, source: string, error: KqlError): ResourceGraphError {
  const { line, column } = lineAndColumn(source, error.at);
  const where = `line ${line}, column ${column}`;
  return new ResourceGraphError(
    400,
    "BadRequest",
    `Query is invalid: ${error.message} (${where}). ${supportLine(context)}`,
    [invalidQueryDetail, { code: error.code, message: `${error.message} (${where})` }],
  );
}

function badRequest(context: EmulatorContext, code: string, message: string): ResourceGraphError {
  return new ResourceGraphError(400, "BadRequest", `${message} ${supportLine(context)}`, [{ code, message }]);
}

function quotaHeaders(remaining: number, resetsAfterMs: number): Record<string, string> {
  return {
    "x-ms-user-quota-remaining": String(remaining),
    "x-ms-user-quota-resets-after": formatResetsAfter(resetsAfterMs),
  };
}

/** Runs one `resources` query as ARG would, quota included; answers errors in ARG's shape. */
export function queryResources(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const decision = consumeQuery(context.state, request.principal.objectId, context.clock.now());
  const headers = quotaHeaders(decision.remaining, decision.resetsAfterMs);
  try {
    if (!decision.allowed) {
      const retryAfter = Math.max(1, Math.ceil(decision.resetsAfterMs / 1000));
      throw new ResourceGraphError(
        429,
        "RateLimiting",
        `${supportLine(context)} Details: Too many requests. Please retry.`,
        [
          {
            code: "RateLimiting",
            message:
              "Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.",
          },
        ],
        { "retry-after": String(retryAfter) },
      );
    }
    context.authorize(
      request.principal,
      "Microsoft.ResourceGraph/resources/read",
      "/providers/Microsoft.ResourceGraph",
    );
    const body = parseBody(queryRequestSchema, request.body);
    return { status: 200, body: answer(context, request, body), headers };
  } catch (error) {
    if (error instanceof ArmHttpError) {
      return { status: error.status, body: error.toBody(), headers: { ...error.headers, ...headers } };
    }
    throw error;
  }
}

function answer(
  context: EmulatorContext,
  request: EmulatorRequest,
  body: ResourceGraphQueryRequest,
): Record<string, unknown> {
  if (body.subscriptions && body.subscriptions.length === 0) {
    throw badRequest(
      context,
      "InvalidSubscriptions",
      "The 'subscriptions' list is empty; name at least one subscription or leave it out.",
    );
  }
  let query;
  try {
    query = parseQuery(body.query);
  } catch (error) {
    if (error instanceof KqlError) throw invalidQuery(context, body.query, error);
    throw error;
  }
  if (!resourceTableNames.includes(query.table.toLowerCase())) {
    throw invalidQuery(
      context,
      body.query,
      new KqlError(
        "UnknownTable",
        `The emulator's Resource Graph has no table '${query.table}'; it serves 'Resources' with ${supportedOperators.join(", ")}.`,
        0,
      ),
    );
  }
  // Management groups are not modelled: a management-group query sees every subscription.
  const table = resourcesTable(context.state, {
    ...(body.subscriptions ? { subscriptions: body.subscriptions } : {}),
    tenantId: request.principal.tenantId,
  });
  let outcome;
  try {
    outcome = runQuery(query, table, context.clock.now());
  } catch (error) {
    if (error instanceof KqlError) throw invalidQuery(context, body.query, error);
    throw error;
  }
  let page;
  try {
    page = pageOf(
      outcome,
      {
        resultFormat: body.options?.resultFormat ?? "objectArray",
        ...(body.options?.$top !== undefined ? { top: body.options.$top } : {}),
        ...(body.options?.$skip !== undefined ? { skip: body.options.$skip } : {}),
        ...(body.options?.$skipToken ? { skipToken: body.options.$skipToken } : {}),
      },
      queryFingerprint(body.query, body.subscriptions),
      knownColumnTypes,
    );
  } catch (error) {
    if (error instanceof InvalidSkipTokenError) throw badRequest(context, "InvalidSkipToken", error.message);
    throw error;
  }
  const response: Record<string, unknown> = {
    totalRecords: page.totalRecords,
    count: page.count,
    resultTruncated: page.resultTruncated,
  };
  if (page.skipToken) response.$skipToken = page.skipToken;
  response.data = page.data;
  // Facets are not computed; each requested facet reports so, in the shape the spec gives errors.
  response.facets = (body.facets ?? []).map((facet) => ({
    expression: facet.expression,
    resultType: "FacetError",
    errors: [{ code: "NotSupported", message: "The emulator's Resource Graph does not compute facets." }],
  }));
  return response;
}

export function resourceGraphRoutes(): RouteDefinition[] {
  return [
    {
      method: "POST",
      pattern: "/providers/Microsoft.ResourceGraph/resources",
      operationId: "Resources",
      kind: "read",
      resourceType: "Microsoft.ResourceGraph/resources",
      apiVersions: resourceGraphApiVersions,
      handler: queryResources,
    },
  ];
}
