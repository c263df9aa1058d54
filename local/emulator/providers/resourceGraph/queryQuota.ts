// ARG's per-user query quota: by default 15 queries per 5-second window per principal, every page
// of a paged result counting as one query. Each answer reports what is left in
// `x-ms-user-quota-remaining` and when the window resets in `x-ms-user-quota-resets-after`
// (hh:mm:ss); past the quota ARG answers 429. Windows run on the emulator's clock.
import type { EmulatorState } from "../../state";

export interface QueryQuotaPolicy {
  readonly limit: number;
  readonly windowMs: number;
}

export const defaultQueryQuota: QueryQuotaPolicy = { limit: 15, windowMs: 5000 };

interface QuotaWindow {
  readonly startedAt: number;
  used: number;
}

interface QuotaBook {
  /** undefined: the quota is switched off (the admin API may do so for load tests). */
  policy: QueryQuotaPolicy | undefined;
  readonly windows: Map<string, QuotaWindow>;
}

export interface QuotaDecision {
  readonly allowed: boolean;
  readonly remaining: number;
  readonly resetsAfterMs: number;
}

const books = new WeakMap<EmulatorState, QuotaBook>();

function bookOf(state: EmulatorState): QuotaBook {
  let book = books.get(state);
  if (!book) {
    book = { policy: defaultQueryQuota, windows: new Map() };
    books.set(state, book);
  }
  return book;
}

/** Changes the quota for every principal (null switches it off) and starts fresh windows. */
export function setResourceGraphQuota(state: EmulatorState, policy: QueryQuotaPolicy | null): void {
  if (policy && (!(policy.limit >= 1) || !(policy.windowMs >= 1))) {
    throw new RangeError("A Resource Graph quota needs a limit and a window of at least 1");
  }
  const book = bookOf(state);
  book.policy = policy ?? undefined;
  book.windows.clear();
}

export function resourceGraphQuota(state: EmulatorState): QueryQuotaPolicy | null {
  return bookOf(state).policy ?? null;
}

/** Counts one query for the principal, unless its window is used up. */
export function consumeQuery(state: EmulatorState, principalId: string, now: number): QuotaDecision {
  const book = bookOf(state);
  const policy = book.policy;
  if (!policy) return { allowed: true, remaining: defaultQueryQuota.limit, resetsAfterMs: 0 };
  const key = principalId.toLowerCase();
  let window = book.windows.get(key);
  if (!window || now >= window.startedAt + policy.windowMs) {
    window = { startedAt: now, used: 0 };
    book.windows.set(key, window);
  }
  const resetsAfterMs = window.startedAt + policy.windowMs - now;
  if (window.used >= policy.limit) return { allowed: false, remaining: 0, resetsAfterMs };
  window.used++;
  return { allowed: true, remaining: policy.limit - window.used, resetsAfterMs };
}

/** `hh:mm:ss`, rounded up to the next whole second. */
export function formatResetsAfter(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}
