// Azure SDK clients throw RestError; arc-autopilot reasons about its own typed errors. This maps
// one onto the other through the same toArmError as by-id calls, so a 403 from
// `providers.register` is a PermissionError naming the action and scope like any other.
// Two SDK generations differ in where the body lands: @azure/core-client (arm-resources) keeps
// `response.bodyAsText`; @azure-rest/core-client clients have only `code`/`message` and `details`.
import { isRestError, type RestError } from "@azure/core-rest-pipeline";

import { type ArcAutopilotError, TransientArmError } from "../errors";
import { toArmError } from "./armErrors";

/** Converts a RestError; anything else is returned unchanged. */
export function fromRestError(error: unknown, nowMs: number): unknown {
  if (!isRestError(error)) return error;
  const method = error.request?.method;
  const url = error.request?.url;
  if (error.statusCode === undefined) {
    return new TransientArmError(
      `Could not reach ARM${method && url ? ` (${method} ${stripQuery(url)})` : ""}: ${error.message}`,
      error.code ?? "RequestSendError",
    );
  }
  const failure: Parameters<typeof toArmError>[0] = {
    status: error.statusCode,
    body: errorBody(error),
    ...(error.response ? { headers: error.response.headers } : {}),
    ...(method && url ? { method, url } : {}),
  };
  return toArmError(failure, nowMs);
}

/** Runs one SDK call and rethrows its failure as a typed error. */
export async function callSdk<T>(nowMs: () => number, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fromRestError(error, nowMs()) as ArcAutopilotError | Error;
  }
}

function errorBody(error: RestError): unknown {
  const text = error.response?.bodyAsText;
  if (text) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // Not JSON (a proxy's HTML page): fall through to what the SDK parsed.
    }
  }
  const details = error.details;
  if (details && typeof details === "object" && "error" in details) return details;
  return { error: { code: error.code ?? `Http${error.statusCode}`, message: error.message } };
}

function stripQuery(url: string): string {
  const i = url.indexOf("?");
  return i < 0 ? url : url.slice(0, i);
}
