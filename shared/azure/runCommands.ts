// Run Command on Arc machines (`{machine}/runCommands/{name}`, first stable in 2025-01-13). The
// PUT is long-running (201 + Azure-AsyncOperation, docs/azure-facts.md §6) and runs as root/LocalSystem;
// it fails on machines in monitor mode or with an allow-list lacking the RunCommandHandler
// extensions. Scripts come from agentCommands.ts.
import { NotFoundError, ValidationError } from "../errors";
import { parseResourceId, resourceNameOf, runCommandResourceId } from "../resourceId";
import { apiVersions } from "./apiVersions";
import type { ArmContext } from "./armContext";
import { definedFields, readNumber, readObject, readProperties, readString } from "./armPayload";
import { findResourceBody } from "./armReads";
import {
  beginDeleteResource,
  type DeleteOutcome,
  type OperationStart,
  startFromPut,
} from "./longRunningOperation";

export interface RunCommandRequest {
  readonly machineId: string;
  readonly runCommandName: string;
  /** The machine's location: a run command is a tracked resource, so ARM requires one. */
  readonly location: string;
  readonly script: string;
  readonly parameters?: Readonly<Record<string, string>>;
  readonly timeoutInSeconds?: number;
}

/** The spec's ExecutionState plus whatever else the service reports. */
export type ExecutionState =
  "Unknown" | "Pending" | "Running" | "Failed" | "Succeeded" | "TimedOut" | "Canceled" | (string & {});

export interface RunCommandView {
  readonly id: string;
  readonly name: string;
  readonly provisioningState: string;
  /** `Unknown` when the instance view is missing. */
  readonly executionState: ExecutionState;
  readonly executionMessage?: string;
  readonly exitCode?: number;
  /** The script's stdout; it is our own command's output, never a secret we put there. */
  readonly output?: string;
  /** The script's stderr. */
  readonly error?: string;
  readonly startTime?: string;
  readonly endTime?: string;
}

const namePattern = /^[a-zA-Z0-9\-_.]+$/;

/** PUTs the run command; poll the handle, then read the outcome with getRunCommand. */
export async function beginRunCommand(
  context: ArmContext,
  request: RunCommandRequest,
): Promise<OperationStart<RunCommandView>> {
  if (!namePattern.test(request.runCommandName)) {
    throw new ValidationError(
      `'${request.runCommandName}' is not a valid run command name (${namePattern.source})`,
    );
  }
  if (request.script.trim() === "") throw new ValidationError("A run command needs a script");
  if (
    request.timeoutInSeconds !== undefined &&
    !(Number.isInteger(request.timeoutInSeconds) && request.timeoutInSeconds > 0)
  ) {
    throw new ValidationError(
      `timeoutInSeconds must be a positive whole number, not ${request.timeoutInSeconds}`,
    );
  }
  const id = runCommandResourceId(request.machineId, request.runCommandName);
  const parameters = Object.entries(request.parameters ?? {}).map(([name, value]) => ({ name, value }));
  const response = await context.send({
    method: "PUT",
    path: id,
    apiVersion: apiVersions.hybridCompute,
    body: {
      location: request.location,
      properties: {
        source: { script: request.script },
        ...(parameters.length > 0 ? { parameters } : {}),
        // Provisioning then ends only when the script has, so the operation's outcome is the script's.
        asyncExecution: false,
        ...(request.timeoutInSeconds !== undefined ? { timeoutInSeconds: request.timeoutInSeconds } : {}),
      },
    },
  });
  const view = toRunCommandView(response.body, id);
  return startFromPut(context, response, id, apiVersions.hybridCompute, view);
}

export async function getRunCommand(
  context: ArmContext,
  machineId: string,
  runCommandName: string,
): Promise<RunCommandView> {
  const view = await findRunCommand(context, machineId, runCommandName);
  if (!view) {
    throw new NotFoundError(
      `Run command ${runCommandName} was not found on ${machineId}`,
      "ResourceNotFound",
      404,
    );
  }
  return view;
}

/**
 * The run command with its instance view, or undefined when absent. `$expand=instanceView`:
 * the 2025-01-13 spec declares it only on List, but whether Get returns the instance view
 * without it is unverified (docs/azure-facts.md §6), and ARM ignores query parameters it does not use.
 */
export async function findRunCommand(
  context: ArmContext,
  machineId: string,
  runCommandName: string,
): Promise<RunCommandView | undefined> {
  const id = runCommandResourceId(machineId, runCommandName);
  const body = await findResourceBody(context, id, apiVersions.hybridCompute, { $expand: "instanceView" });
  return body === undefined ? undefined : toRunCommandView(body, id);
}

/** Run commands stay on the machine resource until deleted. */
export function beginDeleteRunCommand(
  context: ArmContext,
  machineId: string,
  runCommandName: string,
): Promise<OperationStart<DeleteOutcome>> {
  return beginDeleteResource(
    context,
    runCommandResourceId(machineId, runCommandName),
    apiVersions.hybridCompute,
  );
}

export function toRunCommandView(body: unknown, id: string): RunCommandView {
  const resource = readObject(body);
  const properties = readProperties(body);
  const instanceView = readObject(properties.instanceView);
  const exitCode = readNumber(instanceView.exitCode);
  const reportedId = readString(resource.id);
  return {
    id: reportedId ?? id,
    name: readString(resource.name) ?? resourceNameOf(parseResourceId(id)),
    provisioningState: readString(properties.provisioningState) ?? "Succeeded",
    executionState: readString(instanceView.executionState) ?? "Unknown",
    ...definedFields({
      executionMessage: readString(instanceView.executionMessage),
      exitCode,
      output: readString(instanceView.output),
      error: readString(instanceView.error),
      startTime: readString(instanceView.startTime),
      endTime: readString(instanceView.endTime),
    }),
  };
}
