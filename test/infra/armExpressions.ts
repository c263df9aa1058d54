// Evaluates the few ARM template expressions whose value is known before deployment — literals,
// parameter defaults, literal variables and pure functions over them — in the public cloud, so
// the infra tests can compare what the template would set with the code's defaults. Anything
// that needs a deployment (reference(), subscription(), uniqueString()…) is `unknown`.
import type { ArmTemplate } from "../support/compiledInfra";

/** An expression whose value depends on the deployment. */
export class UnknownBeforeDeployment extends Error {}

/** `environment()` in Azure's public cloud. */
const publicCloud = {
  resourceManager: "https://management.azure.com/",
  authentication: { loginEndpoint: "https://login.microsoftonline.com/" },
};

type Value = unknown;

/** The value of `value` (a template value: literal, `[expression]`, array or object of them). */
export function evaluate(template: ArmTemplate, value: Value): Value {
  if (typeof value === "string") {
    if (!value.startsWith("[") || value.startsWith("[["))
      return value.startsWith("[[") ? value.slice(1) : value;
    const parser = new Parser(template, value.slice(1, -1));
    const result = parser.expression();
    parser.end();
    return result;
  }
  if (Array.isArray(value)) return value.map((item) => evaluate(template, item));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluate(template, v)]));
  return value;
}

/** `evaluate`, or `undefined` when the value is only known at deployment. */
export function evaluateIfKnown(template: ArmTemplate, value: Value): Value {
  try {
    return evaluate(template, value);
  } catch (error) {
    if (error instanceof UnknownBeforeDeployment) return undefined;
    throw error;
  }
}

class Parser {
  private position = 0;

  constructor(
    private readonly template: ArmTemplate,
    private readonly text: string,
  ) {}

  expression(): Value {
    this.skipSpaces();
    let value: Value;
    if (this.peek() === "'") value = this.stringLiteral();
    else if (/[-0-9]/.test(this.peek())) value = this.numberLiteral();
    else value = this.call();
    // Property and index access.
    for (;;) {
      this.skipSpaces();
      if (this.peek() === ".") {
        this.position++;
        const name = this.identifier(/^[A-Za-z_$][\w$#]*/);
        value = (value as Record<string, Value>)[name];
      } else if (this.peek() === "[") {
        this.position++;
        const index = this.expression();
        this.expect("]");
        value = (value as Record<string, Value>)[String(index)];
      } else return value;
    }
  }

  end(): void {
    this.skipSpaces();
    if (this.position !== this.text.length)
      throw new Error(`unexpected '${this.text.slice(this.position)}' in [${this.text}]`);
  }

  private call(): Value {
    // User-defined functions are namespaced: `__bicep.name(…)`.
    const name = this.identifier(/^[A-Za-z_$][\w$#]*(?:\.[A-Za-z_$][\w$#]*)*/);
    this.expect("(");
    const args: Value[] = [];
    this.skipSpaces();
    if (this.peek() !== ")") {
      for (;;) {
        args.push(this.expression());
        this.skipSpaces();
        if (this.peek() === ",") {
          this.position++;
          continue;
        }
        break;
      }
    }
    this.expect(")");
    return this.apply(name, args);
  }

  private apply(name: string, args: Value[]): Value {
    switch (name.toLowerCase()) {
      case "parameters": {
        const parameter = this.template.parameters?.[String(args[0])];
        if (parameter === undefined) throw new Error(`no parameter ${String(args[0])}`);
        if (!("defaultValue" in parameter)) throw new UnknownBeforeDeployment();
        return evaluate(this.template, parameter.defaultValue);
      }
      case "variables": {
        const variable = this.template.variables?.[String(args[0])];
        if (variable === undefined) throw new UnknownBeforeDeployment();
        return evaluate(this.template, variable);
      }
      case "environment":
        return publicCloud;
      case "string":
        if (typeof args[0] === "boolean")
          throw new Error("string(bool) is 'True'/'False' in ARM: not modelled");
        return typeof args[0] === "string" ? args[0] : JSON.stringify(args[0]);
      case "split":
        return String(args[0]).split(String(args[1]));
      case "join":
        return (args[0] as Value[]).join(String(args[1]));
      case "if":
        return args[0] === true ? args[1] : args[2];
      case "not":
        return !(args[0] as boolean);
      case "empty":
        return args[0] === "" || args[0] === null || (Array.isArray(args[0]) && args[0].length === 0);
      case "equals":
        return JSON.stringify(args[0]) === JSON.stringify(args[1]);
      case "format":
        return String(args[0]).replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i) + 1]));
      case "concat":
        return args.every(Array.isArray) ? args.flat() : args.map(String).join("");
      case "createarray":
        return args;
      default:
        throw new UnknownBeforeDeployment();
    }
  }

  private stringLiteral(): string {
    this.expect("'");
    let out = "";
    for (;;) {
      const c = this.text[this.position++];
      if (c === undefined) throw new Error(`unterminated string in [${this.text}]`);
      if (c === "'") {
        if (this.text[this.position] === "'") {
          out += "'";
          this.position++;
          continue;
        }
        return out;
      }
      out += c;
    }
  }

  private numberLiteral(): number {
    const match = /^-?\d+/.exec(this.text.slice(this.position));
    if (!match) throw new Error(`bad number in [${this.text}]`);
    this.position += match[0].length;
    return Number(match[0]);
  }

  private identifier(pattern: RegExp): string {
    this.skipSpaces();
    const match = pattern.exec(this.text.slice(this.position));
    if (!match) throw new Error(`expected a name at '${this.text.slice(this.position)}' in [${this.text}]`);
    this.position += match[0].length;
    return match[0];
  }

  private expect(char: string): void {
    this.skipSpaces();
    if (this.text[this.position] !== char)
      throw new Error(`expected '${char}' at '${this.text.slice(this.position)}' in [${this.text}]`);
    this.position++;
  }

  private peek(): string {
    return this.text[this.position] ?? "";
  }

  private skipSpaces(): void {
    while (this.text[this.position] === " ") this.position++;
  }
}
