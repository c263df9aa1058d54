// Recursive-descent parser for the emulator's KQL subset. Precedence, loosest first:
// `or`, `and`, comparisons / string predicates / `in` (non-associative), `+ -`, `* / %`,
// unary minus, then member access (`a.b`, `a['b']`, `a[0]`). Anything the subset does not cover
// is refused with a KqlError naming it, never guessed at.
import { tokenize } from "./kqlLexer";
import {
  type Aggregate,
  type ArithmeticOperator,
  type ComparisonOperator,
  type Expression,
  KqlError,
  type MembershipOperator,
  membershipOperators,
  type NamedExpression,
  type Query,
  type SortKey,
  type Stage,
  type StringOperator,
  stringOperators,
  type Token,
} from "./kqlSyntax";

const comparisonOperators: readonly string[] = ["==", "!=", "=~", "!~", "<", "<=", ">", ">="];

/** The left-associative binary operators, parsed as chains. */
type ChainOperator = "and" | "or" | ArithmeticOperator;

export const supportedOperators = [
  "where",
  "extend",
  "project",
  "project-away",
  "order by",
  "sort by",
  "limit",
  "take",
  "top",
  "summarize",
  "count",
  "distinct",
] as const;

/** The word each supported operator starts with (`order` for `order by`). */
const stageKeywords = new Set(supportedOperators.map((operator) => operator.split(" ")[0]));

// Kusto tabular operators the subset does not implement: named so the error says so plainly.
const knownUnsupported = new Set([
  "join",
  "union",
  "mv-expand",
  "mv-apply",
  "parse",
  "lookup",
  "make-series",
  "render",
  "as",
  "evaluate",
  "sample",
  "sample-distinct",
  "project-rename",
  "project-keep",
  "project-reorder",
  "search",
  "serialize",
  "invoke",
  "facet",
  "fork",
  "getschema",
  "filter",
]);

/** Maximum nesting of parentheses and calls: deep enough for any real query, shallow enough for the stack. */
const maxDepth = 64;
/** Maximum height of an expression tree, which the evaluator walks recursively. */
const maxHeight = 512;

const unsupportedPredicates = new Set([
  "between",
  "matches",
  "has_any",
  "has_all",
  "contains_any",
  "has_any_cs",
]);

export function parseQuery(source: string): Query {
  return new Parser(tokenize(source)).query();
}

class Parser {
  private position = 0;
  private depth = 0;
  private unnamed = 0;
  private readonly heights = new WeakMap<Expression, number>();

  constructor(private readonly tokens: readonly Token[]) {}

  query(): Query {
    const first = this.peek();
    let table = "Resources";
    if (first.kind === "end") throw new KqlError("ParserFailure", "The query is empty.", first.at);
    // ARG runs a query that starts with an operator against the Resources table.
    const startsWithOperator = first.kind === "name" && stageKeywords.has(first.text);
    if (!startsWithOperator) {
      if (first.kind !== "name") throw this.expected("a table name such as 'Resources'", first);
      table = first.text;
      this.position++;
    }
    const stages: Stage[] = [];
    if (startsWithOperator) stages.push(this.stage());
    while (this.acceptSymbol("|")) stages.push(this.stage());
    const trailing = this.peek();
    if (trailing.kind !== "end") throw this.expected("'|' or the end of the query", trailing);
    return { table, stages };
  }

  // ---- tabular operators ----

