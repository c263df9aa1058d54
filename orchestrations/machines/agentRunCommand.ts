// A Run Command on an Arc machine, begun by an activity and read on its schedule with durable
// timers until it ends: what onboarding (connection.type gateway, incoming ports) and detaching
// (connection.type direct) share. Deterministic: imported by *.orchestrator.ts files. Retries
// spent on either activity end the step as RetriesExhausted, like any step's.
import type { OrchestrationContext, Task } from "durable-functions";

import { nextLookAt, runCommandSchedule } from "../../shared/onboarding/waitSchedules";
import { nowMs, sleepUntil } from "../orchestrationWaits";
import { failure, step, type StepFailure } from "../stepFailure";
import { beginRunCommand, readRunCommand } from "./runCommandActivities";

export interface AgentCommand {
  readonly machineId: string;
  readonly runCommandName: string;
  readonly location: string;
  readonly script: string;
}

/** Undefined once the command succeeded on the machine; otherwise why not. */
export function* runAgentCommand(
  context: OrchestrationContext,
  command: AgentCommand,
): Generator<Task, StepFailure | undefined, unknown> {
  const { machineId, runCommandName, location, script } = command;
  const begun = yield* step(context, beginRunCommand, {
    machineId,
    runCommandName,
    location,
    script,
  });
  if (!begun.ok) return begun.failure;
  let view = begun.value.view;
  const startMs = nowMs(context);
  while (view.state === "running") {
    const next = nextLookAt(startMs, nowMs(context), runCommandSchedule);
    if (next === undefined) {
      return failure(
        "RunCommandTimedOut",
        `Run Command ${runCommandName} was still ${view.executionState} after ${runCommandSchedule.deadlineMs / 60_000} minutes; is the agent online?`,
      );
    }
    yield* sleepUntil(context, next);
    const read = yield* step(context, readRunCommand, { machineId, runCommandName });
    if (!read.ok) return read.failure;
    view = read.value;
  }
  if (view.state === "succeeded") return undefined;
  const detail = [
    view.exitCode !== undefined ? `exit code ${view.exitCode}` : undefined,
    view.error || view.executionMessage,
  ]
    .filter(Boolean)
    .join(": ");
  return failure(
    "RunCommandFailed",
    `Run Command ${runCommandName} ${view.state}${detail ? ` (${detail})` : ""}`,
  );
}
