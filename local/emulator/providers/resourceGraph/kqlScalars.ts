// Values and scalar semantics of the KQL subset. A cell holds JSON as ARM returned it (Kusto's
// `dynamic`), a string, number or bool, or a datetime / timespan. Comparisons follow Kusto: a
// comparison involving null is null (so `where` drops the row), `==` is case-sensitive and
// `=~` is not, `has` matches whole terms, `contains` substrings.
import { formatTimeSpan } from "../../../timeSpan";

export class DateTimeValue {
  constructor(readonly ms: number) {}
}

export class TimespanValue {
  constructor(readonly ms: number) {}
}

/** JavaScript dates span ±8.64e15 ms; arithmetic beyond that yields null, not an invalid date. */
const maxDateMs = 8.64e15;

function dateTimeAt(ms: number): DateTimeValue | null {
  return Number.isFinite(ms) && Math.abs(ms) <= maxDateMs ? new DateTimeValue(ms) : null;
}

function timespanOf(ms: number): TimespanValue | null {
  return Number.isFinite(ms) ? new TimespanValue(ms) : null;
}

/** A cell: JSON (`dynamic`), or a datetime or timespan. Missing values are null. */
export type KqlValue = unknown;

const isNull = (value: KqlValue): boolean => value === null || value === undefined;

export function toKqlString(value: KqlValue): string {
  if (isNull(value)) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof DateTimeValue) return formatDateTime(value);
  if (value instanceof TimespanValue) return formatTimespan(value);
  return JSON.stringify(value);
}

function formatDateTime(value: DateTimeValue): string {
  return new Date(value.ms).toISOString();
}

/** Kusto's timespan text, `[-][d.]hh:mm:ss[.fff]`: the same text as .NET's TimeSpan. */
export function formatTimespan(value: TimespanValue): string {
  return formatTimeSpan(value.ms);
}

/** A cell as it appears in the response: datetimes as ISO text, timespans as Kusto text. */
export function toJson(value: KqlValue): unknown {
  if (value === undefined) return null;
  // make_list / make_set gather cells, which may be datetimes.
  if (Array.isArray(value))
    return value.map((item: unknown) =>
      item instanceof DateTimeValue || item instanceof TimespanValue ? toJson(item) : item,
    );
  if (value instanceof DateTimeValue) return formatDateTime(value);
  if (value instanceof TimespanValue) return formatTimespan(value);
  return value;
}

function toDateTime(value: KqlValue): DateTimeValue | null {
  if (value instanceof DateTimeValue) return value;
  if (typeof value !== "string" || value.trim() === "") return null;
  return dateTimeAt(Date.parse(value));
}

function toNumber(value: KqlValue): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

function toBool(value: KqlValue): boolean | null {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") {
    const lower = value.trim().toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
  }
  return null;
}

// ---- comparison ----

/** `==` / `=~`: null when either side is null, as in Kusto. */
export function equals(left: KqlValue, right: KqlValue, ignoreCase: boolean): boolean | null {
  if (isNull(left) || isNull(right)) return null;
  if (ignoreCase) return toKqlString(left).toLowerCase() === toKqlString(right).toLowerCase();
  if (left instanceof DateTimeValue || right instanceof DateTimeValue) {
    const a = toDateTime(left);
    const b = toDateTime(right);
    return a && b ? a.ms === b.ms : null;
  }
  if (left instanceof TimespanValue || right instanceof TimespanValue) {
    return left instanceof TimespanValue && right instanceof TimespanValue ? left.ms === right.ms : false;
  }
  if (typeof left === "number" && typeof right === "number") return left === right;
  if (typeof left === "string" && typeof right === "string") return left === right;
  if (typeof left === "boolean" && typeof right === "boolean") return left === right;
  if (typeof left === "object" && typeof right === "object")
    return JSON.stringify(left) === JSON.stringify(right);
  return false;
}

/** Ordering for `<`, `>` and sorting: negative, zero or positive; null when not comparable. */
export function compare(left: KqlValue, right: KqlValue): number | null {
  if (isNull(left) || isNull(right)) return null;
  if (left instanceof DateTimeValue || right instanceof DateTimeValue) {
    const a = toDateTime(left);
    const b = toDateTime(right);
    return a && b ? a.ms - b.ms : null;
  }
  if (left instanceof TimespanValue && right instanceof TimespanValue) return left.ms - right.ms;
  if (typeof left === "number" && typeof right === "number") return left - right;
  if (typeof left === "string" && typeof right === "string") return left < right ? -1 : left > right ? 1 : 0;
  if (typeof left === "boolean" && typeof right === "boolean") return Number(left) - Number(right);
  return null;
}

/** Kusto's `has`: the needle occurs as a whole term (bounded by non-alphanumerics). */
function hasTerm(haystack: string, needle: string): boolean {
  if (needle === "") return true;
  const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
  for (let from = haystack.indexOf(needle); from !== -1; from = haystack.indexOf(needle, from + 1)) {
    const before = haystack[from - 1];
    const after = haystack[from + needle.length];
    const startsOnBoundary = !isWordChar(needle[0]) || !isWordChar(before);
    const endsOnBoundary = !isWordChar(needle[needle.length - 1]) || !isWordChar(after);
    if (startsOnBoundary && endsOnBoundary) return true;
  }
  return false;
}

