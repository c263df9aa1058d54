// Microsoft.HybridCompute/machines/runCommands. ARM accepts the PUT (201, long-running) and hands
// the script to the machine's agent; what the agent refuses (a disconnected machine, monitor
// mode, an extension allowlist without the Run Command handler) fails the operation later, as it
// does in Azure, rather than the PUT. The simulated agent runs the script when the command ends.
import { z } from "zod";

import { normalizeResourceId } from "../../../../shared/resourceId";
import { armErrors } from "../../armError";
import { publishSucceeded, systemData } from "../../armResource";
import { monitorHeaders } from "../../asyncOperations";
import type { EmulatorState, StoredResource } from "../../state";
import type { EmulatorContext, EmulatorRequest, HandlerResult, RouteDefinition } from "../../types";
import { parseBody } from "../../validation";
import {
  apiVersions,
  echoedEnvelope,
  findStoredResource,
  hasExpansion,
  listPage,
  locationOf,
  locationSchema,
  machineIdOf,
  machinePath,
  namespace,
  normalizeLocation,
  requireName,
  resourceKey,
  runningOperation,
  startHybridComputeOperation,
  subscriptionParam,
  tagsSchema,
} from "./armConventions";
import {
  agentConnectionType,
  type MachineView,
  machineViewOf,
  requireMachine,
  setAgentConnectionType,
} from "./machineRecords";
import { updateAgentConfiguration } from "./machines";
import { runScript, type ScriptOutcome } from "./simulatedAgent";

/** The type ARM reports (lower-case `runcommands`, as in the spec's examples). */
export const runCommandType = "Microsoft.HybridCompute/machines/runcommands";
const runCommandPath = `${machinePath}/runCommands/{runCommandName}`;

const managedIdentitySchema = z.strictObject({
  clientId: z.string().optional(),
  objectId: z.string().optional(),
});
const parameterSchema = z.strictObject({ name: z.string().min(1), value: z.string() });

const sourceSchema = z
  .strictObject({
    script: z.string().min(1).optional(),
    scriptUri: z.url().optional(),
    commandId: z.string().min(1).optional(),
    scriptUriManagedIdentity: managedIdentitySchema.optional(),
  })
  .refine(
    (source) =>
      [source.script, source.scriptUri, source.commandId].filter((s) => s !== undefined).length === 1,
    "use exactly one of script, scriptUri and commandId",
  );

const runCommandPropertiesSchema = z.strictObject({
  source: sourceSchema,
  parameters: z.array(parameterSchema).optional(),
  protectedParameters: z.array(parameterSchema).optional(),
  asyncExecution: z.boolean().optional(),
  runAsUser: z.string().optional(),
  runAsPassword: z.string().optional(),
  timeoutInSeconds: z.number().int().min(0).max(2_147_483_647).optional(),
  outputBlobUri: z.url().optional(),
  errorBlobUri: z.url().optional(),
  outputBlobManagedIdentity: managedIdentitySchema.optional(),
  errorBlobManagedIdentity: managedIdentitySchema.optional(),
  // Read-only: ignored when a client sends a GET body back.
  provisioningState: z.string().optional(),
  instanceView: z.record(z.string(), z.unknown()).optional(),
});

const runCommandBodySchema = z.strictObject({
  ...echoedEnvelope,
  location: locationSchema,
  tags: tagsSchema.optional(),
  properties: runCommandPropertiesSchema,
});

type RunCommandBody = z.output<typeof runCommandBodySchema>;

const handlers = {
  windows: { publisher: "Microsoft.CPlat.Core", type: "RunCommandHandlerWindows" },
  linux: { publisher: "Microsoft.CPlat.Core", type: "RunCommandHandlerLinux" },
} as const;

interface RunFailure {
  readonly code: string;
  readonly message: string;
  readonly executionState: "Failed" | "TimedOut";
}

/** Which run of a command is current; a re-PUT or a delete abandons the earlier run's timers. */
const runsByState = new WeakMap<EmulatorState, Map<string, number>>();

function startRun(state: EmulatorState, key: string): number {
  const runs = runsByState.get(state) ?? new Map<string, number>();
  runsByState.set(state, runs);
  const run = (runs.get(key) ?? 0) + 1;
  runs.set(key, run);
  return run;
}

function isCurrentRun(state: EmulatorState, key: string, run: number): boolean {
  return runsByState.get(state)?.get(key) === run;
}

// ---- test knob: a script that fails on the machine (off unless a test sets it) ----

