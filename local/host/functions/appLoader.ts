// Loads the app the way the Node worker does (startApp.ts in azure-functions-nodejs-worker): the
// core module is in place first, then each entry point file is required — its app.* / df.app.*
// calls register through coreModule.ts — then the appStart hooks run and registration locks.
// One app per process, as one worker process runs one app; loading the same entry points again
// returns the same app (a restarted host reuses it), loading different ones is refused.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";

import { type CapturedFunction, coreRegistry } from "./coreModule";
import { installCoreModule } from "./coreShim";
import type { CoreHookCallback, CoreHookName, CoreProgrammingModel } from "./coreTypes";
import { resolveEntryPoints } from "./entryPoints";
import { consoleHostLog, type HostLog } from "./hostLog";
import {
  checkInstalledLibraries,
  checkProgrammingModel,
  type ContractMode,
  enforceContract,
  type LibraryContractReport,
} from "./libraryContract";

export type AppSource =
  /** The app's package.json (or its folder); its `main` (a file or a glob) names the entry points. */
  | { readonly packageJson: string }
  /** Explicit module paths, e.g. fixture apps in tests; `directory` defaults to the first module's folder. */
  | { readonly modules: readonly string[]; readonly directory?: string };

export interface LoadFunctionAppOptions {
  /** "strict" (default) throws when the libraries' internal contract moved; "warn" only logs it. */
  readonly contract?: ContractMode;
  readonly log?: HostLog;
}

export interface LoadedApp {
  /** The function app directory (where package.json lives). */
  readonly directory: string;
  readonly entryPoints: readonly string[];
  readonly libraries: LibraryContractReport;
  readonly programmingModel: CoreProgrammingModel | undefined;
  functions(): readonly CapturedFunction[];
  find(name: string): CapturedFunction | undefined;
  hooks(name: CoreHookName): readonly CoreHookCallback[];
  /** Shared by every hook of the app. */
  readonly appHookData: Record<string, unknown>;
  /** Runs the appTerminate hooks (once), as the worker does when the host shuts it down. */
  terminate(): Promise<void>;
}

let loaded: { readonly key: string; readonly app: Promise<LoadedApp> } | undefined;

export async function loadFunctionApp(
  source: AppSource,
  options: LoadFunctionAppOptions = {},
): Promise<LoadedApp> {
  const log = options.log ?? consoleHostLog;
  const { directory, entryPoints, pattern } = locateEntryPoints(source);
  const key = entryPoints.join("\n");
  if (loaded !== undefined) {
    if (loaded.key === key) return loaded.app;
    throw new Error(
      "This process already loaded a function app from other entry points; like the worker, the local host runs " +
        "one app per process (under jest: one per test file).",
    );
  }
  const app = startApp(directory, entryPoints, pattern, options.contract ?? "strict", log);
  loaded = { key, app };
  return app;
}

/** The app this process loaded, if any. */
export function loadedFunctionApp(): Promise<LoadedApp> | undefined {
  return loaded?.app;
}

async function startApp(
  directory: string,
  entryPoints: readonly string[],
  pattern: string | undefined,
  contract: ContractMode,
  log: HostLog,
): Promise<LoadedApp> {
  const warn = (message: string) => log({ level: "warning", category: "system", message });
  installCoreModule();
  const libraries = checkInstalledLibraries(directory);
  enforceContract(libraries.problems, contract, warn);
  coreRegistry.setSystemLogSink((level, category, message) => log({ level, category, message }));

  if (entryPoints.length === 0) {
    // The worker logs this and starts with no functions; so does the local host.
    warn(`Unable to load entry point "${pattern ?? ""}": found zero files matching the pattern`);
  }
  for (const file of entryPoints) loadEntryPoint(file);

  await runAppStartHooks(directory);
  coreRegistry.finishStartup();
  const programmingModel = coreRegistry.getProgrammingModel();
  // The worker asks for capabilities after loading the app; the library locks app.setup() then.
  await programmingModel?.getCapabilities?.({});

  const functions = coreRegistry.functions();
  for (const fn of functions) requireOneTrigger(fn);
  enforceContract(checkProgrammingModel(programmingModel, functions[0]?.metadata), contract, warn);

  let terminated: Promise<void> | undefined;
  return {
    directory,
    entryPoints,
    libraries,
    programmingModel,
    functions: () => coreRegistry.functions(),
    find: (name) => coreRegistry.find(name),
    hooks: (name) => coreRegistry.hooks(name),
    appHookData: coreRegistry.appHookData,
    terminate: () => (terminated ??= runAppHooks("appTerminate", appHookContext())),
  };
}

