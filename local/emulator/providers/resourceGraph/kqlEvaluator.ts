// Runs a parsed query over rows. Before any row is touched the query is checked against the
// columns each stage produces, so a misspelt column or function fails the whole query with 400,
// as Kusto's semantic check does, instead of silently yielding nulls.
import { pathName } from "./kqlParser";
import {
  arithmetic,
  compare,
  DateTimeValue,
  equals,
  isTruthy,
  type KqlValue,
  negate,
  scalarFunctions,
  stringPredicate,
  TimespanValue,
  toKqlString,
} from "./kqlScalars";
import {
  type Aggregate,
  type Expression,
  KqlError,
  type NamedExpression,
  type Query,
  type SortKey,
  type Stage,
} from "./kqlSyntax";

export type Row = ReadonlyMap<string, KqlValue>;

export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly Row[];
}

export interface QueryOutcome extends Table {
  /** The query cut its own result short (`limit`, `take`, `top`): ARG does not page such results. */
  readonly limited: boolean;
}

interface AggregateFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Kusto's default column name prefix: `count_`, `dcount_type`… */
  readonly prefix: string;
  readonly namesArgument: boolean;
  compute(rows: readonly Row[], evaluateArg: (row: Row) => KqlValue): KqlValue;
}

const present = (values: KqlValue[]) => values.filter((v) => v !== null && v !== undefined);

function valueKey(value: KqlValue): string {
  if (value instanceof DateTimeValue) return `d:${value.ms}`;
  if (value instanceof TimespanValue) return `t:${value.ms}`;
  return `j:${JSON.stringify(value ?? null)}`;
}

function extreme(values: KqlValue[], sign: 1 | -1): KqlValue {
  let best: KqlValue = null;
  for (const value of present(values)) {
    const order = best === null ? null : compare(value, best);
    if (best === null || (order !== null && order * sign > 0)) best = value;
  }
  return best;
}

const aggregateFunctions: ReadonlyMap<string, AggregateFunction> = new Map<string, AggregateFunction>([
  [
    "count",
    { minArgs: 0, maxArgs: 0, prefix: "count_", namesArgument: false, compute: (rows) => rows.length },
  ],
  [
    "countif",
    {
      minArgs: 1,
      maxArgs: 1,
      prefix: "countif_",
      namesArgument: false,
      compute: (rows, arg) => rows.filter((row) => isTruthy(arg(row))).length,
    },
  ],
  [
    "dcount",
    {
      minArgs: 1,
      maxArgs: 2,
      prefix: "dcount_",
      namesArgument: true,
      compute: (rows, arg) => new Set(present(rows.map(arg)).map(valueKey)).size,
    },
  ],
  [
    "sum",
    {
      minArgs: 1,
      maxArgs: 1,
      prefix: "sum_",
      namesArgument: true,
      compute: (rows, arg) =>
        rows.map(arg).reduce<number>((total, v) => total + (typeof v === "number" ? v : 0), 0),
    },
  ],
  [
    "avg",
    {
      minArgs: 1,
      maxArgs: 1,
      prefix: "avg_",
      namesArgument: true,
      compute: (rows, arg) => {
        const numbers = rows.map(arg).filter((v): v is number => typeof v === "number");
        return numbers.length === 0 ? null : numbers.reduce((a, b) => a + b, 0) / numbers.length;
      },
    },
  ],
  [
    "min",
    {
      minArgs: 1,
      maxArgs: 1,
      prefix: "min_",
      namesArgument: true,
      compute: (rows, arg) => extreme(rows.map(arg), -1),
    },
  ],
  [
    "max",
    {
      minArgs: 1,
      maxArgs: 1,
      prefix: "max_",
      namesArgument: true,
      compute: (rows, arg) => extreme(rows.map(arg), 1),
    },
  ],
  [
    "make_list",
    {
      minArgs: 1,
      maxArgs: 2,
      prefix: "list_",
      namesArgument: true,
      compute: (rows, arg) => present(rows.map(arg)),
    },
  ],
  [
    "make_set",
    {
      minArgs: 1,
      maxArgs: 2,
      prefix: "set_",
      namesArgument: true,
      compute: (rows, arg) => {
        const seen = new Map<string, KqlValue>();
        for (const value of present(rows.map(arg)))
          if (!seen.has(valueKey(value))) seen.set(valueKey(value), value);
        return [...seen.values()];
      },
    },
  ],
  [
    "take_any",
    {
      minArgs: 1,
      maxArgs: 1,
      prefix: "any_",
      namesArgument: true,
      compute: (rows, arg) => present(rows.map(arg))[0] ?? null,
    },
  ],
]);

