// Functions HTTP route templates (ASP.NET attribute-routing syntax, which the host uses):
// literals (case-insensitive), `{param}`, `{param?}`, `{param=default}`, inline constraints
// `{id:int}` / `{id:int:min(1)}`, and a trailing catch-all `{*rest}`. Matching works on the
// path after the route prefix (`/api`), still percent-encoded; captured values are decoded.

export class RouteTemplateError extends Error {}

type Constraint = (value: string) => boolean;

interface ParameterPart {
  readonly kind: "parameter";
  readonly name: string;
  readonly constraints: readonly Constraint[];
  readonly optional: boolean;
  readonly catchAll: boolean;
  readonly defaultValue?: string;
}

interface LiteralPart {
  readonly kind: "literal";
  readonly text: string;
}

type SegmentPart = ParameterPart | LiteralPart;

export interface RouteMatch {
  /** Route values by parameter name, decoded; absent optional parameters are left out. */
  readonly params: Readonly<Record<string, string>>;
}

export interface RouteTemplate {
  readonly template: string;
  /**
   * Sort key: per segment 1 literal, 2 mixed, 3 constrained parameter, 4 parameter,
   * 5 optional, 6 catch-all; lower wins, as in ASP.NET route precedence.
   */
  readonly precedence: readonly number[];
  match(path: string): RouteMatch | undefined;
}

const int32 = { min: -2147483648, max: 2147483647 };
const guidPattern =
  /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}|\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\))$/i;
const decimalPattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseRouteTemplate(template: string): RouteTemplate {
  const trimmed = template.replace(/^~?\/+/, "").replace(/\/+$/, "");
  const segments = trimmed === "" ? [] : trimmed.split("/").map((segment) => parseSegment(segment, template));
  const parameterNames = new Set<string>();
  segments.forEach((parts, index) => {
    if (parts.length === 0) throw new RouteTemplateError(`Route '${template}' has an empty segment`);
    for (const part of parts) {
      if (part.kind !== "parameter") continue;
      const key = part.name.toLowerCase();
      if (parameterNames.has(key)) {
        throw new RouteTemplateError(`Route '${template}' uses the parameter '${part.name}' twice`);
      }
      parameterNames.add(key);
      const alone = parts.length === 1;
      if (part.catchAll && (!alone || index !== segments.length - 1)) {
        throw new RouteTemplateError(
          `Route '${template}': a catch-all parameter must be the whole last segment`,
        );
      }
      if (part.optional && !alone) {
        throw new RouteTemplateError(
          `Route '${template}': optional parameters inside a segment with other text are not supported by the local host`,
        );
      }
    }
  });
  // An optional (or defaulted) segment may only be followed by more optional segments.
  let sawOptional = false;
  for (const parts of segments) {
    const part = parts[0];
    const optional = parts.length === 1 && part?.kind === "parameter" && isSkippable(part);
    if (sawOptional && !optional) {
      throw new RouteTemplateError(
        `Route '${template}': only optional segments may follow an optional segment`,
      );
    }
    sawOptional ||= optional;
  }

  const groups: ParameterPart[] = [];
  const source = segments.map((parts) => segmentSource(parts, groups)).join("");
  const pattern = new RegExp(`^${source}/?$`, "i");
  return {
    template,
    precedence: segments.map(segmentRank),
    match(path) {
      const found = pattern.exec(path);
      if (!found) return undefined;
      const params: Record<string, string> = {};
      for (const [index, part] of groups.entries()) {
        const raw = found[index + 1];
        if (raw === undefined) {
          if (part.defaultValue !== undefined) params[part.name] = part.defaultValue;
          continue;
        }
        const value = decodeRouteValue(raw);
        if (value === undefined) return undefined;
        if (!part.constraints.every((constraint) => constraint(value))) return undefined;
        params[part.name] = value;
      }
      return { params };
    },
  };
}

