// What one orchestrator invocation produced (Azure/azure-functions-durable-js
// src/orchestrations/Orchestrator.ts and OrchestratorState.ts): on success the Node library
// returns the OrchestratorState as `{json}` typed data; on failure the handler throws an
// OrchestrationFailureError whose message is "<x>\n\n$OutOfProcData$:<state JSON>" — the real
// error text is `state.error`, and the extension still replays `state.actions` before failing
// the instance. Any other thrown error is a plain failure with no actions.
import type { RpcTypedData } from "../../types";
import type { OrchestratorAction } from "../actions/orchestratorAction";
import type { FailureDetailsPayload } from "../history/historyEvent";

export interface OrchestratorState {
  readonly isDone: boolean;
  /** Schema ≥ V2: one flat list wrapped in an outer array. */
  readonly actions: readonly (readonly OrchestratorAction[])[];
  readonly output?: unknown;
  /** Omitted by the library when falsy. */
  readonly customStatus?: unknown;
  readonly schemaVersion?: number;
  readonly error?: string;
  readonly failureDetails?: FailureDetailsPayload;
}

export type OrchestratorOutcome =
  | { readonly kind: "state"; readonly state: OrchestratorState }
  | {
      readonly kind: "failed";
      readonly error: string;
      readonly stack: string | undefined;
      /** Present when the failure carried the out-of-proc payload. */
      readonly state: OrchestratorState | undefined;
    };

const outOfProcDataLabel = "\n\n$OutOfProcData$:";

export function outcomeFromReturnValue(returnValue: RpcTypedData | undefined): OrchestratorOutcome {
  const text = typeof returnValue?.json === "string" ? returnValue.json : returnValue?.string;
  if (typeof text !== "string") {
    return {
      kind: "failed",
      error: "The orchestrator function returned no OrchestratorState.",
      stack: undefined,
      state: undefined,
    };
  }
  return { kind: "state", state: JSON.parse(text) as OrchestratorState };
}

export function outcomeFromThrown(thrown: unknown): OrchestratorOutcome {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const stack = thrown instanceof Error ? thrown.stack : undefined;
  const labelAt = message.indexOf(outOfProcDataLabel);
  if (labelAt >= 0) {
    try {
      const state = JSON.parse(message.slice(labelAt + outOfProcDataLabel.length)) as OrchestratorState;
      return { kind: "failed", error: state.error ?? message.slice(0, labelAt), stack, state };
    } catch {
      // Not the library's payload after all: treat it as a plain failure.
    }
  }
  return { kind: "failed", error: message, stack, state: undefined };
}

/** The flat action list of a schema ≥ V2 state (`[[a0, a1, …]]`). */
export function stateActions(state: OrchestratorState | undefined): readonly OrchestratorAction[] {
  return state?.actions[0] ?? [];
}