// ---- the semantic check ----

function checkExpression(expression: Expression, columns: ReadonlySet<string>): void {
  switch (expression.kind) {
    case "literal":
      return;
    case "column":
      if (!columns.has(expression.name)) {
        throw new KqlError(
          "FailedToResolveColumn",
          `Failed to resolve scalar expression named '${expression.name}'.`,
          expression.at,
        );
      }
      return;
    case "member":
      checkExpression(expression.target, columns);
      return;
    case "negate":
      checkExpression(expression.operand, columns);
      return;
    case "binary":
      checkExpression(expression.left, columns);
      checkExpression(expression.right, columns);
      return;
    case "membership":
      checkExpression(expression.target, columns);
      for (const item of expression.items) checkExpression(item, columns);
      return;
    case "call": {
      const scalar = scalarFunctions.get(expression.name);
      if (!scalar) {
        if (aggregateFunctions.has(expression.name)) {
          throw new KqlError(
            "InvalidFunctionArguments",
            `The aggregation '${expression.name}()' is only allowed in summarize.`,
            expression.at,
          );
        }
        throw new KqlError("UnknownFunction", `Unknown function: '${expression.name}'.`, expression.at);
      }
      checkArity(expression.name, expression.args.length, scalar.minArgs, scalar.maxArgs, expression.at);
      for (const arg of expression.args) checkExpression(arg, columns);
      return;
    }
  }
}

function checkArity(name: string, count: number, min: number, max: number, at: number): void {
  if (count < min || count > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw new KqlError(
      "InvalidFunctionArguments",
      `'${name}' expects ${expected} argument(s), got ${count}.`,
      at,
    );
  }
}

function aggregateName(aggregate: Aggregate, definition: AggregateFunction): string {
  if (aggregate.name) return aggregate.name;
  const first = aggregate.args[0];
  return definition.namesArgument && first
    ? `${definition.prefix}${pathName(first) ?? ""}`
    : definition.prefix;
}

function requireUnique(names: readonly string[], at: number): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name))
      throw new KqlError("ParserFailure", `The column '${name}' is defined more than once.`, at);
    seen.add(name);
  }
}

/** The columns a stage produces from its input columns; throws on anything it cannot resolve. */
function checkStage(stage: Stage, input: readonly string[]): string[] {
  const known = new Set(input);
  switch (stage.kind) {
    case "where":
      checkExpression(stage.predicate, known);
      return [...input];
    case "extend": {
      const output = [...input];
      for (const column of stage.columns) {
        // Later extensions may use earlier ones, as in Kusto.
        checkExpression(column.expression, new Set(output));
        if (!output.includes(column.name)) output.push(column.name);
      }
      return output;
    }
    case "project":
    case "distinct": {
      for (const column of stage.columns) checkExpression(column.expression, known);
      const names = stage.columns.map((c) => c.name);
      requireUnique(names, stage.at);
      return names;
    }
    case "project-away":
      for (const { name, at } of stage.names) {
        if (!known.has(name))
          throw new KqlError("FailedToResolveColumn", `Failed to resolve column '${name}'.`, at);
      }
      return input.filter((name) => !stage.names.some((removed) => removed.name === name));
    case "order":
      for (const key of stage.keys) checkExpression(key.expression, known);
      return [...input];
    case "top":
      checkExpression(stage.key.expression, known);
      return [...input];
    case "limit":
      return [...input];
    case "count":
      return ["Count"];
    case "summarize": {
      for (const column of stage.by) checkExpression(column.expression, known);
      const names = stage.by.map((c) => c.name);
      for (const aggregate of stage.aggregates) {
        const definition = aggregateFunctions.get(aggregate.fn);
        if (!definition) {
          throw new KqlError(
            "UnknownFunction",
            `'${aggregate.fn}' is not an aggregation function.`,
            aggregate.at,
          );
        }
        checkArity(aggregate.fn, aggregate.args.length, definition.minArgs, definition.maxArgs, aggregate.at);
        for (const arg of aggregate.args) checkExpression(arg, known);
        names.push(aggregateName(aggregate, definition));
      }
      requireUnique(names, stage.at);
      return names;
    }
  }
}

