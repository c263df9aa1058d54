// JSON from a caller, parsed within bounds. The Functions host reads Event Grid deliveries with
// Json.NET, whose readers stop at a nesting depth of 64 (its `MaxDepth` default); a body nested
// deeper is refused there before any function runs. Node's JSON.parse and JSON.stringify have no
// such limit and recurse until the stack runs out, which would turn hostile input into a 500. So
// the depth is measured first, by a scan that does not recurse.
import { jsonNestingDepth } from "../../../shared/validation/jsonDepth";

/** Json.NET's default `MaxDepth`. */
export const maxJsonDepth = 64;

export type BoundedJson =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

export function parseBoundedJson(body: Buffer, maxDepth = maxJsonDepth): BoundedJson {
  const text = body.toString("utf8");
  const depth = jsonNestingDepth(text, maxDepth);
  if (depth > maxDepth) {
    return { ok: false, reason: `The JSON is nested deeper than ${maxDepth} levels.` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: "The request content is not valid JSON." };
  }
}
