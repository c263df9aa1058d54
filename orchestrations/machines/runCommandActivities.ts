// Writes on the machine itself: its gateway link (settings/default) and Run Command.
// attachGateway is a converging PUT: the same body twice leaves the same resource, so it is sent
// as is (the planner already skips attached machines). A run command runs a script as root, so
// beginRunCommand looks first and starts nothing when the same script already ran — or is
// running — under that name; a run that failed is started again.
import { apiVersions } from "../../shared/azure/apiVersions";
import { readObject, readProperties, readString } from "../../shared/azure/armPayload";
import { findResourceBody } from "../../shared/azure/armReads";
import { type OperationState, operationStateOf } from "../../shared/azure/longRunningOperation";
import { attachMachineToGateway } from "../../shared/azure/machineSettings";
import {
  beginRunCommand as putRunCommand,
  getRunCommand,
  type RunCommandView,
  toRunCommandView,
} from "../../shared/azure/runCommands";
import {
  gatewayResourceId,
  machineResourceId,
  parseGatewayId,
  parseMachineId,
  runCommandResourceId,
} from "../../shared/resourceId";
import type { ActivityInput, ActivityOutput } from "../activityMap";
import type { OnboardingActivityDeps } from "./deps";

export async function attachGateway(
  deps: OnboardingActivityDeps,
  input: ActivityInput<"attachGateway">,
): Promise<ActivityOutput<"attachGateway">> {
  const machineId = machineResourceId(parseMachineId(input.machineId));
  const gatewayId = gatewayResourceId(parseGatewayId(input.gatewayId));
  const settings = await attachMachineToGateway(deps.arm, machineId, gatewayId);
  return { gatewayResourceId: settings.gatewayResourceId ?? gatewayId };
}

export async function beginRunCommand(
  deps: OnboardingActivityDeps,
  input: ActivityInput<"beginRunCommand">,
): Promise<ActivityOutput<"beginRunCommand">> {
  const machineId = machineResourceId(parseMachineId(input.machineId));
  const id = runCommandResourceId(machineId, input.runCommandName);
  const body = await findResourceBody(deps.arm, id, apiVersions.hybridCompute, { $expand: "instanceView" });
  if (body !== undefined) {
    const view = summarize(input.runCommandName, toRunCommandView(body, id));
    const sameScript = readString(readObject(readProperties(body).source).script) === input.script;
    if (sameScript && (view.state === "running" || view.state === "succeeded"))
      return { started: false, view };
  }
  const start = await putRunCommand(deps.arm, {
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
}

/** One GET of the run command with its instance view; NotFoundError when there is none. */
export async function readRunCommand(
  deps: OnboardingActivityDeps,
  input: ActivityInput<"readRunCommand">,
): Promise<ActivityOutput<"readRunCommand">> {
  const machineId = machineResourceId(parseMachineId(input.machineId));
  return summarize(input.runCommandName, await getRunCommand(deps.arm, machineId, input.runCommandName));
}

const maxText = 2000;

/** Where the run stands, with its output shortened; `asyncExecution: false` makes provisioning end with the script. */
export function summarize(runCommandName: string, view: RunCommandView): ActivityOutput<"readRunCommand"> {
  return {
    runCommandName,
    provisioningState: view.provisioningState,
    executionState: view.executionState,
    state: runState(view),
    ...(view.executionMessage !== undefined ? { executionMessage: shorten(view.executionMessage) } : {}),
    ...(view.exitCode !== undefined ? { exitCode: view.exitCode } : {}),
    ...(view.output !== undefined ? { output: shorten(view.output) } : {}),
    ...(view.error !== undefined ? { error: shorten(view.error) } : {}),
  };
}

function runState(view: RunCommandView): OperationState {
  const provisioning = operationStateOf(view.provisioningState);
  if (provisioning === "running") return "running";
  const execution = view.executionState.toLowerCase();
  if (execution === "failed" || execution === "timedout") return "failed";
  if (execution === "canceled") return "canceled";
  if (view.exitCode !== undefined && view.exitCode !== 0) return "failed";
  return provisioning;
}

function shorten(text: string): string {
  return text.length > maxText ? `${text.slice(0, maxText)}…` : text;
}