function isSkippable(part: ParameterPart): boolean {
  return part.optional || part.catchAll || part.defaultValue !== undefined;
}

function segmentSource(parts: readonly SegmentPart[], groups: ParameterPart[]): string {
  const only = parts[0];
  if (parts.length === 1 && only?.kind === "parameter") {
    groups.push(only);
    if (only.catchAll) return "(?:/(.*))?";
    return isSkippable(only) ? "(?:/([^/]+))?" : "/([^/]+)";
  }
  return (
    "/" +
    parts
      .map((part) => {
        if (part.kind === "literal") return escapeRegExp(part.text);
        groups.push(part);
        // Greedy: ASP.NET matches complex segments from the right, so `{name}.{ext}` splits at the last dot.
        return "([^/]+)";
      })
      .join("")
  );
}

function segmentRank(parts: readonly SegmentPart[]): number {
  const only = parts[0];
  if (parts.length > 1) return parts.every((part) => part.kind === "literal") ? 1 : 2;
  if (only === undefined || only.kind === "literal") return 1;
  if (only.catchAll) return 6;
  if (isSkippable(only)) return 5;
  return only.constraints.length > 0 ? 3 : 4;
}

function parseSegment(segment: string, template: string): SegmentPart[] {
  const parts: SegmentPart[] = [];
  let literal = "";
  let index = 0;
  while (index < segment.length) {
    const char = segment[index];
    if (char === "{" && segment[index + 1] === "{") {
      literal += "{";
      index += 2;
    } else if (char === "}" && segment[index + 1] === "}") {
      literal += "}";
      index += 2;
    } else if (char === "{") {
      const end = parameterEnd(segment, index + 1);
      if (end < 0) throw new RouteTemplateError(`Route '${template}' has an unclosed '{'`);
      if (literal !== "") parts.push({ kind: "literal", text: literal });
      literal = "";
      if (parts.at(-1)?.kind === "parameter") {
        throw new RouteTemplateError(`Route '${template}': two parameters must be separated by literal text`);
      }
      parts.push(
        parseParameter(
          segment
            .slice(index + 1, end)
            .replace(/\{\{/g, "{")
            .replace(/\}\}/g, "}"),
          template,
        ),
      );
      index = end + 1;
    } else if (char === "}") {
      throw new RouteTemplateError(`Route '${template}' has an unmatched '}'`);
    } else {
      if (char === "?" || char === "#")
        throw new RouteTemplateError(`Route '${template}' contains '${char}'`);
      literal += char;
      index += 1;
    }
  }
  if (literal !== "") parts.push({ kind: "literal", text: literal });
  return parts;
}

/** Index of the `}` closing a parameter; `}}` inside (regex quantifiers) is an escaped brace. */
function parameterEnd(segment: string, from: number): number {
  for (let index = from; index < segment.length; index++) {
    if (segment[index] !== "}") continue;
    if (segment[index + 1] === "}") {
      index++;
      continue;
    }
    return index;
  }
  return -1;
}

function parseParameter(body: string, template: string): ParameterPart {
  let rest = body.trim();
  const catchAll = rest.startsWith("*");
  rest = rest.replace(/^\*{1,2}/, "");
  const nameMatch = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
  if (!nameMatch)
    throw new RouteTemplateError(`Route '${template}' has a parameter without a valid name: {${body}}`);
  const name = nameMatch[0];
  rest = rest.slice(name.length);
  const constraints: Constraint[] = [];
  while (rest.startsWith(":")) {
    const { constraint, remainder } = parseConstraint(rest.slice(1), template);
    constraints.push(constraint);
    rest = remainder;
  }
  let optional = false;
  let defaultValue: string | undefined;
  if (rest.startsWith("=")) {
    defaultValue = rest.slice(1);
    rest = "";
  } else if (rest === "?") {
    optional = true;
    rest = "";
  }
  if (rest !== "") throw new RouteTemplateError(`Route '${template}' has an invalid parameter {${body}}`);
  if (catchAll && (optional || defaultValue !== undefined)) {
    throw new RouteTemplateError(
      `Route '${template}': a catch-all parameter cannot be optional or have a default`,
    );
  }
  return {
    kind: "parameter",
    name,
    constraints,
    optional,
    catchAll,
    ...(defaultValue !== undefined && { defaultValue }),
  };
}

