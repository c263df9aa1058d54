// Invokes the app's functions the way the Node worker does (InvocationHandler.ts): everything goes
// through the ProgrammingModel the app's @azure/functions registered, so inputs and outputs
// convert exactly as in production — getInvocationModel → getArguments → preInvocation hooks →
// invokeFunction → postInvocation hooks → getResponse, with a fresh InvocationContext each time
// (Azure/azure-functions-nodejs-library src/ProgrammingModel.ts, src/InvocationModel.ts;
// durable-functions keeps state on the context).
import { randomUUID } from "node:crypto";

import type {
  BindingMetadata,
  FunctionInvoker,
  InvocationResult,
  RegisteredFunction,
  RpcTypedData,
} from "../types";
import type { LoadedApp } from "./appLoader";
import type { CapturedFunction } from "./coreModule";
import type { CoreInvocationContext, CoreLogCategory, CoreLogLevel } from "./coreTypes";
import { consoleHostLog, type HostLog } from "./hostLog";

export interface InvokerOptions {
  readonly log?: HostLog;
  /**
   * The payload for `durableClient` input bindings (durable/management/clientPayload.ts), asked for on each
   * invocation of a function that has one; undefined when no durable engine is attached.
   */
  readonly durableClientPayload?: () => Record<string, unknown> | undefined;
}

const durableClientBindingTypes = new Set(["durableclient", "orchestrationclient"]);

export class AppInvoker implements FunctionInvoker {
  readonly #app: LoadedApp;
  readonly #log: HostLog;
  readonly #durableClientPayload: () => Record<string, unknown> | undefined;
  readonly #registered: readonly RegisteredFunction[];
  readonly #byName: ReadonlyMap<
    string,
    { readonly view: RegisteredFunction; readonly captured: CapturedFunction }
  >;

  constructor(app: LoadedApp, options: InvokerOptions = {}) {
    this.#app = app;
    this.#log = options.log ?? consoleHostLog;
    this.#durableClientPayload = options.durableClientPayload ?? (() => undefined);
    // Registration is locked once the app has started, so the list never changes.
    const entries = app.functions().map((captured) => ({ view: toRegisteredFunction(captured), captured }));
    this.#registered = entries.map((entry) => entry.view);
    this.#byName = new Map(entries.map((entry) => [entry.view.name.toLowerCase(), entry]));
  }

  functions(): readonly RegisteredFunction[] {
    return this.#registered;
  }

  /** Case-insensitive, like every function name lookup in the host. */
  find(name: string): RegisteredFunction | undefined {
    return this.#byName.get(name.toLowerCase())?.view;
  }