// ---- evaluation ----

function member(target: KqlValue, key: string | number): KqlValue {
  if (typeof key === "number") {
    if (!Array.isArray(target)) return null;
    const index = key < 0 ? target.length + key : key;
    return (target[index] as unknown) ?? null;
  }
  if (target === null || typeof target !== "object" || Array.isArray(target)) return null;
  if (target instanceof DateTimeValue || target instanceof TimespanValue) return null;
  return Object.prototype.hasOwnProperty.call(target, key)
    ? ((target as Record<string, unknown>)[key] ?? null)
    : null;
}

export function evaluate(expression: Expression, row: Row, now: number): KqlValue {
  switch (expression.kind) {
    case "literal": {
      const value = expression.value;
      return value !== null && typeof value === "object" ? new TimespanValue(value.timespanMs) : value;
    }
    case "column":
      return row.get(expression.name) ?? null;
    case "member":
      return member(evaluate(expression.target, row, now), expression.key);
    case "negate":
      return negate(evaluate(expression.operand, row, now));
    case "call": {
      const scalar = scalarFunctions.get(expression.name);
      return scalar
        ? scalar.apply(
            expression.args.map((arg) => evaluate(arg, row, now)),
            now,
          )
        : null;
    }
    case "membership": {
      const target = evaluate(expression.target, row, now);
      const ignoreCase = expression.op.endsWith("~");
      const found = expression.items.some(
        (item) => equals(target, evaluate(item, row, now), ignoreCase) === true,
      );
      return expression.op.startsWith("!") ? !found : found;
    }
    case "binary": {
      const { op } = expression;
      if (op === "and")
        return (
          isTruthy(evaluate(expression.left, row, now)) && isTruthy(evaluate(expression.right, row, now))
        );
      if (op === "or")
        return (
          isTruthy(evaluate(expression.left, row, now)) || isTruthy(evaluate(expression.right, row, now))
        );
      const left = evaluate(expression.left, row, now);
      const right = evaluate(expression.right, row, now);
      switch (op) {
        case "==":
          return equals(left, right, false);
        case "=~":
          return equals(left, right, true);
        case "!=":
        case "!~": {
          const same = equals(left, right, op === "!~");
          return same === null ? null : !same;
        }
        case "<":
        case "<=":
        case ">":
        case ">=": {
          const order = compare(left, right);
          if (order === null) return null;
          return op === "<" ? order < 0 : op === "<=" ? order <= 0 : op === ">" ? order > 0 : order >= 0;
        }
        case "+":
        case "-":
        case "*":
        case "/":
        case "%":
          return arithmetic(op, left, right);
        default:
          return stringPredicate(op, left, right);
      }
    }
  }
}

function project(rows: readonly Row[], columns: readonly NamedExpression[], now: number): Row[] {
  return rows.map((row) => new Map(columns.map((c) => [c.name, evaluate(c.expression, row, now)])));
}