function loadEntryPoint(file: string): void {
  if (isEcmaScriptModule(file)) {
    throw new Error(
      `Entry point ${file} is an ES module; the local host loads CommonJS entry points only (the app compiles to CommonJS).`,
    );
  }
  try {
    // The app's own module system loads it, as the worker's require does; under jest that is
    // jest's registry, so the app shares @azure/functions with the test file.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(file);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`Loading entry point ${file} failed: ${message}`, { cause: error });
  }
}

async function runAppStartHooks(directory: string): Promise<void> {
  await runAppHooks("appStart", { ...appHookContext(), functionAppDirectory: directory });
}

function appHookContext(): Record<string, unknown> {
  return Object.defineProperties(
    {},
    {
      hookData: readOnly("hookData", coreRegistry.appLevelHookData),
      appHookData: readOnly("appHookData", coreRegistry.appHookData),
    },
  );
}

async function runAppHooks(
  name: "appStart" | "appTerminate",
  context: Record<string, unknown>,
): Promise<void> {
  for (const hook of coreRegistry.hooks(name)) await hook(context);
}

function readOnly(name: string, value: unknown): PropertyDescriptor {
  return {
    enumerable: true,
    get: () => value,
    set: () => {
      throw new TypeError(`Cannot assign to read only property '${name}'`);
    },
  };
}

function requireOneTrigger(fn: CapturedFunction): void {
  const triggers = Object.values(fn.metadata.bindings).filter((binding) =>
    /trigger$/i.test(binding.type ?? ""),
  );
  if (triggers.length !== 1) {
    throw new Error(
      `Function '${fn.metadata.name}' has ${triggers.length} trigger bindings; exactly one is required.`,
    );
  }
}

function locateEntryPoints(source: AppSource): {
  directory: string;
  entryPoints: string[];
  pattern?: string;
} {
  if ("modules" in source) {
    const entryPoints = source.modules.map((module) => resolve(module));
    const first = entryPoints[0];
    const directory = resolve(source.directory ?? (first !== undefined ? dirname(first) : "."));
    return { directory, entryPoints };
  }
  const packageJsonPath =
    existsSync(source.packageJson) && statSync(source.packageJson).isDirectory()
      ? join(source.packageJson, "package.json")
      : source.packageJson;
  const directory = dirname(resolve(packageJsonPath));
  let main: unknown;
  try {
    main = (JSON.parse(readFileSync(packageJsonPath, "utf8")) as { main?: unknown }).main;
  } catch (error) {
    throw new Error(
      `Cannot read ${packageJsonPath}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof main !== "string" || main.trim() === "") {
    throw new Error(`${packageJsonPath} has no "main"; the v4 programming model loads the app from it`);
  }
  return { directory, entryPoints: resolveEntryPoints(directory, main), pattern: main };
}

function isEcmaScriptModule(file: string): boolean {
  const extension = extname(file);
  if (extension === ".mjs") return true;
  if (extension !== ".js") return false;
  for (let directory = dirname(file); ; directory = dirname(directory)) {
    const packageJson = join(directory, "package.json");
    if (existsSync(packageJson)) {
      try {
        return (JSON.parse(readFileSync(packageJson, "utf8")) as { type?: unknown }).type === "module";
      } catch {
        return false;
      }
    }
    if (dirname(directory) === directory) return false;
  }
}
