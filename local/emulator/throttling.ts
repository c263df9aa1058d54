// ARM's throttling as documented since 2024: token buckets per subscription (and principal) and
// operation kind — reads 250 (+25/s), writes 200 (+10/s), deletes 200 (+10/s). Refill is computed
// lazily from the emulator's clock, so virtual time refills buckets exactly.
import type { OperationKind } from "./types";

export interface BucketLimit {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

export interface ThrottlingLimits {
  readonly reads: BucketLimit;
  readonly writes: BucketLimit;
  readonly deletes: BucketLimit;
}

export const armThrottlingLimits: ThrottlingLimits = {
  reads: { capacity: 250, refillPerSecond: 25 },
  writes: { capacity: 200, refillPerSecond: 10 },
  deletes: { capacity: 200, refillPerSecond: 10 },
};

export type BucketName = keyof ThrottlingLimits;

/** POST actions count against the writes bucket, as ARM counts them. */
export function bucketFor(kind: OperationKind): BucketName {
  if (kind === "read") return "reads";
  if (kind === "delete") return "deletes";
  return "writes";
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export type ThrottleDecision =
  | { readonly allowed: true; readonly remaining: number }
  | { readonly allowed: false; readonly remaining: 0; readonly retryAfterSeconds: number };

/**
 * Buckets are always kept, so every response can carry `x-ms-ratelimit-remaining-*`; only an
 * enforcing throttle refuses requests.
 */
export class ArmThrottle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private limits: ThrottlingLimits,
    private enforce: boolean,
    private readonly now: () => number,
  ) {}

  /** Replaces the limits and starts every bucket full. */
  configure(limits: ThrottlingLimits, enforce: boolean): void {
    this.limits = limits;
    this.enforce = enforce;
    this.buckets.clear();
  }

  get enforcing(): boolean {
    return this.enforce;
  }

  /** Takes one token for this subscription, principal and bucket, or says how long to wait. */
  take(subscriptionId: string, principalId: string, bucket: BucketName): ThrottleDecision {
    const limit = this.limits[bucket];
    const key = `${subscriptionId.toLowerCase()}|${principalId}|${bucket}`;
    const now = this.now();
    const state = this.buckets.get(key) ?? { tokens: limit.capacity, updatedAt: now };
    state.tokens = Math.min(
      limit.capacity,
      state.tokens + ((now - state.updatedAt) / 1000) * limit.refillPerSecond,
    );
    state.updatedAt = now;
    this.buckets.set(key, state);
    if (state.tokens >= 1 || !this.enforce) {
      state.tokens = Math.max(0, state.tokens - 1);
      return { allowed: true, remaining: Math.floor(state.tokens) };
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - state.tokens) / limit.refillPerSecond));
    return { allowed: false, remaining: 0, retryAfterSeconds };
  }
}