/** How the simulated agent's next script on a machine fails. */
export interface ScriptFailure {
  /** The script's exit code; not 0. */
  readonly exitCode: number;
  /** What the script wrote to its error stream. */
  readonly message: string;
}

const scriptFailures = new WeakMap<EmulatorState, Map<string, ScriptFailure[]>>();

/**
 * Test knob: the next `count` Run Commands the simulated agent runs on `machineId` fail as a
 * script would on the machine — exit code `exitCode`, `message` on the error stream, no effect —
 * whatever the script says. Refusals that come before the script (a disconnected machine,
 * monitor mode, an allowlist) still come first and do not take one.
 */
export function failNextRunCommands(
  state: EmulatorState,
  machineId: string,
  failure: ScriptFailure,
  count = 1,
): void {
  if (!Number.isInteger(failure.exitCode) || failure.exitCode === 0) {
    throw new Error(`A failing script needs a non-zero integer exit code, not ${failure.exitCode}`);
  }
  const failures = scriptFailures.get(state) ?? new Map<string, ScriptFailure[]>();
  scriptFailures.set(state, failures);
  const key = normalizeResourceId(machineId);
  const queue = failures.get(key) ?? [];
  for (let i = 0; i < count; i++) queue.push(failure);
  failures.set(key, queue);
}

function takeScriptFailure(state: EmulatorState, machineId: string): ScriptOutcome | undefined {
  const failures = scriptFailures.get(state);
  const key = normalizeResourceId(machineId);
  const queue = failures?.get(key);
  const failure = queue?.shift();
  if (queue?.length === 0) failures?.delete(key);
  return failure && { exitCode: failure.exitCode, output: "", error: failure.message, changes: {} };
}

interface Target {
  readonly machineId: string;
  readonly id: string;
  readonly name: string;
}

function targetOf(request: EmulatorRequest): Target {
  const machineId = machineIdOf(request);
  const name = requireName("run command", request.params.runCommandName);
  return { machineId, id: `${machineId}/runCommands/${name}`, name };
}

function findRunCommand(context: EmulatorContext, id: string): StoredResource | undefined {
  return findStoredResource(context, id, runCommandType);
}

function propertiesOf(resource: StoredResource): Record<string, unknown> {
  return (resource.body.properties ?? {}) as Record<string, unknown>;
}

function provisioningStateOf(resource: StoredResource): string {
  const state = propertiesOf(resource).provisioningState;
  return typeof state === "string" ? state : "Succeeded";
}

/** What GET shows: the instance view only when asked for with `$expand=instanceView`. */
function visibleBody(request: EmulatorRequest, resource: StoredResource): Record<string, unknown> {
  if (hasExpansion(request, "instanceView")) return resource.body;
  const { instanceView: _hidden, ...properties } = propertiesOf(resource);
  return { ...resource.body, properties };
}

function patchRunCommand(context: EmulatorContext, id: string, changes: Record<string, unknown>): void {
  const resource = findRunCommand(context, id);
  if (!resource) return;
  const properties = { ...propertiesOf(resource), ...changes };
  context.state.putResource(
    resource.id,
    runCommandType,
    { ...resource.body, properties },
    context.clock.now(),
  );
}

function instanceViewOf(resource: StoredResource | undefined): Record<string, unknown> {
  const view = resource ? propertiesOf(resource).instanceView : undefined;
  return view && typeof view === "object" ? { ...(view as Record<string, unknown>) } : {};
}

/** The stored properties: what was asked for, minus the secrets ARM never returns. */
function storedProperties(requested: RunCommandBody["properties"]): Record<string, unknown> {
  const {
    runAsPassword: _password,
    protectedParameters: _protected,
    provisioningState: _state,
    instanceView: _view,
    ...kept
  } = requested;
  return { ...kept, asyncExecution: requested.asyncExecution ?? false };
}

function putRunCommand(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const target = targetOf(request);
  context.authorize(request.principal, "Microsoft.HybridCompute/machines/runCommands/write", target.id);
  context.requireRegistered(subscriptionParam(request), namespace);
  const requested = parseBody(runCommandBodySchema, request.body);
  const machine = requireMachine(context, target.machineId, "parent");
  const existing = findRunCommand(context, `${machine.id}/runCommands/${target.name}`);
  if (existing && !["Succeeded", "Failed", "Canceled"].includes(provisioningStateOf(existing))) {
    throw armErrors.conflict(
      "AnotherOperationInProgress",
      `The run command '${target.name}' is ${provisioningStateOf(existing)}; wait for it to finish before changing it.`,
    );
  }
  const now = context.clock.now();
  const id = existing?.id ?? `${machine.id}/runCommands/${target.name}`;
  const body = {
    id,
    name: target.name,
    type: runCommandType,
    location: normalizeLocation(requested.location),
    ...(requested.tags ? { tags: requested.tags } : {}),
    properties: {
      ...storedProperties(requested.properties),
      provisioningState: "Creating",
      instanceView: { executionState: "Pending" },
    },
    systemData: systemData(request.principal, now, existing?.body.systemData),
  };
  const stored = context.state.putResource(id, runCommandType, body, now);
  const headers = scheduleRun(request, context, stored, requested, existing === undefined);
  return { status: existing ? 200 : 201, body: stored.body, headers };
}

