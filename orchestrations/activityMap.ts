// The typed activity map: one place declares each activity's name, input and output (in
// durable-functions the result of `yield callActivity(...)` is otherwise `any`, see
// Azure/azure-functions-durable-js#524). Each entry has a versioned name — a shipped name never
// changes (histories in flight replay against the deployed code, Azure/azure-functions-durable-js#358):
// a new contract gets `_v2` beside the old one, so histories
// replaying the old name still find it — and zod schemas for its input and output.
//
// Errors: every activity answers an envelope. `{ ok: true, value }`, or `{ ok: false, error }`
// for a failure retrying cannot fix (a typed error with `isRetryable: false`: permission, quota,
// validation, not found…). Only retryable failures (throttling, 5xx, dropped connections) are
// thrown, so the orchestrator's retry policy retries exactly those and never a 403.
//
// Orchestrators import this file, so it imports no Azure SDK and does no I/O: zod, and
// durable-functions' RetryOptions (a plain value) and types. `callActivity` validates the input
// before scheduling and the output when it comes back.
import type { OrchestrationContext, Task } from "durable-functions";
import { RetryOptions } from "durable-functions";
import { z } from "zod";

import { detachPlanSchema } from "./detachPlanSchema";
import { eventNames } from "./orchestratorNames";
import { machineSummarySchema, onboardingPlanSchema, onboardingResultSchema } from "./planSchema";

// ---------- shared shapes ----------

const resourceId = z.string().min(1).max(2048).startsWith("/subscriptions/");
const text = z.string().max(8192);

export const operationHandleSchema = z.strictObject({
  resourceId,
  /** Absolute monitor URL on the ARM endpoint; may be long, never truncated. */
  monitorUrl: z.string().min(1).max(16_384),
  monitorKind: z.enum(["azure-asyncoperation", "location", "provisioning-state"]),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
});

export const operationStatusSchema = z.strictObject({
  state: z.enum(["running", "succeeded", "failed", "canceled"]),
  rawStatus: text,
  error: z.strictObject({ code: text, message: text }).optional(),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
});

const instanceIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^/\\#?\s]+$/, "an instance id without '/', '\\', '#', '?' or spaces");
const isoTime = z.iso.datetime({ offset: true });

/** How a shared operation (a gateway's creation, a provider's registration) ended. */
export const sharedOperationOutcomeSchema = z.strictObject({ succeeded: z.boolean(), message: text });
export type SharedOperationOutcome = z.output<typeof sharedOperationOutcomeSchema>;

const sharedOperationJoinSchema = z.discriminatedUnion("state", [
  z.strictObject({ state: z.literal("waiting"), instanceId: instanceIdSchema, started: z.boolean() }),
  z.strictObject({
    state: z.literal("ended"),
    instanceId: instanceIdSchema,
    outcome: sharedOperationOutcomeSchema,
  }),
]);

const extensionIdentitySchema = z.strictObject({ publisher: text, type: text });

export const arcMachineSchema = z.strictObject({
  id: resourceId,
  name: text,
  subscriptionId: text,
  resourceGroup: text,
  location: text,
  tags: z.record(z.string(), z.string()),
  status: text,
  provisioningState: text.optional(),
  agentVersion: text.optional(),
  osType: text.optional(),
  osName: text.optional(),
  osVersion: text.optional(),
  osSku: text.optional(),
  lastStatusChange: text.optional(),
  agentConfiguration: z.strictObject({
    incomingConnectionsPorts: z.array(text),
    extensionsAllowList: z.array(extensionIdentitySchema),
    extensionsBlockList: z.array(extensionIdentitySchema),
    extensionsEnabled: z.boolean(),
    guestConfigurationEnabled: z.boolean(),
    configMode: text,
    proxyUrl: text.optional(),
  }),
});

const machineInput = z.strictObject({ machineId: resourceId });
const registrationState = text;
const providerInput = z.strictObject({
  subscriptionId: z.string().min(1).max(64),
  namespace: z.string().min(1).max(256),
});
const runCommandName = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[a-zA-Z0-9\-_.]+$/);

