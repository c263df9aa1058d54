// The slice of `@azure/functions-core` (the worker's built-in module; its types ship only with the
// worker, not on npm) that the local host relies on. Shapes follow what @azure/functions 4.16.5
// passes and expects (Azure/azure-functions-nodejs-library src/ProgrammingModel.ts, src/InvocationModel.ts).
import type { RpcTypedData } from "../types";

export interface CoreBindingInfo {
  readonly type?: string;
  readonly name?: string;
  readonly direction?: "in" | "out" | "inout";
  readonly [property: string]: unknown;
}

export interface CoreFunctionMetadata {
  readonly name: string;
  readonly functionId?: string;
  readonly bindings: Readonly<Record<string, CoreBindingInfo>>;
  readonly retryOptions?: unknown;
}

export type CoreFunctionCallback = (...args: unknown[]) => unknown;

/** A hook receives the mutable init object the library wraps in its own hook context class. */
export type CoreHookCallback = (context: Record<string, unknown>) => unknown;

export type CoreHookName = "preInvocation" | "postInvocation" | "appStart" | "appTerminate" | "log";

export type CoreLogLevel = "trace" | "debug" | "information" | "warning" | "error" | "critical" | "none";
export type CoreLogCategory = "user" | "system" | "customMetric";

export type CoreInvocationState = "preInvocationHooks" | "postInvocationHooks" | "invocation";

export interface CoreInvocationRequest {
  readonly invocationId: string;
  readonly functionId: string;
  readonly inputData: readonly { readonly name: string; readonly data: RpcTypedData }[];
  readonly triggerMetadata: Readonly<Record<string, RpcTypedData>>;
}

export interface CoreInvocationContext {
  readonly invocationId: string;
  readonly request: CoreInvocationRequest;
  readonly metadata: { readonly name: string; readonly bindings: Readonly<Record<string, CoreBindingInfo>> };
  state?: CoreInvocationState;
  log(level: CoreLogLevel, category: CoreLogCategory, message: string): void;
}

export interface CoreInvocationArguments {
  context: unknown;
  inputs: unknown[];
}

export interface CoreInvocationResponse {
  readonly returnValue?: RpcTypedData | null;
  readonly outputData?: readonly { readonly name?: string; readonly data?: RpcTypedData | null }[];
}

export interface CoreInvocationModel {
  getArguments(): Promise<CoreInvocationArguments>;
  invokeFunction(context: unknown, inputs: unknown[], callback: CoreFunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<CoreInvocationResponse>;
}

export interface CoreProgrammingModel {
  readonly name: string;
  readonly version: string;
  getInvocationModel(context: CoreInvocationContext): CoreInvocationModel | Promise<CoreInvocationModel>;
  getCapabilities?(capabilities: Record<string, string>): Promise<Record<string, string>>;
}

export interface CoreDisposableLike {
  dispose(): unknown;
}
