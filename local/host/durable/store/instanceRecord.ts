// One orchestration instance as the task hub stores it: what the extension keeps in its
// instances table, history table and control queue, kept here in one record. Everything here is
// durable — it survives crash()/restart() — and JSON-serialisable, so a snapshot can rebuild a
// host. Payloads are kept as JSON text, the way they travel in history events.
import type { HistoryEvent } from "../history/historyEvent";

export type RuntimeStatus =
  "Pending" | "Running" | "Completed" | "ContinuedAsNew" | "Failed" | "Canceled" | "Terminated" | "Suspended";

export const terminalStatuses: readonly RuntimeStatus[] = ["Completed", "Failed", "Canceled", "Terminated"];

export function isTerminal(status: RuntimeStatus): boolean {
  return terminalStatuses.includes(status);
}

/** Where a sub-orchestration reports back: the parent's execution and the id it scheduled it under. */
export interface ParentLink {
  readonly instanceId: string;
  readonly executionId: string;
  readonly name: string;
  readonly taskScheduledId: number;
}

export interface InstanceRecord {
  readonly instanceId: string;
  executionId: string;
  name: string;
  version: string;
  status: RuntimeStatus;
  /** The current execution's input as JSON text (ExecutionStarted.Input). */
  input: string | null;
  /** JSON text; for a Failed instance the failure message, for a Terminated one the reason. */
  output: string | null;
  customStatus: string | null;
  createdAt: number;
  lastUpdatedAt: number;
  parent: ParentLink | undefined;
  /** How many executions this record has started (seeds execution ids). */
  executions: number;
  /** History of the current execution, episode after episode. */
  history: HistoryEvent[];
  /** Messages for the next episode: ExecutionStarted, completions, raised events, control events. */
  inbox: HistoryEvent[];
  /** Messages held while the instance is suspended; they are delivered after ExecutionResumed. */
  held: HistoryEvent[];
}
