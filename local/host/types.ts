// The contract between the local host's parts: the Functions side (capturing the app's
// registrations and invoking them through @azure/functions' own programming model) and the
// Durable side (the engine standing in for the Durable Task extension).

/** The worker's typed data, as @azure/functions converts it (`{string}`, `{json}`, `{http}`…). */
export type RpcTypedData = Record<string, unknown>;

/** One binding of a registered function, as `toCoreFunctionMetadata` produced it. */
export interface BindingMetadata {
  readonly type: string;
  readonly name?: string;
  readonly direction: "in" | "out" | "inout";
  readonly [property: string]: unknown;
}

export interface RegisteredFunction {
  readonly name: string;
  /** Binding name → binding, exactly as registered. */
  readonly bindings: Readonly<Record<string, BindingMetadata>>;
  /** The trigger binding's name and metadata. */
  readonly triggerName: string;
  readonly trigger: BindingMetadata;
}

export interface InvocationResult {
  readonly returnValue?: RpcTypedData;
  readonly outputData?: readonly { name: string; data: RpcTypedData }[];
}

/** Invokes the app's functions the way the Node worker does. */
export interface FunctionInvoker {
  functions(): readonly RegisteredFunction[];
  find(name: string): RegisteredFunction | undefined;
  /**
   * Runs one invocation through the captured ProgrammingModel with a fresh InvocationContext.
   * `inputData` is keyed by binding name; an error thrown by the handler is rethrown.
   */
  invoke(
    name: string,
    inputData: Readonly<Record<string, RpcTypedData>>,
    triggerMetadata?: Readonly<Record<string, RpcTypedData>>,
  ): Promise<InvocationResult>;
}

/** What the Functions side needs from the Durable side. */
export interface DurableEndpoints {
  /** The durable client binding payload `df.getClient(context)` reads (see durable/management). */
  clientPayload(): Record<string, unknown>;
  /**
   * Serves the Durable HTTP management API under `/runtime/webhooks/durabletask/` and the
   * RPC base `/durabletask/`; `path` is relative to that base. Returns false when not handled.
   */
  handleManagementRequest(request: ManagementRequest): Promise<ManagementResponse | undefined>;
}

export interface ManagementRequest {
  readonly method: string;
  /** Path after the base, e.g. `instances/abc/raiseEvent/Go`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Origin the caller used (`http://127.0.0.1:7071`), for Location headers and check-status URLs. */
  readonly origin: string;
}

export interface ManagementResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** What the Functions side tells a durable engine it creates once its HTTP port is known. */
export interface DurableHostContext {
  /** `http://127.0.0.1:<port>` of the Functions host; the base of webhook and RPC URLs. */
  readonly origin: string;
  readonly invoker: FunctionInvoker;
  /**
   * The `durabletask_extension` system key: requests under `/runtime/webhooks/durabletask/`
   * need it as `code` (as on Azure, where the extension's URLs carry it); `/durabletask/` needs none.
   */
  readonly systemKey: string;
}

/** Creates the durable side for a started Functions host (`startFunctionsHost({ durable })`). */
export type DurableEndpointsFactory = (
  host: DurableHostContext,
) => DurableEndpoints | Promise<DurableEndpoints>;
