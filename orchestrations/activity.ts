// One activity, one definition: its versioned name, zod schemas for its input and output, what
// it needs, and its handler — declared together in its capability's module and registered from
// the capability's list (capability.ts). The types come from the schemas, so there is nothing to
// keep in step by hand (in durable-functions the result of `yield callActivity(...)` is
// otherwise `any`, see Azure/azure-functions-durable-js#524).
//
// Names are versioned and a shipped name never changes (histories in flight replay against the
// deployed code, Azure/azure-functions-durable-js#358): a new contract gets `_v2` beside the old
// one, so histories replaying the old name still find it.
//
// Errors: every activity answers an envelope. `{ ok: true, value }`, or `{ ok: false, error }`
// for a failure retrying cannot fix (a typed error with `isRetryable: false`: permission, quota,
// validation, not found…). Only retryable failures (throttling, 5xx, dropped connections) are
// thrown, so the orchestrator's retry policy retries exactly those and never a 403. The input is
// validated at the activity (and before scheduling); the output when the orchestrator reads it.
//
// Orchestrators import definitions to call them, so a definition does no I/O at import: its
// handler gets its dependencies when it runs — settings, the ARM context and the subscription
// facts built once on the first invocation, or a durable client per invocation.
import type { OrchestrationContext, Task } from "durable-functions";
import { RetryOptions } from "durable-functions";
import { z } from "zod";

import type { ArmContext } from "../shared/azure/armContext";
import type { Settings } from "../shared/config";
import { ArcAutopilotError, ensureErrorType, PermissionError } from "../shared/errors";
import { shorten } from "../shared/text";
import { textField } from "../shared/validation/fields";
import type { CoordinationClient } from "./durableStatus";
import type { SubscriptionFacts } from "./subscriptionFacts";

// ---------- what handlers are given ----------

/** For activities that talk to Azure: built once per Function App instance. */
export interface AzureDeps {
  readonly settings: Settings;
  readonly arm: ArmContext;
  /** What a subscription's machines share, cached for the instance's activities. */
  readonly facts: SubscriptionFacts;
}

/** For activities that start, signal or read orchestrations: a durable client per invocation. */
export interface DurableClientDeps {
  readonly client: CoordinationClient;
}

export interface ActivityNeeds {
  readonly azure: AzureDeps;
  readonly durableClient: DurableClientDeps;
  /**
   * A write to Azure that must not go out once its orchestration has stopped: Durable Functions
   * runs an activity already handed to a worker even when its orchestration was terminated
   * meanwhile, so the activity reads its orchestration's status before it writes.
   */
  readonly azureAndDurableClient: AzureDeps & DurableClientDeps;
}
export type ActivityNeed = keyof ActivityNeeds;

// ---------- the definition ----------

export interface ActivityDefinition<
  In extends z.ZodType = z.ZodType,
  Out extends z.ZodType = z.ZodType,
  Need extends ActivityNeed = ActivityNeed,
> {
  readonly name: `${string}_v${number}`;
  readonly input: In;
  readonly output: Out;
  readonly needs: Need;
  /** Idempotent: safe to run twice. Throws typed errors; `runActivity` sorts them. */
  handler(deps: ActivityNeeds[Need], input: z.output<In>): Promise<z.input<Out>>;
}

/** Declares an activity; the identity function, there for the types. */
export function defineActivity<In extends z.ZodType, Out extends z.ZodType, Need extends ActivityNeed>(
  definition: ActivityDefinition<In, Out, Need>,
): ActivityDefinition<In, Out, Need> {
  return definition;
}

/** What an orchestrator needs of a definition to call it. */
export type ActivityContract<In extends z.ZodType = z.ZodType, Out extends z.ZodType = z.ZodType> = Pick<
  ActivityDefinition<In, Out>,
  "name" | "input" | "output"
>;

export type ActivityInput<D extends ActivityContract> = z.input<D["input"]>;
export type ActivityOutput<D extends ActivityContract> = z.output<D["output"]>;

// ---------- the envelope ----------

/** A failure retrying cannot fix, as plain JSON: what an operator or the planner acts on. */
export const activityErrorSchema = z.strictObject({
  /** ARM's error code, or ours (`ValidationFailed`, `GatewayQuotaExceeded`…). */
  code: textField,
  message: textField,
  /** The error class: `PermissionError`, `QuotaError`, `NotFoundError`… */
  kind: textField,
  retryable: z.literal(false),
  statusCode: z.number().int().optional(),
  /** For a PermissionError: the RBAC action and the scope it is missing on. */
  action: textField.optional(),
  scope: textField.optional(),
});