/** `has`, `contains`, `startswith`, `endswith` and their `_cs` and `!` forms. */
export function stringPredicate(op: string, left: KqlValue, right: KqlValue): boolean {
  const negated = op.startsWith("!");
  const base = negated ? op.slice(1) : op;
  const caseSensitive = base.endsWith("_cs");
  const verb = caseSensitive ? base.slice(0, -3) : base;
  let haystack = toKqlString(left);
  let needle = toKqlString(right);
  if (!caseSensitive) {
    haystack = haystack.toLowerCase();
    needle = needle.toLowerCase();
  }
  let result: boolean;
  switch (verb) {
    case "has":
      result = hasTerm(haystack, needle);
      break;
    case "contains":
      result = haystack.includes(needle);
      break;
    case "startswith":
      result = haystack.startsWith(needle);
      break;
    default:
      result = haystack.endsWith(needle);
  }
  return negated ? !result : result;
}

// ---- arithmetic ----

export function arithmetic(op: string, left: KqlValue, right: KqlValue): KqlValue {
  if (isNull(left) || isNull(right)) return null;
  if (typeof left === "number" && typeof right === "number") {
    switch (op) {
      case "+":
        return left + right;
      case "-":
        return left - right;
      case "*":
        return left * right;
      case "/":
        if (right === 0) return null;
        // Kusto divides longs as longs.
        return Number.isInteger(left) && Number.isInteger(right) ? Math.trunc(left / right) : left / right;
      default:
        return right === 0 ? null : left % right;
    }
  }
  if (left instanceof DateTimeValue && right instanceof TimespanValue) {
    if (op === "+") return dateTimeAt(left.ms + right.ms);
    if (op === "-") return dateTimeAt(left.ms - right.ms);
  }
  if (left instanceof TimespanValue && right instanceof DateTimeValue && op === "+") {
    return dateTimeAt(left.ms + right.ms);
  }
  if (left instanceof DateTimeValue && right instanceof DateTimeValue && op === "-") {
    return timespanOf(left.ms - right.ms);
  }
  if (left instanceof TimespanValue && right instanceof TimespanValue) {
    if (op === "+") return timespanOf(left.ms + right.ms);
    if (op === "-") return timespanOf(left.ms - right.ms);
  }
  if (left instanceof TimespanValue && typeof right === "number") {
    if (op === "*") return timespanOf(left.ms * right);
    if (op === "/" && right !== 0) return timespanOf(left.ms / right);
  }
  return null;
}

export function negate(value: KqlValue): KqlValue {
  if (typeof value === "number") return -value;
  if (value instanceof TimespanValue) return new TimespanValue(-value.ms);
  return null;
}

// ---- scalar functions ----

export interface ScalarFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  apply(args: readonly KqlValue[], now: number): KqlValue;
}

const fn = (minArgs: number, maxArgs: number, apply: ScalarFunction["apply"]): ScalarFunction => ({
  minArgs,
  maxArgs,
  apply,
});

const isEmpty = (value: KqlValue) => isNull(value) || value === "";

function parseJson(value: KqlValue): KqlValue {
  if (typeof value !== "string") return value ?? null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return null;
  }
}

function toInteger(value: KqlValue): number | null {
  const n = toNumber(value);
  return n === null ? null : Math.trunc(n);
}

export const scalarFunctions: ReadonlyMap<string, ScalarFunction> = new Map<string, ScalarFunction>([
  ["tostring", fn(1, 1, ([x]) => toKqlString(x))],
  ["tolower", fn(1, 1, ([x]) => toKqlString(x).toLowerCase())],
  ["toupper", fn(1, 1, ([x]) => toKqlString(x).toUpperCase())],
  ["toint", fn(1, 1, ([x]) => toInteger(x))],
  ["tolong", fn(1, 1, ([x]) => toInteger(x))],
  ["todouble", fn(1, 1, ([x]) => toNumber(x))],
  ["toreal", fn(1, 1, ([x]) => toNumber(x))],
  ["tobool", fn(1, 1, ([x]) => toBool(x))],
  ["toboolean", fn(1, 1, ([x]) => toBool(x))],
  ["todatetime", fn(1, 1, ([x]) => toDateTime(x))],
  ["todynamic", fn(1, 1, ([x]) => parseJson(x))],
  ["parse_json", fn(1, 1, ([x]) => parseJson(x))],
  ["isempty", fn(1, 1, ([x]) => isEmpty(x))],
  ["isnotempty", fn(1, 1, ([x]) => !isEmpty(x))],
  ["isnull", fn(1, 1, ([x]) => isNull(x))],
  ["isnotnull", fn(1, 1, ([x]) => !isNull(x))],
  ["not", fn(1, 1, ([x]) => (x === true ? false : x === false ? true : null))],
  ["strlen", fn(1, 1, ([x]) => toKqlString(x).length)],
  ["strcat", fn(1, 64, (args) => args.map(toKqlString).join(""))],
  ["split", fn(2, 2, ([x, separator]) => toKqlString(x).split(toKqlString(separator)))],
  ["array_length", fn(1, 1, ([x]) => (Array.isArray(x) ? x.length : null))],
  ["coalesce", fn(1, 64, (args) => args.find((x) => !isEmpty(x)) ?? null)],
  ["iff", fn(3, 3, ([condition, then, otherwise]) => (condition === true ? then : otherwise))],
  ["iif", fn(3, 3, ([condition, then, otherwise]) => (condition === true ? then : otherwise))],
  ["now", fn(0, 0, (_args, now) => dateTimeAt(now))],
  ["ago", fn(1, 1, ([span], now) => (span instanceof TimespanValue ? dateTimeAt(now - span.ms) : null))],
]);

export function isTruthy(value: KqlValue): boolean {
  return value === true;
}
