// Splits a KQL query into tokens: names, string literals ('…', "…", verbatim @'…'), numbers,
// timespans (`5m`, `1d`), operators. `!has`, `!in~`, `in~` and `project-away` are single tokens,
// as Kusto reads them.
import { KqlError, type Token } from "./kqlSyntax";

/** Milliseconds per timespan unit suffix. */
const timespanUnits: Readonly<Record<string, number>> = {
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
};

const twoCharSymbols = ["==", "!=", "=~", "!~", "<=", ">=", "<>"];
const oneCharSymbols = "|,()[].=<>+-*/%";
const hyphenatedOperators = new Set([
  "project-away",
  "project-rename",
  "project-keep",
  "project-reorder",
  "mv-expand",
  "mv-apply",
  "make-series",
]);

/** Hard ceiling so a pathological query cannot make the emulator do unbounded work. */
export const maxQueryLength = 100_000;

const isNameStart = (c: string) => /[A-Za-z_$]/.test(c);
const isNamePart = (c: string) => /[A-Za-z0-9_$]/.test(c);
const isDigit = (c: string) => c >= "0" && c <= "9";

export function tokenize(source: string): Token[] {
  if (source.length > maxQueryLength) {
    throw new KqlError("ParserFailure", `The query is longer than ${maxQueryLength} characters.`, 0);
  }
  const tokens: Token[] = [];
  let i = 0;
  const peek = (offset = 0) => source[i + offset] ?? "";

  while (i < source.length) {
    const c = peek();
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "/" && peek(1) === "/") {
      while (i < source.length && peek() !== "\n") i++;
      continue;
    }
    const at = i;
    if (c === "'" || c === '"' || (c === "@" && (peek(1) === "'" || peek(1) === '"'))) {
      const verbatim = c === "@";
      if (verbatim) i++;
      tokens.push({ kind: "string", text: readString(source, i, verbatim, (end) => (i = end)), at });
      continue;
    }
    if (isDigit(c) || (c === "." && isDigit(peek(1)))) {
      const match = /^(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?/.exec(source.slice(i));
      const text = match?.[0] ?? c;
      i += text.length;
      if (!Number.isFinite(Number(text)))
        throw new KqlError("InvalidLiteral", `'${text}' is too large a number.`, at);
      const unit = /^[A-Za-z]+/.exec(source.slice(i))?.[0];
      if (unit !== undefined) {
        const factor = timespanUnits[unit.toLowerCase()];
        if (factor === undefined) {
          throw new KqlError("InvalidLiteral", `'${text}${unit}' is not a number or a timespan literal.`, at);
        }
        i += unit.length;
        const ms = Number(text) * factor;
        if (!Number.isFinite(ms))
          throw new KqlError("InvalidLiteral", `'${text}${unit}' is too long a timespan.`, at);
        tokens.push({ kind: "timespan", text: `${text}${unit}`, value: ms, at });
        continue;
      }
      tokens.push({ kind: "number", text, value: Number(text), at });
      continue;
    }
    if (isNameStart(c)) {
      let end = i + 1;
      while (end < source.length && isNamePart(source[end] ?? "")) end++;
      let name = source.slice(i, end);
      const hyphenated = /^-[a-z]+/.exec(source.slice(end))?.[0];
      if (hyphenated && hyphenatedOperators.has(`${name}${hyphenated}`)) {
        name += hyphenated;
        end += hyphenated.length;
      }
      if (name === "in" && source[end] === "~") {
        tokens.push({ kind: "symbol", text: "in~", at });
        i = end + 1;
        continue;
      }
      tokens.push({ kind: "name", text: name, at });
      i = end;
      continue;
    }
    if (c === "!" && isNameStart(peek(1))) {
      let end = i + 2;
      while (end < source.length && isNamePart(source[end] ?? "")) end++;
      let word = source.slice(i, end);
      if (word === "!in" && source[end] === "~") {
        word += "~";
        end++;
      }
      tokens.push({ kind: "symbol", text: word, at });
      i = end;
      continue;
    }
    const pair = source.slice(i, i + 2);
    if (twoCharSymbols.includes(pair)) {
      tokens.push({ kind: "symbol", text: pair === "<>" ? "!=" : pair, at });
      i += 2;
      continue;
    }
    if (oneCharSymbols.includes(c)) {
      tokens.push({ kind: "symbol", text: c, at });
      i++;
      continue;
    }
    throw new KqlError("ParserFailure", `Unexpected character '${c}'.`, at);
  }
  tokens.push({ kind: "end", text: "", at: source.length });
  return tokens;
}

/** Reads a string literal whose opening quote is at `start`; reports where it ended. */
function readString(source: string, start: number, verbatim: boolean, setEnd: (end: number) => void): string {
  const quote = source[start];
  let value = "";
  let i = start + 1;
  while (i < source.length) {
    const c = source[i] ?? "";
    if (c === quote) {
      // In verbatim strings a doubled quote stands for one quote.
      if (verbatim && source[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      setEnd(i + 1);
      return value;
    }
    if (c === "\n") break;
    if (c === "\\" && !verbatim) {
      const next = source[i + 1];
      const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' };
      const decoded = next === undefined ? undefined : escapes[next];
      if (decoded === undefined) {
        throw new KqlError(
          "InvalidLiteral",
          `Unknown escape sequence '\\${next ?? ""}' in a string literal.`,
          i,
        );
      }
      value += decoded;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  throw new KqlError("ParserFailure", "A string literal is not terminated.", start);
}