export type ActivityError = z.output<typeof activityErrorSchema>;

export type ActivityResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ActivityError };

// One envelope schema per output schema: zod compiles a schema on its first parse, and building a
// new envelope per call paid that compilation on every replay of every orchestration.
const resultSchemas = new WeakMap<z.ZodType, z.ZodType>();

function resultSchema(output: z.ZodType): z.ZodType {
  let schema = resultSchemas.get(output);
  if (!schema) {
    schema = z.discriminatedUnion("ok", [
      z.strictObject({ ok: z.literal(true), value: output }),
      z.strictObject({ ok: z.literal(false), error: activityErrorSchema }),
    ]);
    resultSchemas.set(output, schema);
  }
  return schema;
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
export function parseActivityResult<D extends ActivityContract>(
  definition: D,
  raw: unknown,
): ActivityResult<ActivityOutput<D>> {
  const parsed = resultSchema(definition.output).safeParse(raw);
  if (!parsed.success)
    throw new ActivityContractError(definition.name, describeIssues(parsed.error, "output"));
  return parsed.data as ActivityResult<ActivityOutput<D>>;
}

/** Runs a handler at the activity boundary: validates the input, answers the envelope, throws only what may be retried. */
export async function runActivity<In extends z.ZodType, Out extends z.ZodType, Need extends ActivityNeed>(
  definition: ActivityDefinition<In, Out, Need>,
  deps: ActivityNeeds[Need],
  input: unknown,
): Promise<ActivityResult<z.input<Out>>> {
  const parsed = definition.input.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: "InvalidActivityInput",
        kind: "ValidationError",
        retryable: false,
        message: `Activity ${definition.name} got an input its contract does not allow: ${describeIssues(parsed.error, "input").join("; ")}`,
      },
    };
  }
  try {
    const value = await definition.handler(deps, parsed.data);
    // History keeps the output as its schema reads it (unknown keys stripped), so a replay that
    // takes it from history unchecked (callActivity) sees what the first, checked read saw. An
    // output the schema refuses goes back as it is: the orchestrator's read names the problem.
    const checked = definition.output.safeParse(value);
    return { ok: true, value: checked.success ? (checked.data as z.input<Out>) : value };
  } catch (thrown) {
    const error = ensureErrorType(thrown);
    if (error instanceof ArcAutopilotError && !error.isRetryable)
      return { ok: false, error: toActivityError(error) };
    throw error;
  }
}

export function toActivityError(error: ArcAutopilotError): ActivityError {
  const message = shorten(error.message, 4000);
  return {
    code: error.code,
    message: error.correlationId ? `${message} (correlation id ${error.correlationId})` : message,
    kind: error.name,
    retryable: false,
    ...(error.statusCode !== undefined ? { statusCode: error.statusCode } : {}),
    ...(error instanceof PermissionError && error.action !== undefined ? { action: error.action } : {}),
    ...(error instanceof PermissionError && error.scope !== undefined ? { scope: error.scope } : {}),
  };
}

function describeIssues(error: z.ZodError, what: string): string[] {
  return error.issues.map((issue) => `${issue.path.join(".") || `(${what})`}: ${issue.message}`);
}

// ---------- calling from an orchestrator ----------

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
 * Schedules an activity from an orchestrator, typed by its definition:
 * `const planned = yield* callActivity(context, planOnboarding, { machineId })`.
 * The input is validated before it is scheduled (a bad input is the orchestrator's bug, so it
 * throws in the orchestrator); the output when it first comes back (not again on replays).
 */
export function* callActivity<D extends ActivityContract>(
  context: OrchestrationContext,
  definition: D,
  input: ActivityInput<D>,
  options: { readonly retry?: RetryOptions | false } = {},
): Generator<Task, ActivityResult<ActivityOutput<D>>, unknown> {
  // On a replay this call scheduled the same input before, checked then.
  const checked: unknown = context.df.isReplaying ? input : definition.input.parse(input);
  const task =
    options.retry === false
      ? context.df.callActivity(definition.name, checked)
      : context.df.callActivityWithRetry(definition.name, options.retry ?? activityRetryOptions(), checked);
  const raw: unknown = yield task;
  // A result read from history was checked when it first arrived (or the orchestration failed
  // then): checking it again on every replay cost a tenth of a thousand-machine burst's time.
  if (context.df.isReplaying) return raw as ActivityResult<ActivityOutput<D>>;
  return parseActivityResult(definition, raw);
}
