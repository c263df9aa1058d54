// Which durable functions the app registered, and the extension's messages for names it does not
// know (DurableTaskExtension.ThrowIfFunctionDoesNotExist in
// Azure/azure-functions-durable-extension). The extension compares function names
// case-insensitively.
import type { FunctionInvoker, RegisteredFunction } from "../../types";

export interface FunctionCatalog {
  activity(name: string): RegisteredFunction | undefined;
  orchestrator(name: string): RegisteredFunction | undefined;
  unknownActivityMessage(name: string): string;
  unknownOrchestratorMessage(name: string): string;
}

export function functionCatalog(invoker: FunctionInvoker): FunctionCatalog {
  const ofType = (type: string) => invoker.functions().filter((fn) => fn.trigger.type === type);
  const lookup = (type: string, name: string) =>
    ofType(type).find((fn) => fn.name.toLowerCase() === name.toLowerCase());
  const listing = (kind: string, type: string) => {
    const names = ofType(type).map((fn) => fn.name);
    return names.length > 0
      ? `The following are the known ${kind} functions: '${names.join("', '")}'.`
      : `No ${kind} functions are currently registered!`;
  };
  return {
    activity: (name) => lookup("activityTrigger", name),
    orchestrator: (name) => lookup("orchestrationTrigger", name),
    unknownActivityMessage: (name) =>
      `The function '${name}' doesn't exist, is disabled, or is not an activity function. Additional info: ${listing("activity", "activityTrigger")}`,
    unknownOrchestratorMessage: (name) =>
      `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function. Additional info: ${listing("orchestrator", "orchestrationTrigger")}`,
  };
}