  private stage(): Stage {
    const token = this.next();
    if (token.kind !== "name") throw this.expected("a tabular operator such as 'where' or 'project'", token);
    const at = token.at;
    switch (token.text) {
      case "where":
        return { kind: "where", predicate: this.expression(), at };
      case "extend":
        return { kind: "extend", columns: this.namedList(), at };
      case "project":
        return { kind: "project", columns: this.namedList(), at };
      case "project-away":
        return { kind: "project-away", names: this.nameList(), at };
      case "order":
      case "sort": {
        this.expectName("by");
        const keys: SortKey[] = [this.sortKey()];
        while (this.acceptSymbol(",")) keys.push(this.sortKey());
        return { kind: "order", keys, at };
      }
      case "limit":
      case "take":
        return { kind: "limit", count: this.rowCount(), at };
      case "top": {
        const count = this.rowCount();
        this.expectName("by");
        return { kind: "top", count, key: this.sortKey(), at };
      }
      case "summarize":
        return this.summarize(at);
      case "count":
        return { kind: "count", at };
      case "distinct":
        return { kind: "distinct", columns: this.namedList(), at };
      default:
        if (knownUnsupported.has(token.text)) {
          throw new KqlError(
            "UnsupportedOperator",
            `The emulator's Resource Graph does not support the '${token.text}' operator; it supports ${supportedOperators.join(", ")}.`,
            at,
          );
        }
        throw new KqlError("ParserFailure", `'${token.text}' is not a tabular operator.`, at);
    }
  }

  private summarize(at: number): Stage {
    const aggregates: Aggregate[] = [];
    if (!this.isName("by")) {
      do aggregates.push(this.aggregate());
      while (this.acceptSymbol(","));
    }
    let by: NamedExpression[] = [];
    if (this.acceptName("by")) by = this.namedList();
    if (aggregates.length === 0 && by.length === 0) {
      throw new KqlError("ParserFailure", "summarize needs an aggregation or a 'by' clause.", at);
    }
    return { kind: "summarize", aggregates, by, at };
  }

  private aggregate(): Aggregate {
    let name: string | undefined;
    if (this.peek().kind === "name" && this.peek(1).text === "=" && this.peek(1).kind === "symbol") {
      name = this.next().text;
      this.next();
    }
    const fnToken = this.next();
    if (fnToken.kind !== "name" || !this.acceptSymbol("(")) {
      throw this.expected("an aggregation function call such as count()", fnToken);
    }
    const args = this.argumentList();
    return { name: name ?? "", fn: fnToken.text, args, at: fnToken.at };
  }

  private sortKey(): SortKey {
    const expression = this.expression();
    // Kusto sorts descending unless told otherwise.
    let descending = true;
    if (this.acceptName("asc")) descending = false;
    else this.acceptName("desc");
    if (this.isName("nulls")) {
      throw new KqlError(
        "UnsupportedOperator",
        "The emulator's Resource Graph does not support 'nulls first|last'.",
        this.peek().at,
      );
    }
    return { expression, descending };
  }

  private rowCount(): number {
    const token = this.next();
    if (token.kind !== "number" || !Number.isInteger(token.value) || (token.value ?? -1) < 0) {
      throw this.expected("a non-negative whole number of rows", token);
    }
    return token.value ?? 0;
  }

  private nameList(): { name: string; at: number }[] {
    const names: { name: string; at: number }[] = [];
    do {
      const token = this.next();
      if (token.kind !== "name") throw this.expected("a column name", token);
      names.push({ name: token.text, at: token.at });
    } while (this.acceptSymbol(","));
    return names;
  }

  private namedList(): NamedExpression[] {
    const columns: NamedExpression[] = [];
    do columns.push(this.namedExpression());
    while (this.acceptSymbol(","));
    return columns;
  }

  private namedExpression(): NamedExpression {
    if (this.peek().kind === "name" && this.peek(1).kind === "symbol" && this.peek(1).text === "=") {
      const name = this.next().text;
      this.next();
      return { name, expression: this.expression() };
    }
    const expression = this.expression();
    return { name: this.derivedName(expression), expression };
  }

  /** Kusto's column name for an unnamed expression: `properties.a.b` becomes `properties_a_b`. */
  private derivedName(expression: Expression): string {
    const path = pathName(expression);
    if (path) return path;
    this.unnamed++;
    return `Column${this.unnamed}`;
  }

  // ---- scalar expressions ----

  expression(): Expression {
    return this.nested(() => this.or());
  }

