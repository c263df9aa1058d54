// How Event Grid judges a delivery attempt and when it tries again (docs/azure-facts.md §9, from
// the docs' "Event Grid message delivery and retry"). The schedule is applied without Azure's
// jitter so that tests can advance the clock to the exact second a retry is due.
import type { WebhookResult } from "./webhookClient";

/** Delay before attempt n+1 after attempt n failed; hourly after the last step. */
export const retrySchedule: readonly number[] = [
  10_000,
  30_000,
  60_000,
  5 * 60_000,
  10 * 60_000,
  30 * 60_000,
  60 * 60_000,
];
const hourly = 60 * 60_000;

/** Names in the spirit of Event Grid's `lastDeliveryOutcome`. */
export type DeliveryOutcome =
  | "Success"
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "RequestEntityTooLarge"
  | "TimedOut"
  | "Busy"
  | "GenericError"
  | "Aborted";

export type Verdict =
  | { readonly action: "done"; readonly outcome: DeliveryOutcome }
  | { readonly action: "retry"; readonly outcome: DeliveryOutcome; readonly minimumDelayMs: number }
  | { readonly action: "drop"; readonly outcome: DeliveryOutcome };

/** Webhook codes the current docs say are dead-lettered (or dropped) at once, never retried. */
const notRetried: ReadonlyMap<number, DeliveryOutcome> = new Map([
  [400, "BadRequest"],
  [401, "Unauthorized"],
  [403, "Forbidden"],
  [413, "RequestEntityTooLarge"],
]);

export function judge(result: WebhookResult): Verdict {
  switch (result.kind) {
    case "aborted":
      return { action: "done", outcome: "Aborted" };
    case "timeout":
      return { action: "retry", outcome: "TimedOut", minimumDelayMs: 0 };
    case "error":
      return { action: "retry", outcome: "GenericError", minimumDelayMs: 0 };
    case "response":
      break;
  }
  const status = result.status;
  // Only 200–204 count: a 3xx is not followed, and 205+ is not an acknowledgement.
  if (status >= 200 && status <= 204) return { action: "done", outcome: "Success" };
  const terminal = notRetried.get(status);
  if (terminal) return { action: "drop", outcome: terminal };
  // The docs give per-status floors on top of the schedule: 408 at least 2 min, 503 at least 30 s.
  if (status === 408) return { action: "retry", outcome: "TimedOut", minimumDelayMs: 2 * 60_000 };
  if (status === 503) return { action: "retry", outcome: "Busy", minimumDelayMs: 30_000 };
  if (status === 404) return { action: "retry", outcome: "NotFound", minimumDelayMs: 0 };
  return { action: "retry", outcome: "GenericError", minimumDelayMs: 0 };
}

/** `attempt` is the 1-based number of the attempt that just failed. */
export function retryDelayMs(attempt: number, minimumDelayMs = 0): number {
  const step = retrySchedule[attempt - 1] ?? hourly;
  return Math.max(step, minimumDelayMs);
}