/** Kusto's sort: ascending puts nulls first, descending puts them last; ties keep input order. */
function sortRows(rows: readonly Row[], keys: readonly SortKey[], now: number): Row[] {
  const decorated = rows.map((row, index) => ({
    row,
    index,
    values: keys.map((k) => evaluate(k.expression, row, now)),
  }));
  decorated.sort((a, b) => {
    for (const [i, key] of keys.entries()) {
      const x = a.values[i];
      const y = b.values[i];
      const xNull = x === null || x === undefined;
      const yNull = y === null || y === undefined;
      let order: number;
      if (xNull || yNull) order = xNull === yNull ? 0 : xNull ? -1 : 1;
      else order = compare(x, y) ?? toKqlString(x).localeCompare(toKqlString(y));
      if (order !== 0) return key.descending ? -order : order;
    }
    return a.index - b.index;
  });
  return decorated.map((d) => d.row);
}

function summarize(rows: readonly Row[], stage: Extract<Stage, { kind: "summarize" }>, now: number): Row[] {
  const groups = new Map<string, { keys: KqlValue[]; rows: Row[] }>();
  for (const row of rows) {
    const keys = stage.by.map((c) => evaluate(c.expression, row, now));
    const id = keys.map(valueKey).join("\u0000");
    const group = groups.get(id);
    if (group) group.rows.push(row);
    else groups.set(id, { keys, rows: [row] });
  }
  // Without `by`, an empty input still yields one row (count_ = 0), as in Kusto.
  if (stage.by.length === 0 && groups.size === 0) groups.set("", { keys: [], rows: [] });
  return [...groups.values()].map((group) => {
    const out = new Map<string, KqlValue>(stage.by.map((c, i) => [c.name, group.keys[i] ?? null]));
    for (const aggregate of stage.aggregates) {
      const definition = aggregateFunctions.get(aggregate.fn);
      if (!definition) continue;
      const [first] = aggregate.args;
      const arg = (row: Row) => (first ? evaluate(first, row, now) : null);
      out.set(aggregateName(aggregate, definition), definition.compute(group.rows, arg));
    }
    return out;
  });
}

function distinct(rows: readonly Row[], columns: readonly NamedExpression[], now: number): Row[] {
  const seen = new Set<string>();
  const out: Row[] = [];
  for (const row of project(rows, columns, now)) {
    const id = [...row.values()].map(valueKey).join("\u0000");
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(row);
  }
  return out;
}

/** Checks the whole query, then runs it stage by stage. */
export function runQuery(query: Query, input: Table, now: number): QueryOutcome {
  let columns: readonly string[] = input.columns;
  for (const stage of query.stages) columns = checkStage(stage, columns);

  let rows: readonly Row[] = input.rows;
  columns = input.columns;
  let limited = false;
  for (const stage of query.stages) {
    const next = checkStage(stage, columns);
    switch (stage.kind) {
      case "where":
        rows = rows.filter((row) => isTruthy(evaluate(stage.predicate, row, now)));
        break;
      case "extend":
        rows = rows.map((row) => {
          const extended = new Map(row);
          for (const column of stage.columns)
            extended.set(column.name, evaluate(column.expression, extended, now));
          return extended;
        });
        break;
      case "project":
        rows = project(rows, stage.columns, now);
        break;
      case "project-away":
        rows = rows.map((row) => new Map(next.map((name) => [name, row.get(name) ?? null])));
        break;
      case "order":
        rows = sortRows(rows, stage.keys, now);
        break;
      case "limit":
        rows = rows.slice(0, stage.count);
        limited = true;
        break;
      case "top":
        rows = sortRows(rows, [stage.key], now).slice(0, stage.count);
        limited = true;
        break;
      case "count":
        rows = [new Map([["Count", rows.length]])];
        break;
      case "summarize":
        rows = summarize(rows, stage, now);
        break;
      case "distinct":
        rows = distinct(rows, stage.columns, now);
        break;
    }
    columns = next;
  }
  return { columns, rows, limited };
}