  /** Guards the parser's own recursion (parentheses, calls, unary minus). */
  private nested(parse: () => Expression): Expression {
    if (++this.depth > maxDepth) {
      throw new KqlError(
        "ParserFailure",
        `The expression is nested more than ${maxDepth} levels deep.`,
        this.peek().at,
      );
    }
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  /**
   * Records a node's height. Chains such as `a or b or …` are parsed in a loop but evaluated
   * recursively, so the tree's height is capped, not only the parser's recursion.
   */
  private node<T extends Expression>(expression: T): T {
    const children: Expression[] = [];
    if (expression.kind === "binary") children.push(expression.left, expression.right);
    else if (expression.kind === "member") children.push(expression.target);
    else if (expression.kind === "negate") children.push(expression.operand);
    else if (expression.kind === "call") children.push(...expression.args);
    else if (expression.kind === "membership") children.push(expression.target, ...expression.items);
    const height = 1 + Math.max(0, ...children.map((child) => this.heights.get(child) ?? 1));
    if (height > maxHeight) {
      throw new KqlError(
        "ParserFailure",
        `The expression is more than ${maxHeight} operations deep.`,
        expression.at,
      );
    }
    this.heights.set(expression, height);
    return expression;
  }

  private or(): Expression {
    return this.chain(["or"], () => this.and());
  }

  private and(): Expression {
    return this.chain(["and"], () => this.comparison());
  }

  private comparison(): Expression {
    const left = this.additive();
    const token = this.peek();
    const isOperatorToken = token.kind === "symbol" || token.kind === "name";
    if (
      (token.kind === "symbol" && comparisonOperators.includes(token.text)) ||
      (isOperatorToken && (stringOperators as readonly string[]).includes(token.text))
    ) {
      this.next();
      const op = token.text as ComparisonOperator | StringOperator;
      return this.node({ kind: "binary", op, left, right: this.additive(), at: token.at });
    }
    if (isOperatorToken && (membershipOperators as readonly string[]).includes(token.text)) {
      this.next();
      if (!this.acceptSymbol("(")) throw this.expected("'(' and a list of values", this.peek());
      const items = this.argumentList();
      if (items.length === 0)
        throw new KqlError("ParserFailure", `'${token.text}' needs at least one value.`, token.at);
      const op = token.text as MembershipOperator;
      return this.node({ kind: "membership", op, target: left, items, at: token.at });
    }
    if (token.kind === "name" && unsupportedPredicates.has(token.text)) {
      throw new KqlError(
        "UnsupportedOperator",
        `The emulator's Resource Graph does not support '${token.text}'.`,
        token.at,
      );
    }
    return left;
  }

  private additive(): Expression {
    return this.chain(["+", "-"], () => this.multiplicative());
  }

  private multiplicative(): Expression {
    return this.chain(["*", "/", "%"], () => this.unary());
  }

  /** `operand (op operand)*` for any of `ops`, left-associative. */
  private chain(ops: readonly ChainOperator[], operand: () => Expression): Expression {
    let left = operand();
    for (let op = this.acceptOperator(ops); op; op = this.acceptOperator(ops)) {
      left = this.node({ kind: "binary", op: op.text, left, right: operand(), at: op.at });
    }
    return left;
  }

  /** Consumes one of `ops` when it is next (`and` and `or` are names, the arithmetic ones symbols). */
  private acceptOperator(ops: readonly ChainOperator[]): { text: ChainOperator; at: number } | undefined {
    const token = this.peek();
    if (token.kind !== "name" && token.kind !== "symbol") return undefined;
    const op = ops.find((candidate) => token.text === candidate);
    if (!op) return undefined;
    this.next();
    return { text: op, at: token.at };
  }

  private unary(): Expression {
    const token = this.peek();
    if (token.kind === "symbol" && token.text === "-") {
      this.next();
      const operand = this.nested(() => this.unary());
      if (operand.kind === "literal" && typeof operand.value === "number") {
        return { kind: "literal", value: -operand.value, at: token.at };
      }
      return this.node({ kind: "negate", operand, at: token.at });
    }
    return this.postfix();
  }

  private postfix(): Expression {
    let target = this.primary();
    for (;;) {
      const token = this.peek();
      if (token.kind === "symbol" && token.text === ".") {
        this.next();
        const key = this.next();
        if (key.kind !== "name") throw this.expected("a property name after '.'", key);
        target = this.node({ kind: "member", target, key: key.text, at: key.at });
        continue;
      }
      if (token.kind === "symbol" && token.text === "[") {
        this.next();
        const key = this.next();
        let index: string | number;
        if (key.kind === "string") index = key.text;
        else if (key.kind === "number" && Number.isInteger(key.value)) index = key.value ?? 0;
        else if (key.kind === "symbol" && key.text === "-" && this.peek().kind === "number")
          index = -(this.next().value ?? 0);
        else throw this.expected("a string key or an array index inside '[ ]'", key);
        if (!this.acceptSymbol("]")) throw this.expected("']'", this.peek());
        target = this.node({ kind: "member", target, key: index, at: key.at });
        continue;
      }
      return target;
    }
  }

  private primary(): Expression {
    const token = this.next();
    switch (token.kind) {
      case "number":
        return { kind: "literal", value: token.value ?? 0, at: token.at };
      case "timespan":
        return { kind: "literal", value: { timespanMs: token.value ?? 0 }, at: token.at };
      case "string":
        return { kind: "literal", value: token.text, at: token.at };
      case "symbol":
        if (token.text === "(") {
          const inner = this.expression();
          if (!this.acceptSymbol(")")) throw this.expected("')'", this.peek());
          return inner;
        }
        throw this.expected("a value, a column or a function call", token);
      case "name": {
        if (this.acceptSymbol("(")) {
          return this.node({ kind: "call", name: token.text, args: this.argumentList(), at: token.at });
        }
        if (token.text === "true") return { kind: "literal", value: true, at: token.at };
        if (token.text === "false") return { kind: "literal", value: false, at: token.at };
        if (token.text === "null") return { kind: "literal", value: null, at: token.at };
        return { kind: "column", name: token.text, at: token.at };
      }
      default:
        throw this.expected("a value, a column or a function call", token);
    }
  }

  /** Arguments after an opening '(' up to and including the closing ')'. */
  private argumentList(): Expression[] {
    const args: Expression[] = [];
    if (this.acceptSymbol(")")) return args;
    do args.push(this.expression());
    while (this.acceptSymbol(","));
    if (!this.acceptSymbol(")")) throw this.expected("',' or ')'", this.peek());
    return args;
  }

  // ---- token helpers ----

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== "end") this.position++;
    return token;
  }

  private isName(text: string): boolean {
    const token = this.peek();
    return token.kind === "name" && token.text === text;
  }

  private acceptName(text: string): boolean {
    if (!this.isName(text)) return false;
    this.position++;
    return true;
  }

  private expectName(text: string): void {
    if (!this.acceptName(text)) throw this.expected(`'${text}'`, this.peek());
  }

  private acceptSymbol(text: string): boolean {
    const token = this.peek();
    if (token.kind !== "symbol" || token.text !== text) return false;
    this.position++;
    return true;
  }

  private expected(what: string, found: Token): KqlError {
    const shown = found.kind === "end" ? "the end of the query" : `'${found.text}'`;
    return new KqlError("ParserFailure", `Expected ${what} but found ${shown}.`, found.at);
  }
}

/** `properties_a_b` for `properties.a.b`; the inner path for `tostring(properties.a)`; else undefined. */
export function pathName(expression: Expression): string | undefined {
  switch (expression.kind) {
    case "column":
      return expression.name;
    case "member": {
      const inner = pathName(expression.target);
      return inner === undefined ? undefined : `${inner}_${String(expression.key)}`;
    }
    case "call": {
      const first = expression.args[0];
      return expression.args.length === 1 && first ? pathName(first) : undefined;
    }
    default:
      return undefined;
  }
}
