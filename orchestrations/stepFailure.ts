// How a step of an orchestration fails, as data the orchestrator returns in its output: one shape
// for an activity's typed error, an answer that does not confirm the write, and retries spent.
// Deterministic helpers only: imported by *.orchestrator.ts files.
import type { OrchestrationContext, Task } from "durable-functions";

import type { ActivityError } from "./activityMap";

export interface StepFailure {
  readonly outcome: "skipped" | "failed";
  readonly code: string;
  readonly reason: string;
}

export function fail(code: string, reason: string): StepFailure {
  return { outcome: "failed", code, reason };
}

/** A machine deleted under us is not a failure to fix: nothing more is written and nothing recreated. */
export function activityFailure(error: ActivityError): StepFailure {
  if (error.kind === "NotFoundError") {
    return {
      outcome: "skipped",
      code: "MachineNotFound",
      reason: `The machine (or a resource under it) no longer exists: ${error.message}; nothing was recreated`,
    };
  }
  return { outcome: "failed", code: error.code, reason: error.message };
}

export function isStepFailure(value: unknown): value is StepFailure {
  return typeof value === "object" && value !== null && "code" in value && "reason" in value;
}

/**
 * Runs `work`; an activity whose retries were all spent throws, and ends here as a
 * `RetriesExhausted` failure instead of failing the whole orchestration.
 */
export function* guarded<T>(
  context: OrchestrationContext,
  work: Generator<Task, T, unknown>,
): Generator<Task, T | StepFailure, unknown> {
  try {
    return yield* work;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    context.warn(`A step gave up after its retries: ${message}`);
    return fail("RetriesExhausted", `Azure kept failing after retries: ${message.slice(0, 1000)}`);
  }
}
