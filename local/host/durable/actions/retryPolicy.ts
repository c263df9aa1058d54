// Retries are executed by the extension, not by the library: DTFx's RetryInterceptor
// (Azure/durabletask src/DurableTask.Core/RetryInterceptor.cs) schedules the attempt, and after a
// failure either a timer for the next attempt or — after the last attempt — a zero-delay "Dummy
// timer for back-compat" (current DTFx). The library only expects that history
// (Azure/azure-functions-durable-js src/task/RetryableTask.ts); it counts attempts itself and
// surfaces the error after the timer that follows the last failure.
import type { RetryOptionsWire } from "./orchestratorAction";

export interface RetryPolicy {
  readonly firstRetryIntervalMs: number;
  readonly maxNumberOfAttempts: number;
  /** C# RetryOptions default: 1. */
  readonly backoffCoefficient: number;
  /** C# default TimeSpan.MaxValue: no cap. */
  readonly maxRetryIntervalMs: number;
  /** C# default TimeSpan.MaxValue: no deadline. */
  readonly retryTimeoutMs: number;
}

export function retryPolicyFromWire(options: RetryOptionsWire): RetryPolicy {
  return {
    firstRetryIntervalMs: options.firstRetryIntervalInMilliseconds,
    maxNumberOfAttempts: options.maxNumberOfAttempts,
    backoffCoefficient: options.backoffCoefficient ?? 1,
    maxRetryIntervalMs: options.maxRetryIntervalInMilliseconds ?? Number.POSITIVE_INFINITY,
    retryTimeoutMs: options.retryTimeoutInMilliseconds ?? Number.POSITIVE_INFINITY,
  };
}

/**
 * DTFx `ComputeNextDelay(attempt, firstAttempt, failure)`: `first * backoff^attempt`, capped at
 * the max interval; zero (= stop retrying, no timer) once `now` has reached `firstAttempt +
 * retryTimeout`. `attempt` is the 0-based retry count of the attempt that just failed.
 */
export function nextRetryDelay(
  policy: RetryPolicy,
  attempt: number,
  firstAttemptAt: number,
  now: number,
): number {
  if (now >= firstAttemptAt + policy.retryTimeoutMs) return 0;
  const delay = policy.firstRetryIntervalMs * Math.pow(policy.backoffCoefficient, attempt);
  return delay < policy.maxRetryIntervalMs ? delay : policy.maxRetryIntervalMs;
}
