// How deeply a JSON text nests, measured before it is parsed. Node's JSON.parse (and every walk
// over what it returns) recurses without a limit, so a hostile body nested a hundred thousand
// levels deep would turn into a stack overflow and a 500; a scan that does not recurse can refuse
// it first.

/** The deepest nesting of arrays and objects outside strings, counted up to `stopAbove` + 1. */
export function jsonNestingDepth(text: string, stopAbove: number): number {
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