  async invoke(
    name: string,
    inputData: Readonly<Record<string, RpcTypedData>>,
    triggerMetadata: Readonly<Record<string, RpcTypedData>> = {},
  ): Promise<InvocationResult> {
    const entry = this.#byName.get(name.toLowerCase());
    if (entry === undefined)
      throw new Error(`Function code for '${name}' is not loaded and cannot be invoked.`);
    const model = this.#app.programmingModel;
    if (model === undefined) throw new Error("The app set no programming model; nothing can be invoked.");
    const { view, captured } = entry;

    const invocationId = randomUUID();
    // Known once getArguments() ran; log hooks see it from then on.
    const current: { context?: unknown } = {};
    const coreContext: CoreInvocationContext = {
      invocationId,
      request: {
        invocationId,
        functionId: view.name,
        inputData: Object.entries(this.#withDurableClient(view, inputData)).map(([bindingName, data]) => ({
          name: bindingName,
          data,
        })),
        triggerMetadata,
      },
      metadata: { name: view.name, bindings: captured.metadata.bindings },
      state: undefined,
      log: (level, category, message) =>
        this.#emit(view.name, invocationId, current.context, level, category, message),
    };

    const invocationModel = await model.getInvocationModel(coreContext);
    const { context, inputs: initialInputs } = await invocationModel.getArguments();
    current.context = context;
    const hookData: Record<string, unknown> = {};

    const preContext = invocationHookContext(hookData, this.#app.appHookData, context, {
      functionCallback: captured.callback,
      inputs: initialInputs,
    });
    coreContext.state = "preInvocationHooks";
    try {
      for (const hook of this.#app.hooks("preInvocation")) await hook(preContext);
    } finally {
      coreContext.state = undefined;
    }
    const inputs = preContext.inputs as unknown[];
    const callback = preContext.functionCallback as typeof captured.callback;

    const postContext = invocationHookContext(hookData, this.#app.appHookData, context, {
      inputs,
      result: null,
      error: null,
    });
    coreContext.state = "invocation";
    try {
      postContext.result = await invocationModel.invokeFunction(context, inputs, callback);
    } catch (error) {
      postContext.error = error;
    } finally {
      coreContext.state = undefined;
    }

    coreContext.state = "postInvocationHooks";
    try {
      for (const hook of this.#app.hooks("postInvocation")) await hook(postContext);
    } finally {
      coreContext.state = undefined;
    }

    // A postInvocation hook may clear the error (and supply a result), as in the worker.
    const error = postContext.error;
    if (error !== null && error !== undefined) {
      throw error instanceof Error ? error : new Error(describeThrown(error));
    }
    const response = await invocationModel.getResponse(context, postContext.result);
    const outputData = (response.outputData ?? []).flatMap((output) =>
      output.name !== undefined && output.data !== null && output.data !== undefined
        ? [{ name: output.name, data: output.data }]
        : [],
    );
    return {
      ...(response.returnValue !== null &&
        response.returnValue !== undefined && { returnValue: response.returnValue }),
      outputData,
    };
  }

  #withDurableClient(
    fn: RegisteredFunction,
    inputData: Readonly<Record<string, RpcTypedData>>,
  ): Readonly<Record<string, RpcTypedData>> {
    const clientBindings = Object.entries(fn.bindings).filter(
      ([bindingName, binding]) =>
        binding.direction === "in" &&
        durableClientBindingTypes.has(binding.type.toLowerCase()) &&
        inputData[bindingName] === undefined,
    );
    if (clientBindings.length === 0) return inputData;
    const payload = this.#durableClientPayload();
    if (payload === undefined) {
      throw new Error(
        `Function '${fn.name}' has a durable client input binding, but no durable engine is attached to the local host.`,
      );
    }
    const data: RpcTypedData = { string: JSON.stringify(payload) };
    return {
      ...inputData,
      ...Object.fromEntries(clientBindings.map(([bindingName]) => [bindingName, data])),
    };
  }

  #emit(
    functionName: string,
    invocationId: string,
    invocationContext: unknown,
    level: CoreLogLevel,
    category: CoreLogCategory,
    message: string,
  ): void {
    // Log hooks may rewrite level and message (the library's LogHookContext writes into this object).
    const logContext: Record<string, unknown> = { hookData: {}, level, category, message, invocationContext };
    for (const hook of this.#app.hooks("log")) {
      try {
        const outcome = hook(logContext);
        if (outcome instanceof Promise) outcome.catch(() => undefined);
      } catch {
        // A failing log hook must not turn a log line into a failed invocation.
      }
    }
    this.#log({
      level: logContext.level as CoreLogLevel,
      category,
      message: String(logContext.message),
      functionName,
      invocationId,
    });
  }
}

export function createInvoker(app: LoadedApp, options: InvokerOptions = {}): AppInvoker {
  return new AppInvoker(app, options);
}

export function toRegisteredFunction(fn: CapturedFunction): RegisteredFunction {
  const bindings: Record<string, BindingMetadata> = {};
  for (const [bindingName, binding] of Object.entries(fn.metadata.bindings)) {
    bindings[bindingName] = { ...binding, type: binding.type ?? "", direction: binding.direction ?? "in" };
  }
  const trigger = Object.entries(bindings).find(([, binding]) => /trigger$/i.test(binding.type));
  if (trigger === undefined) throw new Error(`Function '${fn.metadata.name}' has no trigger binding.`);
  return { name: fn.metadata.name, bindings, triggerName: trigger[0], trigger: trigger[1] };
}

/**
 * The object the library's PreInvocationContext / PostInvocationContext wrap: hookData, appHookData
 * and invocationContext are read-only; inputs, functionCallback, result and error are writable
 * and read back after the hooks ran.
 */
function invocationHookContext(
  hookData: Record<string, unknown>,
  appHookData: Record<string, unknown>,
  invocationContext: unknown,
  writable: Record<string, unknown>,
): Record<string, unknown> {
  const readOnly = (name: string, value: unknown): PropertyDescriptor => ({
    enumerable: true,
    get: () => value,
    set: () => {
      throw new TypeError(`Cannot assign to read only property '${name}'`);
    },
  });
  return Object.defineProperties(
    { ...writable },
    {
      hookData: readOnly("hookData", hookData),
      appHookData: readOnly("appHookData", appHookData),
      invocationContext: readOnly("invocationContext", invocationContext),
    },
  );
}

function describeThrown(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
