// package.json `main` as the worker reads it: a file or a glob (the worker uses globby), e.g.
// `dist/functions/*.js`. Apps use one-level patterns, so this matches `*` and `?` inside path
// segments and refuses anything richer instead of guessing.
import { existsSync, readdirSync, statSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";

export class EntryPointPatternError extends Error {}

/** Absolute paths of the files `pattern` (relative to `appDirectory`) matches, sorted. */
export function resolveEntryPoints(appDirectory: string, pattern: string): string[] {
  const segments = pattern
    .replace(/\\/g, "/")
    .split("/")
    .filter((segment, index) => segment !== "" && !(segment === "." && index === 0));
  if (segments.length === 0)
    throw new EntryPointPatternError(`The entry point pattern '${pattern}' is empty`);
  for (const segment of segments) {
    if (segment.includes("**") || /[[\]{}!()+@]/.test(segment)) {
      throw new EntryPointPatternError(
        `The entry point pattern '${pattern}' uses glob syntax the local host does not support; use '*' and '?' within a folder (e.g. dist/functions/*.js)`,
      );
    }
  }
  let candidates = [isAbsolute(pattern) ? "/" : appDirectory];
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    candidates = candidates.flatMap((directory) => expandSegment(directory, segment, last));
  });
  return candidates.sort((a, b) => relative(appDirectory, a).localeCompare(relative(appDirectory, b)));
}

function expandSegment(directory: string, segment: string, last: boolean): string[] {
  const wanted = (path: string) => (last ? isFile(path) : isDirectory(path));
  if (!/[*?]/.test(segment)) {
    const path = join(directory, segment);
    return existsSync(path) && wanted(path) ? [path] : [];
  }
  const matcher = segmentMatcher(segment);
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  return names
    .filter((name) => matcher.test(name) && (segment.startsWith(".") || !name.startsWith(".")))
    .map((name) => join(directory, name))
    .filter(wanted);
}

function segmentMatcher(segment: string): RegExp {
  const source = segment
    .split("")
    .map((char) => (char === "*" ? "[^/]*" : char === "?" ? "[^/]" : char.replace(/[.^$|\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