export const runCommandViewSchema = z.strictObject({
  runCommandName,
  provisioningState: text,
  executionState: text,
  /** `succeeded` / `failed` / `canceled` once the script has ended, else `running`. */
  state: z.enum(["running", "succeeded", "failed", "canceled"]),
  executionMessage: text.optional(),
  exitCode: z.number().int().optional(),
  /** The script's stdout and stderr, shortened; our own azcmagent commands print no secrets. */
  output: text.optional(),
  error: text.optional(),
});

// ---------- the map ----------

export const activityMap = {
  /** Everything the planner reads about one machine; a deleted machine is observed as absent. */
  observeMachine: {
    name: "observeMachine_v1",
    input: machineInput,
    output: z.strictObject({
      machineId: resourceId,
      machine: arcMachineSchema.optional(),
      gatewayLink: text.optional(),
      providerState: registrationState.optional(),
      defaultEndpoint: z.strictObject({ provisioningState: text.optional() }).optional(),
      sshServiceConfiguration: z
        .strictObject({
          serviceName: text,
          port: z.number().int().optional(),
          provisioningState: text.optional(),
        })
        .optional(),
    }),
  },
  /** PUTs the gateway unless it already exists (and did not fail); never waits. */
  beginCreateGateway: {
    name: "beginCreateGateway_v1",
    input: z.strictObject({
      gatewayId: resourceId,
      location: z.string().min(1).max(64),
      tags: z.record(z.string(), z.string()).optional(),
    }),
    output: z.strictObject({
      gatewayId: resourceId,
      /** `true` when this call sent the PUT; `false` when the gateway was already there. */
      created: z.boolean(),
      provisioningState: text,
      done: z.boolean(),
      operation: operationHandleSchema.optional(),
    }),
  },
  /** One GET on the operation's monitor. */
  readGatewayOperation: {
    name: "readGatewayOperation_v1",
    input: z.strictObject({ operation: operationHandleSchema }),
    output: operationStatusSchema,
  },
  /** PUT settings/default with the gateway id (a converging PUT: the same body twice changes nothing). */
  attachGateway: {
    name: "attachGateway_v1",
    input: z.strictObject({ machineId: resourceId, gatewayId: resourceId }),
    output: z.strictObject({ gatewayResourceId: resourceId }),
  },
  /** Observes one machine and plans taking it off its gateway (shared/gateways/detachPlan.ts). */
  planDetach: {
    name: "planDetach_v1",
    input: z.strictObject({ machineId: resourceId }),
    output: detachPlanSchema,
  },
  /** Clears the machine's gateway link (`gatewayResourceId: null`); answers the link as ARM then reports it. */
  clearGatewayLink: {
    name: "clearGatewayLink_v1",
    input: z.strictObject({ machineId: resourceId }),
    output: z.strictObject({ gatewayResourceId: resourceId.optional() }),
  },
  /** PUTs the run command, unless the same script already ran (or is running) under that name. */
  beginRunCommand: {
    name: "beginRunCommand_v1",
    input: z.strictObject({
      machineId: resourceId,
      runCommandName,
      location: z.string().min(1).max(64),
      script: z.string().min(1).max(8192),
      timeoutInSeconds: z.number().int().positive().max(86_400).optional(),
    }),
    output: z.strictObject({ started: z.boolean(), view: runCommandViewSchema }),
  },
  /** One GET of the run command with its instance view. */
  readRunCommand: {
    name: "readRunCommand_v1",
    input: z.strictObject({ machineId: resourceId, runCommandName }),
    output: runCommandViewSchema,
  },
  /** POST register unless the provider is already Registered or Registering. */
  registerProvider: {
    name: "registerProvider_v1",
    input: providerInput,
    output: z.strictObject({ state: registrationState, registered: z.boolean() }),
  },
  /** One GET of the provider's registration state. */
  readProviderState: {
    name: "readProviderState_v1",
    input: providerInput,
    output: z.strictObject({ state: registrationState }),
  },
  putDefaultEndpoint: {
    name: "putDefaultEndpoint_v1",
    input: machineInput,
    output: z.strictObject({ id: resourceId, type: text, provisioningState: text.optional() }),
  },
  putSshServiceConfiguration: {
    name: "putSshServiceConfiguration_v1",
    input: z.strictObject({ machineId: resourceId, port: z.number().int().min(1).max(65535) }),
    output: z.strictObject({
      id: resourceId,
      serviceName: text,
      port: z.number().int().optional(),
      provisioningState: text.optional(),
    }),
  },
  deleteSshServiceConfiguration: {
    name: "deleteSshServiceConfiguration_v1",
    input: machineInput,
    output: z.strictObject({ outcome: z.enum(["deleted", "alreadyGone"]) }),
  },
  /** Observes the machine, places its gateway when it has none, and plans (shared/onboarding/plan.ts). */
  planOnboarding: {
    name: "planOnboarding_v1",
    input: machineInput,
    output: z.strictObject({
      plan: onboardingPlanSchema,
      /** What the final table shows about the machine; absent when it was not read (out of scope, deleted). */
      machine: machineSummarySchema.optional(),
    }),
  },
  /** One GET of the gateway: the waiting machine's single re-read when its deadline passes. */
  readGatewayState: {
    name: "readGatewayState_v1",
    input: z.strictObject({ gatewayId: resourceId }),
    output: z.strictObject({ exists: z.boolean(), provisioningState: text.optional() }),
  },
  /**
   * Joins the gateway's singleton creation (starting it when nothing is running): answers the
   * outcome when it already ended after `observedAt`, else `waiting` — the machine is then released
   * by a `GatewayCreation` event.
   */
  joinGatewayCreation: {
    name: "joinGatewayCreation_v1",
    input: z.strictObject({
      gatewayId: resourceId,
      location: z.string().min(1).max(64),
      deadlineMinutes: z.number().int().positive(),
      waiter: instanceIdSchema,
      observedAt: isoTime,
    }),
    output: sharedOperationJoinSchema,
  },
  /** Joins the subscription's singleton provider registration; released by a `ProviderRegistration` event. */
  joinProviderRegistration: {
    name: "joinProviderRegistration_v1",
    input: z.strictObject({
      subscriptionId: z.string().min(1).max(64),
      namespace: z.string().min(1).max(256),
      waiter: instanceIdSchema,
      observedAt: isoTime,
    }),
    output: sharedOperationJoinSchema,
  },
  /**
   * How a joined singleton stands, without joining it again: a waiting machine's check that its
   * release was not lost to the singleton's end (an event raised to an orchestration as it
   * completes is never read). `outcome` is absent when it ended without one (terminated, failed).
   */
  readSharedOperation: {
    name: "readSharedOperation_v1",
    input: z.strictObject({ instanceId: instanceIdSchema }),
    output: z.discriminatedUnion("state", [
      z.strictObject({ state: z.literal("running") }),
      z.strictObject({
        state: z.literal("ended"),
        runtimeStatus: z.string().min(1).max(64),
        outcome: sharedOperationOutcomeSchema.optional(),
      }),
    ]),
  },
  /** Raises the singleton's outcome to every machine waiting on it. */
  releaseWaiters: {
    name: "releaseWaiters_v1",
    input: z.strictObject({
      waiters: z.array(instanceIdSchema).max(100_000),
      eventName: z.enum([eventNames.gatewayCreation, eventNames.providerRegistration]),
      outcome: sharedOperationOutcomeSchema,
    }),
    output: z.strictObject({ released: z.number().int().nonnegative() }),
  },
  /** Publishes an onboarding outcome to ARC_OUTCOME_TOPIC_ENDPOINT; does nothing when none is configured. */
  publishOutcome: {
    name: "publishOutcome_v1",
    input: z.strictObject({
      eventType: z.enum([
        "ArcAutopilot.MachineOnboarded",
        "ArcAutopilot.OnboardingFailed",
        "ArcAutopilot.NeedsLocalAction",
      ]),
      /** Unique per run and outcome, so a retried publish repeats the same event id (consumers dedupe on it). */
      runId: z.string().min(1).max(256),
      result: onboardingResultSchema,
    }),
    output: z.strictObject({ published: z.boolean() }),
  },
} as const satisfies Record<string, ActivityDefinition>;

