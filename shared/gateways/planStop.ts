// How a plan that changes a machine's gateway (a detach, shared/gateways/detachPlan.ts, or a move,
// shared/gateways/movePlan.ts) stops before any step: the same outcomes and fields for both, each
// with its own stop codes, so a retirement reports either the same way (retirement.ts, stopFields).
// Pure: no I/O.
import { z } from "zod";

import { localActionSchema } from "../onboarding/localActions";
import { textField } from "../validation/fields";

/** The `stop` variant of a plan's schema, for the plan's own stop codes. */
export function planStopSchema<const Codes extends readonly [string, ...string[]]>(codes: Codes) {
  return z.strictObject({
    kind: z.literal("stop"),
    outcome: z.enum(["not-attached", "skipped", "needs-local-action", "failed"]),
    code: z.enum(codes),
    reason: textField,
    localAction: localActionSchema.optional(),
  });
}

/** The machine is gone: nothing to plan and nothing to write. */
export function machineNotFoundStop(): {
  readonly kind: "stop";
  readonly outcome: "skipped";
  readonly code: "MachineNotFound";
  readonly reason: string;
} {
  return {
    kind: "stop",
    outcome: "skipped",
    code: "MachineNotFound",
    reason: "The machine does not exist",
  };
}

/** No Run Command script exists for the machine's osType: the plan (detach or move) stops, link untouched. */
export function unknownOsTypeStop(machine: { readonly name: string; readonly osType?: string }): {
  readonly kind: "stop";
  readonly outcome: "failed";
  readonly code: "UnknownOsType";
  readonly reason: string;
} {
  return {
    kind: "stop",
    outcome: "failed",
    code: "UnknownOsType",
    reason: `${machine.name} reports osType '${machine.osType ?? ""}', so no Run Command script can be built for it; its gateway link is left alone`,
  };
}
