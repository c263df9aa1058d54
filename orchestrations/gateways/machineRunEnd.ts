// How a run that changes one machine's gateway (detachMachine, moveMachineGateway) ends: its
// result names the machine, what was done so far and why it stopped, and the custom status shows
// the same. A failed step's reason gets the run's own words on where that leaves the machine.
// Deterministic: imported by *.orchestrator.ts files.
import type { OrchestrationContext } from "durable-functions";

import type { LocalAction } from "../../shared/onboarding/localActions";
import type { StepFailure } from "../stepFailure";

export interface MachineRunResult<Outcome extends string> {
  readonly machineId: string;
  readonly outcome: Outcome;
  readonly code?: string;
  readonly reason: string;
  readonly done: readonly string[];
  readonly localAction?: LocalAction;
}

/**
 * `end` finishes the run with a result; `failed` with a step's failure, its reason passed through
 * `explainFailure` when the run ends (so it can say what `done` holds by then).
 */
export function machineRunEnd<Outcome extends string>(
  context: OrchestrationContext,
  machineId: string,
  done: readonly string[],
  explainFailure: (reason: string) => string,
) {
  type Result = MachineRunResult<Outcome | StepFailure["outcome"]>;
  const end = (result: Omit<Result, "machineId" | "done">): Result => {
    const full = { machineId, done, ...result };
    context.df.setCustomStatus({ step: full.outcome, done: done.length, message: full.reason });
    return full;
  };
  const failed = (why: StepFailure): Result =>
    end({ outcome: why.outcome, code: why.code, reason: explainFailure(why.reason) });
  return { end, failed };
}
