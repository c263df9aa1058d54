// The local host's `@azure/functions-core`: the module the Node worker serves to @azure/functions at
// runtime (Azure/azure-functions-nodejs-worker src/setupCoreModule.ts). Whatever reaches this file
// gets the same registry: in plain Node
// the worker's own trick (a Module.prototype.require Proxy, see coreShim.ts) hands out this
// module's exports; under jest, which keeps its own module registry, a moduleNameMapper entry in
// jest.config.js maps the id here. Module state = the one app this process (or test file) runs,
// exactly as one worker process runs one app.
import type {
  CoreDisposableLike,
  CoreFunctionCallback,
  CoreFunctionMetadata,
  CoreHookCallback,
  CoreHookName,
  CoreLogCategory,
  CoreLogLevel,
  CoreProgrammingModel,
} from "./coreTypes";

/** The worker version the library sees; informational only. */
export const version = "3.10.1-local";
/** The host version the library sees; it only feature-checks the presence of `log`. */
export const hostVersion = "4.1000.0-local";

/** The host's rule for function names (Utility.FunctionNameValidationRegex). */
const functionNamePattern = /^[a-z][a-z0-9_-]{0,127}$/i;

// @azure/functions announces `app.setup({ enableHttpStream: true })` with this system log line
// (setup.ts, 4.16.5) before it ever needs the streaming proxy; refusing here makes the app's own
// `app.setup` call fail, at load time, with a message that says why.
const httpStreamingAnnouncement = "HTTP streaming enabled.";

const hookNames: readonly CoreHookName[] = [
  "preInvocation",
  "postInvocation",
  "appStart",
  "appTerminate",
  "log",
];

export class Disposable implements CoreDisposableLike {
  #callOnDispose: (() => unknown) | undefined;

  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }

  static from(...disposables: CoreDisposableLike[]): Disposable {
    return new Disposable(() => disposables.forEach((disposable) => disposable.dispose()));
  }

  dispose(): void {
    const callOnDispose = this.#callOnDispose;
    this.#callOnDispose = undefined;
    callOnDispose?.();
  }
}

export type SystemLogSink = (level: CoreLogLevel, category: CoreLogCategory, message: string) => void;

export interface CapturedFunction {
  readonly metadata: CoreFunctionMetadata;
  readonly callback: CoreFunctionCallback;
}

const quietSystemLog: SystemLogSink = (level, _category, message) => {
  if (level === "warning" || level === "error" || level === "critical")
    console.warn(`[functions] ${message}`);
};

/** What the worker keeps about the app: its functions, hooks and programming model. */
export class CoreRegistry {
  readonly #functions = new Map<string, CapturedFunction>();
  readonly #hooks = new Map<CoreHookName, CoreHookCallback[]>(hookNames.map((name) => [name, []]));
  #programmingModel: CoreProgrammingModel | undefined;
  #startupFinished = false;
  #systemLog: SystemLogSink = quietSystemLog;
  /** Shared by every hook of the app (`appHookData` in hook contexts). */
  readonly appHookData: Record<string, unknown> = {};
  /** `hookData` of app-level hooks (appStart/appTerminate), kept apart as the worker does. */
  readonly appLevelHookData: Record<string, unknown> = {};

  registerFunction(metadata: CoreFunctionMetadata, callback: CoreFunctionCallback): Disposable {
    if (this.#startupFinished) throw new Error("A function can only be registered during app startup.");
    const name = metadata.name;
    if (typeof name !== "string" || !functionNamePattern.test(name)) {
      throw new Error(
        `Invalid function name '${String(name)}': names start with a letter and contain only letters, digits, '_' and '-' (at most 128 characters).`,
      );
    }
    // Function names are case-insensitive throughout the host (routes, admin API, durable names).
    const key = name.toLowerCase();
    const existing = this.#functions.get(key);
    if (existing) {
      throw new Error(
        `A function named '${existing.metadata.name}' is already registered; names must be unique.`,
      );
    }
    this.#functions.set(key, { metadata, callback });
    return new Disposable(() => {
      if (this.#startupFinished) throw new Error("A function can only be disposed during app startup.");
      this.#functions.delete(key);
    });
  }

  registerHook(name: string, callback: CoreHookCallback): Disposable {
    const hooks = this.#hooks.get(name as CoreHookName);
    if (!hooks) throw new RangeError(`Unrecognized hook "${name}"`);
    hooks.push(callback);
    return new Disposable(() => {
      const index = hooks.indexOf(callback);
      if (index >= 0) hooks.splice(index, 1);
    });
  }

  setProgrammingModel(model: CoreProgrammingModel): void {
    this.#programmingModel = model;
  }

  getProgrammingModel(): CoreProgrammingModel | undefined {
    return this.#programmingModel;
  }

  log(level: CoreLogLevel, category: CoreLogCategory, message: string): void {
    if (category === "system" && message === httpStreamingAnnouncement) {
      throw new Error(
        "app.setup({ enableHttpStream: true }) is not supported by the local host: HTTP streaming needs the " +
          "worker's HTTP proxy, which the local host does not run. Remove the option (requests and responses " +
          "are then buffered, as they are without streaming on Azure).",
      );
    }
    this.#systemLog(level, category, message);
  }

  functions(): readonly CapturedFunction[] {
    return [...this.#functions.values()];
  }

  find(name: string): CapturedFunction | undefined {
    return this.#functions.get(name.toLowerCase());
  }

  hooks(name: CoreHookName): readonly CoreHookCallback[] {
    return [...(this.#hooks.get(name) ?? [])];
  }

  get startupFinished(): boolean {
    return this.#startupFinished;
  }

  /** After this, registering a function throws, as in the worker once the app has started. */
  finishStartup(): void {
    this.#startupFinished = true;
  }

  setSystemLogSink(sink: SystemLogSink): void {
    this.#systemLog = sink;
  }
}

/** The registry of this process (one app per process, as in the worker). */
export const coreRegistry = new CoreRegistry();

export function registerFunction(metadata: CoreFunctionMetadata, callback: CoreFunctionCallback): Disposable {
  return coreRegistry.registerFunction(metadata, callback);
}

export function registerHook(name: string, callback: CoreHookCallback): Disposable {
  return coreRegistry.registerHook(name, callback);
}

export function setProgrammingModel(model: CoreProgrammingModel): void {
  coreRegistry.setProgrammingModel(model);
}

export function getProgrammingModel(): CoreProgrammingModel | undefined {
  return coreRegistry.getProgrammingModel();
}

export function log(level: CoreLogLevel, category: CoreLogCategory, message: string): void {
  coreRegistry.log(level, category, message);
}