/**
 * The agent picks the command up after the operation's queued phase and runs it for
 * `runCommandMs`. With `asyncExecution` the operation ends as soon as the script starts.
 */
function scheduleRun(
  request: EmulatorRequest,
  context: EmulatorContext,
  stored: StoredResource,
  requested: RunCommandBody,
  created: boolean,
): Record<string, string> {
  const key = resourceKey(stored.id) ?? stored.id;
  const run = startRun(context.state, key);
  const total = context.timings.runCommandMs;
  const startsAfter = Math.min(context.timings.operationQueuedMs, total / 2);
  const asyncExecution = requested.properties.asyncExecution === true;
  const finish = () => finishRun(request, context, stored.id, requested, created);
  context.clock.setTimer(startsAfter, () => {
    if (!isCurrentRun(context.state, key, run) || asyncExecution) return;
    patchRunCommand(context, stored.id, {
      instanceView: { executionState: "Running", startTime: new Date(context.clock.now()).toISOString() },
    });
  });
  const headers = startHybridComputeOperation(request, context, {
    location: requested.location,
    resourceId: stored.id,
    finalResult: "resource",
    durationMs: asyncExecution ? startsAfter : total,
    complete: () => {
      if (!isCurrentRun(context.state, key, run)) return { status: "Failed", error: canceled };
      if (!asyncExecution) return finish();
      return startAsynchronously(context, stored.id, requested, total - startsAfter, () => {
        if (isCurrentRun(context.state, key, run)) finish();
      });
    },
  });
  return headers;
}

const canceled = {
  code: "OperationCanceled",
  message: "The run command was replaced or deleted before it finished.",
};

/** `asyncExecution`: provisioning succeeds when the script starts (unless the agent refuses it). */
function startAsynchronously(
  context: EmulatorContext,
  id: string,
  requested: RunCommandBody,
  remainingMs: number,
  finish: () => void,
): { status: "Succeeded" } | { status: "Failed"; error: { code: string; message: string } } {
  const machine = machineOf(context, id);
  const refusal = machine ? agentRefusal(machine) : machineGone;
  if (refusal) {
    recordFailure(context, id, refusal, undefined);
    return { status: "Failed", error: { code: refusal.code, message: refusal.message } };
  }
  patchRunCommand(context, id, {
    provisioningState: "Succeeded",
    instanceView: { executionState: "Running", startTime: new Date(context.clock.now()).toISOString() },
  });
  context.clock.setTimer(remainingMs, finish);
  return { status: "Succeeded" };
}

const machineGone: RunFailure = {
  code: "ParentResourceNotFound",
  message: "The machine was deleted before the run command could run.",
  executionState: "Failed",
};

function machineOf(context: EmulatorContext, runCommandId: string): MachineView | undefined {
  const machineId = runCommandId.replace(/\/runCommands\/[^/]+$/i, "");
  const machine = context.state.getResource(machineId);
  return machine ? machineViewOf(machine) : undefined;
}

