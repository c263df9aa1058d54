// Retry for ARM requests, in place of the SDK pipeline's default retry policy. It honours
// `Retry-After` on 429 and 503 as ARM documents (a request sent before it elapses is rejected
// again), backs off exponentially on other 5xx and dropped connections, and takes its sleep
// function and clock from the ARM context — by default the app's runtime clock
// (shared/runtimeClock.ts): the wall clock in Azure, the local host's clock when it runs the
// app — so tests wait on a virtual clock and never really sleep.
// A `Retry-After` longer than `maxRetryAfterMs` is not waited out here: the response goes back
// to the caller, whose orchestration can wait with a durable timer instead of holding a function.
import {
  isRestError,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";

import { retryAfterMs } from "./armErrors";

export const armRetryPolicyName = "armRetryPolicy";

export interface ArmRetryOptions {
  readonly maxRetries: number;
  readonly maxRetryAfterMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Jitter source in [0, 1); injectable so a seeded run is repeatable. */
  readonly random?: () => number;
}

const retryableStatus = new Set([408, 429, 500, 502, 503, 504]);
const retryableSystemErrors = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ESOCKETTIMEDOUT",
  "UND_ERR_SOCKET",
]);

export function armRetryPolicy(options: ArmRetryOptions): PipelinePolicy {
  const base = options.baseDelayMs ?? 1000;
  const cap = options.maxDelayMs ?? 32_000;
  const random = options.random ?? Math.random;
  const backoff = (attempt: number) => {
    const exponential = Math.min(cap, base * 2 ** attempt);
    // Full jitter between half and all of the exponential delay.
    return Math.round(exponential / 2 + (random() * exponential) / 2);
  };
  return {
    name: armRetryPolicyName,
    async sendRequest(request: PipelineRequest, next): Promise<PipelineResponse> {
      for (let attempt = 0; ; attempt++) {
        let response: PipelineResponse | undefined;
        let failure: unknown;
        try {
          response = await next(request);
        } catch (error) {
          failure = error;
        }
        const delay = decideDelay(response, failure, attempt);
        if (delay === undefined || attempt >= options.maxRetries || request.abortSignal?.aborted) {
          // Rethrown as caught: the pipeline's own errors (RestError) must reach the caller unchanged.
          // eslint-disable-next-line @typescript-eslint/only-throw-error
          if (failure !== undefined) throw failure;
          return response as PipelineResponse;
        }
        await options.sleep(delay);
      }
    },
  };

  function decideDelay(response: PipelineResponse | undefined, failure: unknown, attempt: number) {
    if (failure !== undefined) {
      if (!isRestError(failure) || failure.statusCode !== undefined) return undefined;
      const code = failure.code ?? "";
      const system = retryableSystemErrors.has(code) || code === "REQUEST_SEND_ERROR";
      return system ? backoff(attempt) : undefined;
    }
    if (!response || !retryableStatus.has(response.status)) return undefined;
    const hinted = retryAfterMs({ get: (name) => response.headers.get(name) }, options.now());
    if (hinted !== undefined) return hinted > options.maxRetryAfterMs ? undefined : hinted;
    return backoff(attempt);
  }
}
