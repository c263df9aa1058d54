// How a step of an orchestration fails, as data the orchestrator returns in its output. Every
// activity call of a step goes through `step`, which answers one shape — the value, or a
// StepFailure — whatever went wrong: a typed error the activity answered (a permission, a
// quota, a machine deleted under us), or retries all spent. An answer that does not confirm the
// write is the step's own `failure(code, reason)`. Deterministic helpers only: imported by
// *.orchestrator.ts files.
import type { OrchestrationContext, Task } from "durable-functions";

import {
  type ActivityContract,
  type ActivityError,
  type ActivityInput,
  type ActivityOutput,
  callActivity,
} from "./activity";

export interface StepFailure {
  readonly outcome: "skipped" | "failed";
  readonly code: string;
  readonly reason: string;
}

export type StepResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: StepFailure };

/** A step that did not get what it needed: `code` names the branch, `reason` says what was seen. */
export function failure(code: string, reason: string): StepFailure {
  return { outcome: "failed", code, reason };
}

/** A machine deleted under us is not a failure to fix: nothing more is written and nothing recreated. */
failure.fromActivity = function fromActivity(error: ActivityError): StepFailure {
  if (error.kind === "NotFoundError") {
    return {
      outcome: "skipped",
      code: "MachineNotFound",
      reason: `The machine (or a resource under it) no longer exists: ${error.message}; nothing was recreated`,
    };
  }
  return { outcome: "failed", code: error.code, reason: error.message };
};

/** An activity whose retries were all spent threw: a `RetriesExhausted` failure, not a failed orchestration. */
failure.retriesExhausted = function retriesExhausted(
  context: OrchestrationContext,
  error: unknown,
): StepFailure {
  const message = error instanceof Error ? error.message : String(error);
  context.warn(`A step gave up after its retries: ${message}`);
  return failure("RetriesExhausted", `Azure kept failing after retries: ${message.slice(0, 1000)}`);
};

/** Calls an activity as part of a step: its value, or why the step cannot go on. */
export function* step<D extends ActivityContract>(
  context: OrchestrationContext,
  definition: D,
  input: ActivityInput<D>,
): Generator<Task, StepResult<ActivityOutput<D>>, unknown> {
  try {
    const result = yield* callActivity(context, definition, input);
    return result.ok ? result : { ok: false, failure: failure.fromActivity(result.error) };
  } catch (error) {
    return { ok: false, failure: failure.retriesExhausted(context, error) };
  }
}
