// The boundary every activity crosses: its input validated against the map, its failures
// sorted. A typed error that retrying cannot fix comes back as `{ ok: false, error }` (plain
// JSON: code, message, class, status, and for a PermissionError the action and scope), so the
// orchestrator's retry policy never retries a 403 or a quota error. Retryable ones (429, 5xx,
// dropped connections) and anything unexpected are thrown, for the retry policy to retry.
import type { z } from "zod";

import { ArcAutopilotError, ensureErrorType, PermissionError } from "../../shared/errors";
import {
  type ActivityError,
  type ActivityInput,
  type ActivityKey,
  activityMap,
  type ActivityOutput,
  type ActivityResult,
} from "../activityMap";

export type ActivityHandlerOf<K extends ActivityKey> = (
  input: ActivityInput<K>,
) => Promise<ActivityResult<ActivityOutput<K>>>;

/** Wraps an implementation: validates the input, answers the envelope, throws only what may be retried. */
export function activity<K extends ActivityKey>(
  key: K,
  implementation: (input: ParsedActivityInput<K>) => Promise<ActivityOutput<K>>,
): ActivityHandlerOf<K> {
  const definition = activityMap[key];
  return async (input) => {
    const parsed = definition.input.safeParse(input);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: "InvalidActivityInput",
          kind: "ValidationError",
          retryable: false,
          message: `Activity ${definition.name} got an input its contract does not allow: ${parsed.error.issues
            .map((issue) => `${issue.path.join(".") || "(input)"}: ${issue.message}`)
            .join("; ")}`,
        },
      };
    }
    try {
      const value = await implementation(parsed.data as ParsedActivityInput<K>);
      return { ok: true, value };
    } catch (thrown) {
      const error = ensureErrorType(thrown);
      if (error instanceof ArcAutopilotError && !error.isRetryable)
        return { ok: false, error: toActivityError(error) };
      throw error;
    }
  };
}

/** The input of activity K once validated. */
export type ParsedActivityInput<K extends ActivityKey> = z.output<(typeof activityMap)[K]["input"]>;

const maxMessage = 4000;

export function toActivityError(error: ArcAutopilotError): ActivityError {
  const message =
    error.message.length > maxMessage ? `${error.message.slice(0, maxMessage)}…` : error.message;
  return {
    code: error.code,
    message: error.correlationId ? `${message} (correlation id ${error.correlationId})` : message,
    kind: error.name,
    retryable: false,
    ...(error.statusCode !== undefined ? { statusCode: error.statusCode } : {}),
    ...(error instanceof PermissionError && error.action !== undefined ? { action: error.action } : {}),
    ...(error instanceof PermissionError && error.scope !== undefined ? { scope: error.scope } : {}),
  };
}
