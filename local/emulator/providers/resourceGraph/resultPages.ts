// Cuts a query's result into ARG pages (at most 1,000 rows each) and renders a page as
// QueryResponse `data`: an array of objects (objectArray, the default) or {columns, rows} (table).
// The $skipToken is opaque to clients; here it carries the next offset, the page size and a
// fingerprint of the query and scope, so a token replayed with another query is refused.
import { createHash } from "node:crypto";

import type { QueryOutcome, Row } from "./kqlEvaluator";
import { DateTimeValue, TimespanValue, toJson } from "./kqlScalars";

export const maxPageSize = 1000;

export type ColumnDataType = "string" | "integer" | "number" | "boolean" | "object" | "datetime";

export interface PageRequest {
  readonly top?: number;
  readonly skip?: number;
  readonly skipToken?: string;
  readonly resultFormat: "objectArray" | "table";
}

export interface Page {
  readonly totalRecords: number;
  readonly count: number;
  readonly resultTruncated: "true" | "false";
  readonly skipToken?: string;
  readonly data: unknown;
}

export class InvalidSkipTokenError extends Error {}

interface SkipToken {
  readonly offset: number;
  readonly top: number;
  readonly fingerprint: string;
}

export function queryFingerprint(query: string, subscriptions: readonly string[] | undefined): string {
  const scope = subscriptions
    ? [...subscriptions]
        .map((s) => s.toLowerCase())
        .sort()
        .join(",")
    : "*";
  return createHash("sha256").update(`${query}\u0000${scope}`).digest("hex").slice(0, 16);
}

function encodeSkipToken(token: SkipToken): string {
  return Buffer.from(JSON.stringify({ o: token.offset, t: token.top, f: token.fingerprint })).toString(
    "base64",
  );
}

function decodeSkipToken(text: string, fingerprint: string): SkipToken {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, "base64").toString("utf8"));
  } catch {
    throw new InvalidSkipTokenError("The $skipToken is not one this service issued.");
  }
  const { o, t, f } = (decoded ?? {}) as { o?: unknown; t?: unknown; f?: unknown };
  if (
    typeof o !== "number" ||
    !Number.isInteger(o) ||
    o < 0 ||
    typeof t !== "number" ||
    !Number.isInteger(t) ||
    typeof f !== "string"
  ) {
    throw new InvalidSkipTokenError("The $skipToken is not one this service issued.");
  }
  if (f !== fingerprint) {
    throw new InvalidSkipTokenError(
      "The $skipToken belongs to a different query or scope; send it with the query that returned it.",
    );
  }
  return { offset: o, top: Math.min(Math.max(t, 1), maxPageSize), fingerprint: f };
}

function cellType(value: unknown): ColumnDataType | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof DateTimeValue) return "datetime";
  if (value instanceof TimespanValue) return "string";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return "object";
}

/** A column's type: fixed for the table's own columns, else read from its values (null-only: object). */
export function columnTypes(
  outcome: QueryOutcome,
  knownTypes: ReadonlyMap<string, ColumnDataType>,
): Map<string, ColumnDataType> {
  const types = new Map<string, ColumnDataType>();
  for (const column of outcome.columns) {
    let type: ColumnDataType | undefined;
    for (const row of outcome.rows) {
      const found = cellType(row.get(column));
      if (found === undefined) continue;
      if (type === undefined) type = found;
      else if (type !== found) {
        type =
          type === "integer" && found === "number"
            ? "number"
            : found === "integer" && type === "number"
              ? "number"
              : "object";
      }
      if (type === "object") break;
    }
    types.set(column, type ?? knownTypes.get(column) ?? "object");
  }
  return types;
}

function render(
  rows: readonly Row[],
  columns: readonly string[],
  types: Map<string, ColumnDataType>,
  format: PageRequest["resultFormat"],
): unknown {
  if (format === "table") {
    return {
      columns: columns.map((name) => ({ name, type: types.get(name) ?? "object" })),
      rows: rows.map((row) => columns.map((name) => toJson(row.get(name)))),
    };
  }
  return rows.map((row) => Object.fromEntries(columns.map((name) => [name, toJson(row.get(name))])));
}

export function pageOf(
  outcome: QueryOutcome,
  request: PageRequest,
  fingerprint: string,
  knownTypes: ReadonlyMap<string, ColumnDataType>,
): Page {
  const token = request.skipToken ? decodeSkipToken(request.skipToken, fingerprint) : undefined;
  const top = Math.min(request.top ?? token?.top ?? maxPageSize, maxPageSize);
  // $skip overrides the token's offset (per the spec); a query with limit/take ignores $skip (per the docs).
  let offset = token?.offset ?? 0;
  if (request.skip !== undefined && !outcome.limited) offset = request.skip;
  const total = outcome.rows.length;
  const rows = outcome.rows.slice(offset, offset + top);
  const more = offset + rows.length < total;
  const types = columnTypes(outcome, knownTypes);
  // ARG cannot page a query that limits itself, nor one whose every column is dynamic.
  const pageable = !outcome.limited && [...types.values()].some((type) => type !== "object");
  const page: Page = {
    totalRecords: total,
    count: rows.length,
    resultTruncated: more && !pageable ? "true" : "false",
    data: render(rows, outcome.columns, types, request.resultFormat),
  };
  if (more && pageable)
    return { ...page, skipToken: encodeSkipToken({ offset: offset + rows.length, top, fingerprint }) };
  return page;
}