/** Why the agent would not run the command at all, checked when it would receive it. */
function agentRefusal(machine: MachineView): RunFailure | undefined {
  if (machine.status !== "Connected") {
    return {
      code: "MachineNotConnected",
      message: `The machine '${machine.name}' is ${machine.status || "not connected"}; its agent cannot receive the run command. Run commands need a Connected machine.`,
      executionState: "Failed",
    };
  }
  const configuration = machine.agentConfiguration;
  if (configuration.configMode === "monitor") {
    return {
      code: "AgentInMonitorMode",
      message: `The agent on '${machine.name}' runs in monitor mode (azcmagent config set config.mode monitor), which blocks Run Command. Only a local administrator on the machine can change it.`,
      executionState: "Failed",
    };
  }
  const handler = machine.osType === "windows" ? handlers.windows : handlers.linux;
  const handlerName = `${handler.publisher}/${handler.type}`;
  const matches = (entry: { publisher: string; type: string }) =>
    entry.publisher.toLowerCase() === handler.publisher.toLowerCase() &&
    entry.type.toLowerCase() === handler.type.toLowerCase();
  if (configuration.extensionsEnabled === "false") {
    return extensionRefusal(
      "ExtensionsDisabled",
      `Extensions are disabled on '${machine.name}' (extensions.enabled false), so ${handlerName} cannot run.`,
    );
  }
  if (configuration.extensionsBlockList.some(matches)) {
    return extensionRefusal(
      "ExtensionBlocked",
      `The agent on '${machine.name}' blocks ${handlerName} (extensions.blocklist).`,
    );
  }
  if (configuration.extensionsAllowList.length > 0 && !configuration.extensionsAllowList.some(matches)) {
    return extensionRefusal(
      "ExtensionNotAllowed",
      `The agent on '${machine.name}' has an extension allowlist without ${handlerName}, so Run Command is not allowed. Only a local administrator can change the allowlist.`,
    );
  }
  return undefined;
}

function extensionRefusal(code: string, message: string): RunFailure {
  return { code, message, executionState: "Failed" };
}

function timedOut(requested: RunCommandBody, runMs: number): RunFailure | undefined {
  const timeout = requested.properties.timeoutInSeconds;
  if (!timeout || timeout * 1000 >= runMs) return undefined;
  return {
    code: "RunCommandTimedOut",
    message: `The script did not finish within timeoutInSeconds (${timeout} s).`,
    executionState: "TimedOut",
  };
}

/** The agent runs the script: refusals first, then the script, then its effects on the machine. */
function finishRun(
  request: EmulatorRequest,
  context: EmulatorContext,
  id: string,
  requested: RunCommandBody,
  created: boolean,
): { status: "Succeeded" } | { status: "Failed"; error: { code: string; message: string } } {
  const machine = machineOf(context, id);
  const refusal = machine
    ? (agentRefusal(machine) ?? timedOut(requested, context.timings.runCommandMs))
    : machineGone;
  if (refusal || !machine) {
    const failure = refusal ?? machineGone;
    recordFailure(context, id, failure, undefined);
    return { status: "Failed", error: { code: failure.code, message: failure.message } };
  }
  const outcome = takeScriptFailure(context.state, machine.id) ?? execute(context, machine, requested);
  if (outcome.exitCode !== 0) {
    const failure: RunFailure = {
      code: "RunCommandScriptFailed",
      message: `The script exited with code ${outcome.exitCode}.${outcome.error ? ` ${outcome.error.split("\n")[0] ?? ""}` : ""}`,
      executionState: "Failed",
    };
    recordFailure(context, id, failure, outcome);
    return { status: "Failed", error: { code: failure.code, message: failure.message } };
  }
  applyChanges(context, machine, outcome);
  recordSuccess(context, id, outcome);
  // A new run command's event has no httpRequest, a rerun's has (docs/azure-facts.md §9).
  publishSucceeded(
    request,
    context,
    "write",
    id,
    "Microsoft.HybridCompute/machines/runCommands/write",
    !created,
  );
  return { status: "Succeeded" };
}

function execute(context: EmulatorContext, machine: MachineView, requested: RunCommandBody): ScriptOutcome {
  const source = requested.properties.source;
  if (source.script === undefined) {
    const what = source.commandId ? `command '${source.commandId}'` : `script at '${source.scriptUri ?? ""}'`;
    return {
      exitCode: 0,
      output: `[emulated agent] The ${what} is not emulated; it ran with no effect.`,
      error: "",
      changes: {},
    };
  }
  const parameters = Object.fromEntries(
    [...(requested.properties.parameters ?? []), ...(requested.properties.protectedParameters ?? [])].map(
      (p) => [p.name, p.value],
    ),
  );
  return runScript(
    source.script,
    {
      osType: machine.osType,
      status: machine.status,
      agentVersion: machine.agentVersion,
      connectionType: agentConnectionType(context, machine.id),
      incomingConnectionsPorts: machine.agentConfiguration.incomingConnectionsPorts,
    },
    parameters,
  );
}

function applyChanges(context: EmulatorContext, machine: MachineView, outcome: ScriptOutcome): void {
  if (outcome.changes.connectionType)
    setAgentConnectionType(context, machine.id, outcome.changes.connectionType);
  if (outcome.changes.incomingConnectionsPorts) {
    updateAgentConfiguration(context, machine.id, {
      incomingConnectionsPorts: outcome.changes.incomingConnectionsPorts,
    });
  }
}

