// `POST /admin/functions/{name}` — the host's admin API for running a non-HTTP function by hand
// (what Core Tools and the portal's "Test/Run" use). Body `{"input": "..."}`; the host answers
// 202 at once and runs the function in the background.
import type { FunctionInvoker, RpcTypedData } from "../types";
import type { HostLog } from "./hostLog";
import { emptyAnswer, type HttpAnswer, textAnswer } from "./httpAnswer";
import { neverFired } from "./scheduleStatusStore";
import { timerPayload, type TimerTriggers } from "./timerTriggers";

export interface AdminInvokeContext {
  readonly invoker: FunctionInvoker;
  readonly timers: TimerTriggers | undefined;
  readonly now: () => number;
  readonly track: <T>(work: Promise<T>) => Promise<T>;
  readonly log: HostLog;
}

const durableTriggers = new Set(["orchestrationtrigger", "activitytrigger", "entitytrigger"]);

export function handleAdminInvoke(
  functionName: string,
  body: Buffer,
  context: AdminInvokeContext,
): HttpAnswer {
  const fn = context.invoker.find(functionName);
  if (fn === undefined) return emptyAnswer(404);
  const triggerType = fn.trigger.type.toLowerCase();
  if (triggerType === "httptrigger") {
    return textAnswer(400, `'${fn.name}' is HTTP-triggered; call it at its route under /api/ instead.`);
  }
  if (durableTriggers.has(triggerType)) {
    return textAnswer(
      400,
      `'${fn.name}' is run by the durable engine; start orchestrations through the durable client.`,
    );
  }
  const input = parseInput(body);
  if (input instanceof Error) return textAnswer(400, input.message);

  let work: Promise<unknown>;
  if (triggerType === "timertrigger" && context.timers?.nextOccurrence(fn.name) !== undefined) {
    work = context.timers.trigger(fn.name);
  } else {
    const now = context.now();
    const data: RpcTypedData =
      triggerType === "timertrigger"
        ? timerPayload(false, { last: neverFired, next: now, lastUpdated: now })
        : triggerType === "eventgridtrigger" && isJson(input)
          ? { json: input ?? "null" }
          : { string: input ?? "" };
    work = context.invoker.invoke(fn.name, { [fn.triggerName]: data });
  }
  context.track(work).catch((error: unknown) =>
    context.log({
      level: "error",
      category: "system",
      message: `Manual run of '${fn.name}' failed: ${error instanceof Error ? error.message : String(error)}`,
      functionName: fn.name,
    }),
  );
  return emptyAnswer(202);
}

/** The `input` of the body as text (non-string inputs as their JSON), undefined when absent. */
function parseInput(body: Buffer): string | undefined | Error {
  const text = body.toString("utf8").trim();
  if (text === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new Error('The body must be JSON: {"input": "<trigger input>"}');
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return new Error('The body must be a JSON object: {"input": "<trigger input>"}');
  }
  const input = (parsed as { input?: unknown }).input;
  if (input === undefined || input === null) return undefined;
  return typeof input === "string" ? input : JSON.stringify(input);
}

function isJson(text: string | undefined): boolean {
  if (text === undefined) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
