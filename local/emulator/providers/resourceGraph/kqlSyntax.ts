// The shapes of the KQL subset the emulator's Resource Graph understands: tokens, the syntax
// tree, and the error a query that falls outside the subset (or is wrong) raises.

export type TokenKind = "name" | "string" | "number" | "timespan" | "symbol" | "end";

export interface Token {
  readonly kind: TokenKind;
  /** Source text (for strings: the decoded value; for symbols: the operator). */
  readonly text: string;
  /** Numbers and timespans (in milliseconds). */
  readonly value?: number;
  /** Offset of the token's first character in the query. */
  readonly at: number;
}

/** Why a query was refused; ARG reports these as details of a 400 BadRequest. */
export type KqlErrorCode =
  | "ParserFailure"
  | "UnknownTable"
  | "UnsupportedOperator"
  | "UnknownFunction"
  | "InvalidFunctionArguments"
  | "FailedToResolveColumn"
  | "InvalidLiteral";

export class KqlError extends Error {
  constructor(
    readonly code: KqlErrorCode,
    message: string,
    /** Offset in the query; converted to line and column when reported. */
    readonly at: number,
  ) {
    super(message);
  }
}

export type ComparisonOperator = "==" | "!=" | "=~" | "!~" | "<" | "<=" | ">" | ">=";
export type ArithmeticOperator = "+" | "-" | "*" | "/" | "%";

/** String predicates; the `_cs` forms are case-sensitive, a leading `!` negates. */
export const stringOperators = [
  "has",
  "!has",
  "has_cs",
  "!has_cs",
  "contains",
  "!contains",
  "contains_cs",
  "!contains_cs",
  "startswith",
  "!startswith",
  "startswith_cs",
  "!startswith_cs",
  "endswith",
  "!endswith",
  "endswith_cs",
  "!endswith_cs",
] as const;
export type StringOperator = (typeof stringOperators)[number];

export const membershipOperators = ["in", "!in", "in~", "!in~"] as const;
export type MembershipOperator = (typeof membershipOperators)[number];

export type Expression =
  | { readonly kind: "literal"; readonly value: LiteralValue; readonly at: number }
  | { readonly kind: "column"; readonly name: string; readonly at: number }
  | {
      readonly kind: "member";
      readonly target: Expression;
      readonly key: string | number;
      readonly at: number;
    }
  | {
      readonly kind: "call";
      readonly name: string;
      readonly args: readonly Expression[];
      readonly at: number;
    }
  | { readonly kind: "negate"; readonly operand: Expression; readonly at: number }
  | {
      readonly kind: "binary";
      readonly op: ComparisonOperator | ArithmeticOperator | StringOperator | "and" | "or";
      readonly left: Expression;
      readonly right: Expression;
      readonly at: number;
    }
  | {
      readonly kind: "membership";
      readonly op: MembershipOperator;
      readonly target: Expression;
      readonly items: readonly Expression[];
      readonly at: number;
    };

export type LiteralValue = null | string | number | boolean | { readonly timespanMs: number };

export interface NamedExpression {
  readonly name: string;
  readonly expression: Expression;
}

export interface SortKey {
  readonly expression: Expression;
  readonly descending: boolean;
}

export interface Aggregate {
  readonly name: string;
  readonly fn: string;
  readonly args: readonly Expression[];
  readonly at: number;
}

export type Stage =
  | { readonly kind: "where"; readonly predicate: Expression; readonly at: number }
  | { readonly kind: "extend"; readonly columns: readonly NamedExpression[]; readonly at: number }
  | { readonly kind: "project"; readonly columns: readonly NamedExpression[]; readonly at: number }
  | {
      readonly kind: "project-away";
      readonly names: readonly { name: string; at: number }[];
      readonly at: number;
    }
  | { readonly kind: "order"; readonly keys: readonly SortKey[]; readonly at: number }
  | { readonly kind: "limit"; readonly count: number; readonly at: number }
  | { readonly kind: "top"; readonly count: number; readonly key: SortKey; readonly at: number }
  | {
      readonly kind: "summarize";
      readonly aggregates: readonly Aggregate[];
      readonly by: readonly NamedExpression[];
      readonly at: number;
    }
  | { readonly kind: "count"; readonly at: number }
  | { readonly kind: "distinct"; readonly columns: readonly NamedExpression[]; readonly at: number };

export interface Query {
  /** The table, as written (`Resources` when the query starts with an operator). */
  readonly table: string;
  readonly stages: readonly Stage[];
}
