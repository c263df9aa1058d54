// Seeded, deterministic fault injection: per route (spec operationId, method or path pattern),
// rates of 429, 500, 503, dropped connections and added latency. The same seed and the same
// request sequence give the same faults, so a failing fault run can be replayed.
import { z } from "zod";

import { SeededRandom } from "./random";

const rate = z.number().min(0).max(1);

export const faultRuleSchema = z.strictObject({
  /** Spec operationId, e.g. `Gateways_Get`; case-insensitive. */
  operationId: z.string().min(1).optional(),
  method: z.enum(["GET", "PUT", "POST", "PATCH", "DELETE"]).optional(),
  /** Regular expression tested against the request path (case-insensitive). */
  pathPattern: z
    .string()
    .min(1)
    .refine((p) => {
      try {
        new RegExp(p, "i");
        return true;
      } catch {
        return false;
      }
    }, "must be a valid regular expression")
    .optional(),
  status429Rate: rate.default(0),
  status500Rate: rate.default(0),
  status503Rate: rate.default(0),
  resetRate: rate.default(0),
  latencyRate: rate.default(0),
  latencyMs: z.number().int().min(0).max(600_000).default(0),
  /** Retry-After sent with injected 429/503 answers. */
  retryAfterSeconds: z.number().int().min(0).max(3600).default(1),
});

export const faultConfigSchema = z.strictObject({
  seed: z.number().int().default(1),
  rules: z.array(faultRuleSchema).max(100).default([]),
});

export type FaultRule = z.infer<typeof faultRuleSchema>;
export type FaultConfig = z.input<typeof faultConfigSchema>;

export type FaultDecision =
  | { readonly kind: "none"; readonly latencyMs: number }
  | { readonly kind: "reset"; readonly latencyMs: number }
  | {
      readonly kind: "status";
      readonly status: 429 | 500 | 503;
      readonly retryAfterSeconds: number;
      readonly latencyMs: number;
    };

export class FaultInjector {
  private rules: FaultRule[] = [];
  private random = new SeededRandom(1);

  configure(config: FaultConfig): void {
    const parsed = faultConfigSchema.parse(config);
    this.rules = parsed.rules;
    this.random = new SeededRandom(parsed.seed);
  }

  get active(): boolean {
    return this.rules.length > 0;
  }

  decide(request: { method: string; path: string; operationId: string }): FaultDecision {
    const rule = this.rules.find(
      (r) =>
        (!r.operationId || r.operationId.toLowerCase() === request.operationId.toLowerCase()) &&
        (!r.method || r.method === request.method) &&
        (!r.pathPattern || new RegExp(r.pathPattern, "i").test(request.path)),
    );
    if (!rule) return { kind: "none", latencyMs: 0 };
    const latencyMs = rule.latencyRate > 0 && this.random.next() < rule.latencyRate ? rule.latencyMs : 0;
    const roll = this.random.next();
    let edge = rule.resetRate;
    if (roll < edge) return { kind: "reset", latencyMs };
    const statuses: [429 | 500 | 503, number][] = [
      [429, rule.status429Rate],
      [500, rule.status500Rate],
      [503, rule.status503Rate],
    ];
    for (const [status, probability] of statuses) {
      edge += probability;
      if (roll < edge)
        return { kind: "status", status, retryAfterSeconds: rule.retryAfterSeconds, latencyMs };
    }
    return { kind: "none", latencyMs };
  }
}