interface ActivityDefinition {
  readonly name: `${string}_v${number}`;
  readonly input: z.ZodType;
  readonly output: z.ZodType;
}

export type ActivityKey = keyof typeof activityMap;
export type ActivityInput<K extends ActivityKey> = z.input<(typeof activityMap)[K]["input"]>;
export type ActivityOutput<K extends ActivityKey> = z.output<(typeof activityMap)[K]["output"]>;

// ---------- the envelope ----------

/** A failure retrying cannot fix, as plain JSON: what an operator or the planner acts on. */
export const activityErrorSchema = z.strictObject({
  /** ARM's error code, or ours (`ValidationFailed`, `GatewayQuotaExceeded`…). */
  code: text,
  message: text,
  /** The error class: `PermissionError`, `QuotaError`, `NotFoundError`… */
  kind: text,
  retryable: z.literal(false),
  statusCode: z.number().int().optional(),
  /** For a PermissionError: the RBAC action and the scope it is missing on. */
  action: text.optional(),
  scope: text.optional(),
});

export type ActivityError = z.output<typeof activityErrorSchema>;

export type ActivityResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ActivityError };

export function activityResultSchema<K extends ActivityKey>(key: K) {
  return z.discriminatedUnion("ok", [
    z.strictObject({ ok: z.literal(true), value: activityMap[key].output }),
    z.strictObject({ ok: z.literal(false), error: activityErrorSchema }),
  ]);
}

