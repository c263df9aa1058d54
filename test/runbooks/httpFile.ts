// Reads a `.http` file the way the VS Code REST Client does, for the part runbooks.http uses:
// `@name = value` file variables, requests separated by `###`, `METHOD URL` then headers then a
// blank line and the body, `# @name x` to name a request, and `{{x}}`, `{{req.response.body.$.a.b}}`,
// `{{req.response.headers.Name}}` substitutions. Plus the file's own conventions: `# expect: 202`
// and `# wait: idle`.

export interface HttpFileRequest {
  /** 1-based line of the request line, for messages. */
  readonly line: number;
  readonly title: string;
  readonly name?: string;
  readonly expect?: number;
  readonly waitIdle: boolean;
  readonly method: string;
  /** Unresolved: may hold {{…}}. */
  readonly url: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: string;
}

export interface HttpFile {
  readonly variables: ReadonlyMap<string, string>;
  readonly requests: readonly HttpFileRequest[];
}

const variableLine = /^@([A-Za-z_][\w.-]*)\s*=\s*(.*)$/;
const requestLine = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\S+)(?:\s+HTTP\/[\d.]+)?$/;

export function parseHttpFile(text: string): HttpFile {
  const variables = new Map<string, string>();
  const requests: HttpFileRequest[] = [];
  const lines = text.split(/\r?\n/);
  let block: { start: number; lines: string[]; title: string } | undefined = {
    start: 0,
    lines: [],
    title: "",
  };
  const blocks: { start: number; lines: string[]; title: string }[] = [block];
  lines.forEach((line, index) => {
    if (line.startsWith("###")) {
      block = { start: index, lines: [], title: line.replace(/^#+\s*/, "").trim() };
      blocks.push(block);
    } else block!.lines.push(line);
  });
  for (const { start, lines: blockLines, title } of blocks) {
    let name: string | undefined;
    let expect: number | undefined;
    let waitIdle = false;
    let i = 0;
    let request: { method: string; url: string; line: number } | undefined;
    for (; i < blockLines.length; i++) {
      const line = blockLines[i]!.trim();
      if (line === "") continue;
      if (line.startsWith("#") || line.startsWith("//")) {
        const comment = line.replace(/^(#|\/\/)\s*/, "");
        const named = /^@name\s+(\S+)$/.exec(comment);
        if (named) name = named[1];
        const expected = /^expect:\s*(\d{3})$/.exec(comment);
        if (expected) expect = Number(expected[1]);
        if (/^wait:\s*idle$/.test(comment)) waitIdle = true;
        continue;
      }
      const variable = variableLine.exec(line);
      if (variable) {
        variables.set(variable[1]!, variable[2]!.trim());
        continue;
      }
      const match = requestLine.exec(line);
      if (!match) throw new Error(`line ${start + i + 2}: expected a request line, found '${line}'`);
      request = { method: match[1]!, url: match[2]!, line: start + i + 2 };
      i++;
      break;
    }
    if (request === undefined) continue;
    const headers: [string, string][] = [];
    for (; i < blockLines.length; i++) {
      const line = blockLines[i]!;
      if (line.trim() === "") {
        i++;
        break;
      }
      const colon = line.indexOf(":");
      if (colon <= 0) throw new Error(`line ${start + i + 2}: expected a header, found '${line}'`);
      headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
    const bodyLines = blockLines.slice(i).filter((line) => !/^\s*(#|\/\/)/.test(line));
    const body = bodyLines.join("\n").trim();
    requests.push({
      line: request.line,
      title,
      ...(name !== undefined ? { name } : {}),
      ...(expect !== undefined ? { expect } : {}),
      waitIdle,
      method: request.method,
      url: request.url,
      headers,
      ...(body !== "" ? { body } : {}),
    });
  }
  return { variables, requests };
}

export interface RecordedResponse {
  readonly headers: Headers;
  readonly body: unknown;
}

/** Replaces every `{{…}}` from the variables and the named responses; throws on an unknown one. */
export function substitute(
  text: string,
  variables: ReadonlyMap<string, string>,
  responses: ReadonlyMap<string, RecordedResponse>,
  depth = 0,
): string {
  if (depth > 10) throw new Error(`Variables nest too deep in '${text}'`);
  return text.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_all, expression: string) => {
    const variable = variables.get(expression);
    if (variable !== undefined) return substitute(variable, variables, responses, depth + 1);
    const reference = /^([\w-]+)\.response\.(body|headers)\.(.+)$/.exec(expression);
    if (!reference) throw new Error(`Unknown variable {{${expression}}}`);
    const response = responses.get(reference[1]!);
    if (!response) throw new Error(`{{${expression}}}: no response named ${reference[1]} yet`);
    if (reference[2] === "headers") {
      const value = response.headers.get(reference[3]!);
      if (value === null) throw new Error(`{{${expression}}}: no such header`);
      return value;
    }
    const value = jsonPath(response.body, reference[3]!);
    if (value === undefined) throw new Error(`{{${expression}}}: nothing at that path`);
    return typeof value === "string" ? value : JSON.stringify(value);
  });
}

/** `$.a.b[0].c` over a JSON value. */
function jsonPath(value: unknown, path: string): unknown {
  if (!path.startsWith("$")) throw new Error(`Only $-rooted JSONPath is supported: ${path}`);
  const steps = path.slice(1).match(/\.[\w-]+|\[\d+\]/g) ?? [];
  let current = value;
  for (const step of steps) {
    if (current === null || typeof current !== "object") return undefined;
    current = step.startsWith("[")
      ? (current as unknown[])[Number(step.slice(1, -1))]
      : (current as Record<string, unknown>)[step.slice(1)];
  }
  return current;
}