function parseConstraint(text: string, template: string): { constraint: Constraint; remainder: string } {
  const nameMatch = /^[A-Za-z]+/.exec(text);
  if (!nameMatch) throw new RouteTemplateError(`Route '${template}' has an empty constraint`);
  const name = nameMatch[0].toLowerCase();
  let remainder = text.slice(nameMatch[0].length);
  let argument: string | undefined;
  if (remainder.startsWith("(")) {
    const close = closingParenthesis(remainder);
    if (close < 0)
      throw new RouteTemplateError(`Route '${template}': constraint '${name}' has an unclosed '('`);
    argument = remainder.slice(1, close);
    remainder = remainder.slice(close + 1);
  }
  return { constraint: constraintFor(name, argument, template), remainder };
}

function closingParenthesis(text: string): number {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    if (text[index] === "\\") index++;
    else if (text[index] === "(") depth++;
    else if (text[index] === ")" && --depth === 0) return index;
  }
  return -1;
}

function constraintFor(name: string, argument: string | undefined, template: string): Constraint {
  const numbers = () => {
    const values = (argument ?? "").split(",").map((value) => Number(value.trim()));
    if (argument === undefined || values.some((value) => !Number.isFinite(value))) {
      throw new RouteTemplateError(`Route '${template}': constraint '${name}' needs numeric arguments`);
    }
    return values;
  };
  const integer = (value: string) => (/^[+-]?\d+$/.test(value) ? Number(value) : undefined);
  switch (name) {
    case "int":
      return (value) => {
        const number = integer(value);
        return number !== undefined && number >= int32.min && number <= int32.max;
      };
    case "long":
      return (value) => integer(value) !== undefined && Number.isSafeInteger(integer(value));
    case "bool":
      return (value) => /^(true|false)$/i.test(value);
    case "guid":
      return (value) => guidPattern.test(value);
    case "alpha":
      return (value) => /^[a-z]+$/i.test(value);
    case "double":
    case "float":
    case "decimal":
      return (value) => decimalPattern.test(value);
    case "datetime":
      return (value) => !Number.isNaN(Date.parse(value));
    case "required":
      return (value) => value !== "";
    case "min": {
      const [min = 0] = numbers();
      return (value) => (integer(value) ?? Number.NaN) >= min;
    }
    case "max": {
      const [max = 0] = numbers();
      return (value) => (integer(value) ?? Number.NaN) <= max;
    }
    case "range": {
      const [min = 0, max = 0] = numbers();
      return (value) => {
        const number = integer(value);
        return number !== undefined && number >= min && number <= max;
      };
    }
    case "length": {
      const [first = 0, second] = numbers();
      return second === undefined
        ? (value) => value.length === first
        : (value) => value.length >= first && value.length <= second;
    }
    case "minlength": {
      const [min = 0] = numbers();
      return (value) => value.length >= min;
    }
    case "maxlength": {
      const [max = 0] = numbers();
      return (value) => value.length <= max;
    }
    case "regex": {
      let expression: RegExp;
      try {
        // ASP.NET evaluates regex constraints case-insensitively and without implicit anchors.
        expression = new RegExp(argument ?? "", "i");
      } catch (error) {
        throw new RouteTemplateError(
          `Route '${template}': invalid regex constraint: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      return (value) => expression.test(value);
    }
    default:
      throw new RouteTemplateError(`Route '${template}' uses the unknown constraint '${name}'`);
  }
}

function decodeRouteValue(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