/** An activity answered something its declared output does not allow: a bug, never retried. */
export class ActivityContractError extends Error {
  readonly code = "InvalidActivityOutput";
  readonly isRetryable = false;
  constructor(
    readonly activity: string,
    readonly issues: readonly string[],
  ) {
    super(`Activity ${activity} returned an output its contract does not allow: ${issues.join("; ")}`);
    this.name = "ActivityContractError";
  }
}

/**
 * Validates what an activity returned against its declared output. The issues name paths and
 * problems, never the values, so a malformed output cannot leak into history or logs.
 */
export function parseActivityResult<K extends ActivityKey>(
  key: K,
  raw: unknown,
): ActivityResult<ActivityOutput<K>> {
  const parsed = activityResultSchema(key).safeParse(raw);
  if (!parsed.success) {
    throw new ActivityContractError(
      activityMap[key].name,
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "(output)"}: ${issue.message}`),
    );
  }
  return parsed.data as ActivityResult<ActivityOutput<K>>;
}

/**
 * The retry policy for activities: only thrown (retryable) failures reach it. 5 attempts, 5 s
 * then doubling to at most 2 min, given up after 15 min: longer waits belong in durable timers.
 */
export function activityRetryOptions(): RetryOptions {
  const options = new RetryOptions(5_000, 5);
  options.backoffCoefficient = 2;
  options.maxRetryIntervalInMilliseconds = 120_000;
  options.retryTimeoutInMilliseconds = 15 * 60_000;
  return options;
}

/**
 * Schedules an activity from an orchestrator, typed by the map:
 * `const observed = yield* callActivity(context, "observeMachine", { machineId })`.
 * The input is validated before it is scheduled (a bad input is the orchestrator's bug, so it
 * throws in the orchestrator); the output is validated when it comes back.
 */
export function* callActivity<K extends ActivityKey>(
  context: OrchestrationContext,
  key: K,
  input: ActivityInput<K>,
  options: { readonly retry?: RetryOptions | false } = {},
): Generator<Task, ActivityResult<ActivityOutput<K>>, unknown> {
  const definition = activityMap[key];
  const checked: unknown = definition.input.parse(input);
  const task =
    options.retry === false
      ? context.df.callActivity(definition.name, checked)
      : context.df.callActivityWithRetry(definition.name, options.retry ?? activityRetryOptions(), checked);
  const raw: unknown = yield task;
  return parseActivityResult(key, raw);
}
