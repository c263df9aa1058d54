import { resolve } from "node:path";

import { loadFunctionApp } from "../../../local/host/functions/appLoader";
import { EntryPointPatternError, resolveEntryPoints } from "../../../local/host/functions/entryPoints";
import { silentHostLog } from "../../../local/host/functions/hostLog";

const globApp = resolve(__dirname, "../fixtures/functionsGlobApp");

describe("package.json main as the worker reads it", () => {
  test("a one-level glob matches the entry point files, sorted", () => {
    expect(resolveEntryPoints(globApp, "functions/*.ts")).toEqual([
      resolve(globApp, "functions/alpha.ts"),
      resolve(globApp, "functions/beta.ts"),
    ]);
    expect(resolveEntryPoints(globApp, "./functions/b?ta.ts")).toEqual([
      resolve(globApp, "functions/beta.ts"),
    ]);
    expect(resolveEntryPoints(globApp, "functions/alpha.ts")).toEqual([
      resolve(globApp, "functions/alpha.ts"),
    ]);
    expect(resolveEntryPoints(globApp, "dist/*.js")).toEqual([]);
  });

  test("glob syntax beyond * and ? is refused rather than guessed", () => {
    expect(() => resolveEntryPoints(globApp, "functions/**/*.ts")).toThrow(EntryPointPatternError);
    expect(() => resolveEntryPoints(globApp, "functions/{alpha,beta}.ts")).toThrow(EntryPointPatternError);
  });

  test("the app loads from its package.json main", async () => {
    const app = await loadFunctionApp({ packageJson: globApp }, { log: silentHostLog });
    expect(app.directory).toBe(globApp);
    expect(app.entryPoints).toHaveLength(2);
    expect(app.functions().map((fn) => fn.metadata.name)).toEqual(["Alpha", "Beta"]);
  });
});
