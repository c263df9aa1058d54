// Azure Resource Graph (Microsoft.ResourceGraph/resources, 2024-04-01) through the app's ARM
// pipeline: one POST per page of at most 1,000 rows, continued with `$skipToken`. Not through
// @azure/arm-resourcegraph: its current 5.x requires Node 22 and the 4.x line is the retired
// ms-rest-js generation, while this app runs on Node 20; the request is one documented POST. Each page costs one unit of the caller's quota
// (about 15 queries per 5 s), reported in `x-ms-user-quota-*` headers, which each page passes on
// so a sweep can slow down before ARG refuses (docs/azure-facts.md §13). Query texts live in
// resourceGraphQueries.ts.
import { UnexpectedArmError, ValidationError } from "../errors";
import { apiVersions } from "./apiVersions";
import type { ArmContext } from "./armContext";
import { readNumber, readObject, readString } from "./armPayload";

/** A query text and how to read one of its rows (rows it cannot read are skipped). */
export interface ResourceGraphQuery<T> {
  readonly text: string;
  parseRow(row: unknown): T | undefined;
}

export interface ResourceGraphRequest<T> {
  readonly subscriptions: readonly string[];
  readonly query: ResourceGraphQuery<T>;
  /** Rows per page, 1–1000 (ARG's maximum and our default). */
  readonly pageSize?: number;
}

export interface ResourceGraphQuota {
  /** Queries left in the current window. */
  readonly remaining: number;
  /** When the window resets. */
  readonly resetsAfterMs?: number;
}

export interface ResourceGraphPage<T> {
  readonly rows: T[];
  /** All rows the query matches, across pages. */
  readonly totalRecords: number;
  /** Pass back for the next page; absent on the last one. */
  readonly skipToken?: string;
  /** ARG cut the results short (e.g. a query that projects no `id` cannot be paged). */
  readonly resultTruncated: boolean;
  readonly quota?: ResourceGraphQuota;
}

const maxPageSize = 1000;
/** One page; start without `skipToken`, then pass back the page's until there is none. */
export async function queryResourceGraphPage<T>(
  context: ArmContext,
  request: ResourceGraphRequest<T>,
  skipToken?: string,
): Promise<ResourceGraphPage<T>> {
  const pageSize = request.pageSize ?? maxPageSize;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) {
    throw new ValidationError(`A Resource Graph page holds 1 to ${maxPageSize} rows, not ${pageSize}`);
  }
  if (request.subscriptions.length === 0)
    throw new ValidationError("A Resource Graph query needs at least one subscription");
  const response = await context.send({
    method: "POST",
    path: "/providers/Microsoft.ResourceGraph/resources",
    apiVersion: apiVersions.resourceGraph,
    body: {
      subscriptions: [...request.subscriptions],
      query: request.query.text,
      options: {
        $top: pageSize,
        resultFormat: "objectArray",
        ...(skipToken ? { $skipToken: skipToken } : {}),
      },
    },
  });
  const quota = quotaFrom(response.headers);
  const body = readObject(response.body);
  const data: unknown = body.data;
  const rows: T[] = [];
  for (const row of Array.isArray(data) ? (data as unknown[]) : []) {
    const parsed = request.query.parseRow(row);
    if (parsed !== undefined) rows.push(parsed);
  }
  const next = readString(body.$skipToken);
  return {
    rows,
    totalRecords: readNumber(body.totalRecords) ?? rows.length,
    resultTruncated: body.resultTruncated === "true" || body.resultTruncated === true,
    ...(next ? { skipToken: next } : {}),
    ...(quota ? { quota } : {}),
  };
}

/** Every page of a query, following `$skipToken`. */
export async function* queryResourceGraph<T>(
  context: ArmContext,
  request: ResourceGraphRequest<T>,
): AsyncGenerator<ResourceGraphPage<T>, void, undefined> {
  const seen = new Set<string>();
  let skipToken: string | undefined;
  do {
    const page = await queryResourceGraphPage(context, request, skipToken);
    yield page;
    skipToken = page.skipToken;
    // A token handed back twice would page forever.
    if (skipToken !== undefined) {
      if (seen.has(skipToken)) {
        throw new UnexpectedArmError("Resource Graph repeated a $skipToken", "RepeatedSkipToken");
      }
      seen.add(skipToken);
    }
  } while (skipToken !== undefined);
}

function quotaFrom(headers: { get(name: string): string | undefined }): ResourceGraphQuota | undefined {
  const remaining = readNumber(headers.get("x-ms-user-quota-remaining"));
  if (remaining === undefined) return undefined;
  const resetsAfter = /^(\d+):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(
    headers.get("x-ms-user-quota-resets-after") ?? "",
  );
  if (!resetsAfter) return { remaining };
  const [, hours = "0", minutes = "0", seconds = "0"] = resetsAfter;
  return { remaining, resetsAfterMs: ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 };
}
