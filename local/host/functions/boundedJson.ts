// JSON from a caller, parsed within bounds. The Functions host reads Event Grid deliveries with
// Json.NET, whose readers stop at a nesting depth of 64 (its `MaxDepth` default); a body nested
// deeper is refused there before any function runs. Node's JSON.parse and JSON.stringify have no
// such limit and recurse until the stack runs out, which would turn hostile input into a 500. So
// the depth is measured first, by a scan that does not recurse.

/** Json.NET's default `MaxDepth`. */
export const maxJsonDepth = 64;

export type BoundedJson =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

export function parseBoundedJson(body: Buffer, maxDepth = maxJsonDepth): BoundedJson {
  const text = body.toString("utf8");
  const depth = nestingDepth(text, maxDepth);
  if (depth > maxDepth) {
    return { ok: false, reason: `The JSON is nested deeper than ${maxDepth} levels.` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: "The request content is not valid JSON." };
  }
}

/** The deepest nesting of arrays and objects outside strings, counted up to `stopAbove` + 1. */
function nestingDepth(text: string, stopAbove: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > stopAbove) return deepest;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return deepest;
}
