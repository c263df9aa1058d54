// Object keys of a request body that JSON.parse would silently lose. A key given twice keeps only
// its last value (`{"dryRun": true, "dryRun": false}` reads as a real run, while a proxy, a log or
// a reviewer reading the first sees a dry run); a `__proto__` key survives JSON.parse as an own
// property, but any copy of the object (zod's records among them) turns it into a prototype
// assignment and drops it, so a tag filter `{"__proto__": "x"}` would become no filter at all.
// A runbook refuses both with a 400 naming the key, rather than guessing what was meant.
import { shorten } from "../../text";

export interface KeyProblem {
  /** Where it is, in the API's field syntax: `body.tags.env`, `body.machineIds[2].x`. */
  readonly field: string;
  readonly reason: string;
}

interface Level {
  readonly keys: Set<string> | undefined; // undefined: an array
  key: string;
  index: number;
}

/**
 * The first duplicate or `__proto__` key of a JSON text that JSON.parse accepted, or undefined.
 * One pass, no recursion (the depth is bounded before parsing anyway).
 */
export function lostJsonKey(text: string, base = "body"): KeyProblem | undefined {
  const stack: Level[] = [];
  // The key's field: each enclosing level names the value the next one is, then the key itself.
  const fieldOf = (key: string) => {
    let field = base;
    for (const level of stack.slice(0, -1)) {
      field += level.keys === undefined ? `[${level.index}]` : `.${shorten(level.key, 60)}`;
    }
    return `${field}.${shorten(key, 60)}`;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
      const top = stack[stack.length - 1];
      if (top?.keys === undefined || !isKeyPosition(text, i + 1)) continue;
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      if (key === "__proto__") return { field: fieldOf(key), reason: "the key __proto__ is not accepted" };
      if (top.keys.has(key)) return { field: fieldOf(key), reason: "given twice; give it once" };
      top.keys.add(key);
      top.key = key;
    } else if (c === 0x7b /* { */) stack.push({ keys: new Set(), key: "", index: 0 });
    else if (c === 0x5b /* [ */) stack.push({ keys: undefined, key: "", index: 0 });
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop();
    else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top !== undefined && top.keys === undefined) top.index++;
    }
  }
  return undefined;
}

/** Whether the string that ended just before `from` is an object key (a `:` follows it). */
function isKeyPosition(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a /* : */) return true;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return false;
}
