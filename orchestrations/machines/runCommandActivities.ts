// Run Command on an Arc machine, split so nothing waits: begin (one PUT, or none) and one read
// per call; agentRunCommand.ts waits with durable timers. A run command runs a script as root,
// so beginRunCommand looks first and starts nothing when the same script already ran — or is
// running — under that name; a run that failed is started again.
import { z } from "zod";

import { apiVersions } from "../../shared/azure/apiVersions";
import { readObject, readProperties, readString } from "../../shared/azure/armPayload";
import { findResourceBody } from "../../shared/azure/armReads";
import { runCommandStateOf } from "../../shared/azure/azureStates";
import {
  beginRunCommand as putRunCommand,
  getRunCommand,
  type RunCommandView,
  toRunCommandView,
} from "../../shared/azure/runCommands";
import { machineResourceId, parseMachineId, runCommandResourceId } from "../../shared/resourceId";
import { shorten } from "../../shared/text";
import { resourceIdField, runCommandNameField, scriptField, textField } from "../../shared/validation/fields";
import { defineActivity } from "../activity";

export const runCommandViewSchema = z.strictObject({
  runCommandName: runCommandNameField,
  provisioningState: textField,
  executionState: textField,
  /** `succeeded` / `failed` / `canceled` once the script has ended, else `running`. */
  state: z.enum(["running", "succeeded", "failed", "canceled"]),
  executionMessage: textField.optional(),
  exitCode: z.number().int().optional(),
  /** The script's stdout and stderr, shortened; our own azcmagent commands print no secrets. */
  output: textField.optional(),
  error: textField.optional(),
});

export type RunCommandSummary = z.output<typeof runCommandViewSchema>;

/** PUTs the run command, unless the same script already ran (or is running) under that name. */
export const beginRunCommand = defineActivity({
  name: "beginRunCommand_v1",
  needs: "azure",
  input: z.strictObject({
    machineId: resourceIdField,
    runCommandName: runCommandNameField,
    location: z.string().min(1).max(64),
    script: scriptField,
    timeoutInSeconds: z.number().int().positive().max(86_400).optional(),
  }),
  output: z.strictObject({ started: z.boolean(), view: runCommandViewSchema }),
  async handler({ arm }, input) {
    const machineId = machineResourceId(parseMachineId(input.machineId));
    const id = runCommandResourceId(machineId, input.runCommandName);
    const body = await findResourceBody(arm, id, apiVersions.hybridCompute, { $expand: "instanceView" });
    if (body !== undefined) {
      const view = summarize(input.runCommandName, toRunCommandView(body, id));
      const sameScript = readString(readObject(readProperties(body).source).script) === input.script;
      if (sameScript && (view.state === "running" || view.state === "succeeded"))
        return { started: false, view };
    }
    const start = await putRunCommand(arm, {
      machineId,
      runCommandName: input.runCommandName,
      location: input.location,
      script: input.script,
      ...(input.timeoutInSeconds !== undefined ? { timeoutInSeconds: input.timeoutInSeconds } : {}),
    });
    const view = start.result ?? {
      id,
      name: input.runCommandName,
      provisioningState: "Accepted",
      executionState: "Pending",
    };
    return { started: true, view: summarize(input.runCommandName, view) };
  },
});

/** One GET of the run command with its instance view; NotFoundError when there is none. */
export const readRunCommand = defineActivity({
  name: "readRunCommand_v1",
  needs: "azure",
  input: z.strictObject({ machineId: resourceIdField, runCommandName: runCommandNameField }),
  output: runCommandViewSchema,
  async handler({ arm }, input) {
    const machineId = machineResourceId(parseMachineId(input.machineId));
    return summarize(input.runCommandName, await getRunCommand(arm, machineId, input.runCommandName));
  },
});

/** How much of a script's output and messages is kept. */
const maxText = 2000;

/** Where the run stands, with its output shortened; `asyncExecution: false` makes provisioning end with the script. */
export function summarize(runCommandName: string, view: RunCommandView): RunCommandSummary {
  return {
    runCommandName,
    provisioningState: view.provisioningState,
    executionState: view.executionState,
    state: runCommandStateOf(view),
    ...(view.executionMessage !== undefined
      ? { executionMessage: shorten(view.executionMessage, maxText) }
      : {}),
    ...(view.exitCode !== undefined ? { exitCode: view.exitCode } : {}),
    ...(view.output !== undefined ? { output: shorten(view.output, maxText) } : {}),
    ...(view.error !== undefined ? { error: shorten(view.error, maxText) } : {}),
  };
}