function recordSuccess(context: EmulatorContext, id: string, outcome: ScriptOutcome): void {
  const now = new Date(context.clock.now()).toISOString();
  const started = instanceViewOf(findRunCommand(context, id)).startTime;
  patchRunCommand(context, id, {
    provisioningState: "Succeeded",
    instanceView: {
      executionState: "Succeeded",
      executionMessage: "Execution completed",
      exitCode: 0,
      output: outcome.output,
      error: outcome.error,
      startTime: typeof started === "string" ? started : now,
      endTime: now,
    },
  });
}

function recordFailure(
  context: EmulatorContext,
  id: string,
  failure: RunFailure,
  outcome: ScriptOutcome | undefined,
): void {
  const now = new Date(context.clock.now()).toISOString();
  const started = instanceViewOf(findRunCommand(context, id)).startTime;
  const instanceView: Record<string, unknown> = {
    executionState: failure.executionState,
    executionMessage: failure.message,
    output: outcome?.output ?? "",
    error: outcome?.error ?? failure.message,
    endTime: now,
  };
  if (outcome) instanceView.exitCode = outcome.exitCode;
  if (typeof started === "string") instanceView.startTime = started;
  patchRunCommand(context, id, { provisioningState: "Failed", instanceView });
}

function getRunCommand(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const target = targetOf(request);
  context.authorize(request.principal, "Microsoft.HybridCompute/machines/runCommands/read", target.id);
  const runCommand = findRunCommand(context, target.id);
  if (!runCommand) {
    requireMachine(context, target.machineId, "parent");
    throw armErrors.notFound(runCommandType, target.name, request.params.resourceGroupName);
  }
  return { status: 200, body: visibleBody(request, runCommand) };
}

function listRunCommands(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const machineId = machineIdOf(request);
  context.authorize(request.principal, "Microsoft.HybridCompute/machines/runCommands/read", machineId);
  const machine = requireMachine(context, machineId, "parent");
  const runCommands = context.state.listResources({ type: runCommandType, parentId: machine.id });
  return {
    status: 200,
    body: listPage(
      request,
      context,
      runCommands.map((r) => visibleBody(request, r)),
    ),
  };
}

/** Deleting a command that is still running cancels it: its script never takes effect. */
function deleteRunCommand(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const target = targetOf(request);
  context.authorize(request.principal, "Microsoft.HybridCompute/machines/runCommands/delete", target.id);
  const runCommand = findRunCommand(context, target.id);
  if (!runCommand) return { status: 204 };
  const deleting = runningOperation(context, runCommand.id, "none");
  if (deleting) return { status: 202, headers: monitorHeaders(context, deleting, 15) };
  cancelRun(context, runCommand.id);
  patchRunCommand(context, runCommand.id, { provisioningState: "Deleting" });
  const headers = startHybridComputeOperation(request, context, {
    location: locationOf(runCommand.body),
    resourceId: runCommand.id,
    finalResult: "none",
    durationMs: context.timings.runCommandMs,
    complete: () => {
      if (findRunCommand(context, runCommand.id)) context.state.deleteResource(runCommand.id);
      publishSucceeded(
        request,
        context,
        "delete",
        runCommand.id,
        "Microsoft.HybridCompute/machines/runCommands/delete",
      );
      return { status: "Succeeded" };
    },
  });
  return { status: 202, headers };
}

function cancelRun(context: EmulatorContext, id: string): void {
  startRun(context.state, resourceKey(id) ?? id);
  const creating = runningOperation(context, id, "resource");
  if (!creating) return;
  creating.status = "Canceled";
  creating.endTime = context.clock.now();
  creating.error = canceled;
}

export function runCommandsRoutes(): RouteDefinition[] {
  const common = { resourceType: "Microsoft.HybridCompute/machines/runCommands", apiVersions } as const;
  return [
    {
      ...common,
      method: "PUT",
      pattern: runCommandPath,
      operationId: "MachineRunCommands_CreateOrUpdate",
      kind: "write",
      handler: putRunCommand,
    },
    {
      ...common,
      method: "GET",
      pattern: runCommandPath,
      operationId: "MachineRunCommands_Get",
      kind: "read",
      handler: getRunCommand,
    },
    {
      ...common,
      method: "DELETE",
      pattern: runCommandPath,
      operationId: "MachineRunCommands_Delete",
      kind: "delete",
      handler: deleteRunCommand,
    },
    {
      ...common,
      method: "GET",
      pattern: `${machinePath}/runCommands`,
      operationId: "MachineRunCommands_List",
      kind: "read",
      handler: listRunCommands,
    },
  ];
}
