// Running an activity the way the extension does (Azure/azure-functions-durable-extension
// Bindings/ActivityTriggerAttributeBindingProvider.cs, Listener/TaskActivityShim.cs): the
// TaskScheduled input goes to the activity trigger as typed data the Node library try-parses, and
// the outcome comes back as TaskCompleted (`Result` JSON text or null) or TaskFailed
// (Reason/Details, plus FailureDetails when the library's exception-properties provider turned the
// message into its JSON).
import type { FunctionInvoker, InvocationResult, RpcTypedData } from "../../types";
import type { FailureDetailsPayload } from "../history/historyEvent";
import type { FunctionCatalog } from "../orchestrator/functionCatalog";

export type ActivityOutcome =
  | { readonly kind: "completed"; readonly result: string | null }
  | {
      readonly kind: "failed";
      readonly reason: string;
      readonly details: string;
      readonly failureDetails: FailureDetailsPayload | undefined;
    };

/**
 * `TaskScheduled.Input` is the JSON text of the action's input. String inputs were already
 * JSON-stringified by the library (Utils.processInput), so they travel as `{string: '"World"'}`
 * and the library's try-parse hands "World" to the handler; anything else travels as `{json}`.
 */
export function activityTriggerData(scheduledInput: string | null): RpcTypedData {
  const value: unknown = scheduledInput == null ? null : JSON.parse(scheduledInput);
  return typeof value === "string" ? { string: value } : { json: scheduledInput ?? "null" };
}

export async function invokeActivity(
  invoker: FunctionInvoker,
  catalog: FunctionCatalog,
  name: string,
  scheduledInput: string | null,
): Promise<ActivityOutcome> {
  const registered = catalog.activity(name);
  if (!registered) {
    const message = catalog.unknownActivityMessage(name);
    return { kind: "failed", reason: message, details: message, failureDetails: undefined };
  }
  let result: InvocationResult;
  try {
    result = await invoker.invoke(registered.name, {
      [registered.triggerName]: activityTriggerData(scheduledInput),
    });
  } catch (error) {
    return activityFailure(registered.name, error);
  }
  return { kind: "completed", result: resultText(result.returnValue) };
}

/** The returned typed data as the JSON text TaskCompleted.Result carries; no value → null. */
export function resultText(returnValue: RpcTypedData | undefined): string | null {
  if (returnValue == null) return null;
  if (typeof returnValue.json === "string") return returnValue.json;
  if (typeof returnValue.string === "string") return JSON.stringify(returnValue.string);
  if (returnValue.int != null) return JSON.stringify(Number(returnValue.int));
  if (returnValue.double != null) return JSON.stringify(Number(returnValue.double));
  if (returnValue.bytes instanceof Uint8Array) {
    // .NET serialises byte[] as base64 text.
    return JSON.stringify(Buffer.from(returnValue.bytes).toString("base64"));
  }
  return null;
}

/**
 * TaskFailed for a thrown error. Reason is the extension's "Activity function 'X' failed: <msg>";
 * Details stands in for the serialised .NET FunctionInvocationException (its exact shape is the
 * worker's RpcException — an approximation: the extension's exact text is not reproduced).
 */
export function activityFailure(name: string, error: unknown): ActivityOutcome {
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  const details = JSON.stringify({
    $type: "Microsoft.Azure.WebJobs.Host.FunctionInvocationException, Microsoft.Azure.WebJobs.Host",
    ClassName: "Microsoft.Azure.WebJobs.Host.FunctionInvocationException",
    Message: `Exception while executing function: Functions.${name}`,
    InnerException: {
      ClassName: "Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcException",
      Message: `Result: Failure\nException: ${message}\nStack: ${stack}`,
      RemoteMessage: message,
      RemoteStackTrace: stack,
    },
  });
  return {
    kind: "failed",
    reason: `Activity function '${name}' failed: ${message}`,
    details,
    failureDetails: failureDetailsFromMessage(message),
  };
}

/** wrapActivityHandler's exception-properties JSON (durable-functions 3.5.0), if that is what the message is. */
function failureDetailsFromMessage(message: string): FailureDetailsPayload | undefined {
  if (!message.startsWith("{")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const fields = parsed as Record<string, unknown>;
  if (typeof fields.errorType !== "string" || typeof fields.errorMessage !== "string") return undefined;
  return {
    ErrorType: fields.errorType,
    ErrorMessage: fields.errorMessage,
    StackTrace: typeof fields.stackTrace === "string" ? fields.stackTrace : null,
    IsNonRetriable: fields.isNonRetriable === true,
    Properties:
      typeof fields.properties === "object" && fields.properties !== null
        ? (fields.properties as Record<string, unknown>)
        : null,
    InnerFailure: null,
  };
}
