// The replay walk on hand-built histories (the extension's OutOfProcOrchestrationShim replay; DTFx's
// RetryInterceptor and nondeterminism check; durable-functions' long timers): which ids the new
// scheduling events get, follow-ups for retries and long timers, when the next action is
// invoked, and the nondeterminism check.
import type { HistoryEvent, OrchestratorAction } from "../../../local/host/durable";
import { ActionType, HistoryEventType, planEpisode } from "../../../local/host/durable";
import { historyEvent } from "../../../local/host/durable/history/historyEvent";
import type { FunctionCatalog } from "../../../local/host/durable/orchestrator/functionCatalog";
import type { RegisteredFunction } from "../../../local/host/types";

const t0 = Date.UTC(2026, 0, 1);
const second = 1000;
const day = 86_400_000;

const catalog: FunctionCatalog = {
  activity: (name) => (["Hello", "Flaky"].includes(name) ? registered(name, "activityTrigger") : undefined),
  orchestrator: (name) => (["Child"].includes(name) ? registered(name, "orchestrationTrigger") : undefined),
  unknownActivityMessage: (name) => `unknown activity ${name}`,
  unknownOrchestratorMessage: (name) => `unknown orchestrator ${name}`,
};

function registered(name: string, type: string): RegisteredFunction {
  const trigger = { type, direction: "in" as const, name: "trigger" };
  return { name, bindings: { trigger }, triggerName: "trigger", trigger };
}

/** A small DSL for histories: episodes start with OrchestratorStarted at a time offset. */
const at = (ms: number) => t0 + ms;
const started = (ms = 0): HistoryEvent =>
  historyEvent(at(ms), { EventType: HistoryEventType.OrchestratorStarted });
const completedEpisode = (ms = 0): HistoryEvent =>
  historyEvent(at(ms), { EventType: HistoryEventType.OrchestratorCompleted });
const executionStarted = (): HistoryEvent =>
  historyEvent(at(0), {
    EventType: HistoryEventType.ExecutionStarted,
    Name: "Orch",
    Input: null,
    Version: "",
    OrchestrationInstance: { InstanceId: "i", ExecutionId: "exec" },
  });
const scheduled = (id: number, name: string, ms = 0): HistoryEvent =>
  historyEvent(at(ms), {
    EventType: HistoryEventType.TaskScheduled,
    EventId: id,
    Name: name,
    Version: "",
    Input: null,
  });
const taskCompleted = (id: number, ms = 0): HistoryEvent =>
  historyEvent(at(ms), { EventType: HistoryEventType.TaskCompleted, TaskScheduledId: id, Result: '"ok"' });
const taskFailed = (id: number, ms = 0): HistoryEvent =>
  historyEvent(at(ms), {
    EventType: HistoryEventType.TaskFailed,
    TaskScheduledId: id,
    Reason: "r",
    Details: "d",
  });
const timerCreated = (id: number, fireAtMs: number, ms = 0): HistoryEvent =>
  historyEvent(at(ms), {
    EventType: HistoryEventType.TimerCreated,
    EventId: id,
    FireAt: new Date(at(fireAtMs)).toISOString(),
  });
const timerFired = (id: number, fireAtMs: number, ms = fireAtMs): HistoryEvent =>
  historyEvent(at(ms), {
    EventType: HistoryEventType.TimerFired,
    TimerId: id,
    FireAt: new Date(at(fireAtMs)).toISOString(),
  });
const eventRaised = (name: string, ms = 0): HistoryEvent =>
  historyEvent(at(ms), { EventType: HistoryEventType.EventRaised, Name: name, Input: "1" });

const activity = (name: string, input?: unknown): OrchestratorAction => ({
  actionType: ActionType.CallActivity,
  functionName: name,
  ...(input !== undefined ? { input } : {}),
});
const withRetry = (name: string, first: number, attempts: number, backoff?: number): OrchestratorAction => ({
  actionType: ActionType.CallActivityWithRetry,
  functionName: name,
  retryOptions: {
    firstRetryIntervalInMilliseconds: first,
    maxNumberOfAttempts: attempts,
    ...(backoff !== undefined ? { backoffCoefficient: backoff } : {}),
  },
});
const timer = (fireAtMs: number, isCanceled = false): OrchestratorAction => ({
  actionType: ActionType.CreateTimer,
  fireAt: new Date(at(fireAtMs)).toISOString(),
  isCanceled,
});
const waitFor = (name: string): OrchestratorAction => ({
  actionType: ActionType.WaitForExternalEvent,
  externalEventName: name,
  reason: "ExternalEvent",
});
const all = (...children: OrchestratorAction[]): OrchestratorAction => ({
  actionType: ActionType.WhenAll,
  compoundActions: children,
});
const any = (...children: OrchestratorAction[]): OrchestratorAction => ({
  actionType: ActionType.WhenAny,
  compoundActions: children,
});
const subOrchestration = (name: string, instanceId?: string): OrchestratorAction => ({
  actionType: ActionType.CallSubOrchestrator,
  functionName: name,
  ...(instanceId ? { instanceId } : {}),
});

function plan(actions: OrchestratorAction[], history: HistoryEvent[]) {
  return planEpisode({
    orchestratorName: "Orch",
    instanceId: "i",
    parentInstanceId: undefined,
    executionId: "exec",
    actions,
    history,
    maximumShortTimerMs: 6 * day,
    longTimerIntervalMs: 3 * day,
    catalog,
  });
}

/** "<id>:<type>[:<name or fire offset>]" for each new event. */
function summary(result: ReturnType<typeof plan>): string[] {
  return result.newEvents.map((event) => {
    switch (event.EventType) {
      case HistoryEventType.TaskScheduled:
        return `${event.EventId}:task:${event.Name}`;
      case HistoryEventType.TimerCreated:
        return `${event.EventId}:timer:+${(Date.parse(event.FireAt) - t0) / second}s`;
      default:
        return `${event.EventId}:sub:${event.Name}:${event.InstanceId}`;
    }
  });
}

describe("sequence ids", () => {
  test("the first episode schedules only what the program reached: the first of two sequential calls", () => {
    const result = plan([activity("Hello", '"a"')], [started(), executionStarted()]);

    expect(result.failure).toBeUndefined();
    expect(summary(result)).toEqual(["0:task:Hello"]);
    expect(result.newEvents[0]).toMatchObject({ Input: '"\\"a\\""', Version: "" });
  });

  test("actions are numbered depth-first, left to right; external events take no id", () => {
    const result = plan(
      [all(activity("Hello"), waitFor("Go"), any(timer(60 * second), activity("Hello")))],
      [started(), executionStarted()],
    );

    expect(summary(result)).toEqual(["0:task:Hello", "1:timer:+60s", "2:task:Hello"]);
  });

  test("a cumulative action list replays against history and only new work is emitted", () => {
    const history = [
      started(),
      executionStarted(),
      scheduled(0, "Hello"),
      completedEpisode(),
      started(5 * second),
      taskCompleted(0, 5 * second),
    ];

    const result = plan([activity("Hello"), activity("Hello")], history);

    expect(summary(result)).toEqual(["1:task:Hello"]);
    expect(result.newEvents[0]?.Timestamp).toBe(new Date(at(5 * second)).toISOString());
  });

  test("sub-orchestrations without an id get '<ExecutionId>:<sequence id>'", () => {
    const result = plan(
      [all(subOrchestration("Child"), subOrchestration("Child", "given"), subOrchestration("Child"))],
      [started(), executionStarted()],
    );

    expect(summary(result)).toEqual(["0:sub:Child:exec:0", "1:sub:Child:given", "2:sub:Child:exec:2"]);
  });

  test("Task.all waits for every child, failed ones included, before the next action is invoked", () => {
    const history = [
      started(),
      executionStarted(),
      scheduled(0, "Hello"),
      scheduled(1, "Hello"),
      completedEpisode(),
      started(1000),
      taskFailed(0, 1000),
    ];
    const actions = [all(activity("Hello"), activity("Hello")), activity("Hello")];

    expect(summary(plan(actions, history))).toEqual([]);
    expect(
      summary(plan(actions, [...history, completedEpisode(1000), started(2000), taskCompleted(1, 2000)])),
    ).toEqual(["2:task:Hello"]);
  });
});

describe("retries (DTFx RetryInterceptor)", () => {
  test("a failure schedules a timer at now + first * backoff^attempt, then the next attempt", () => {
    const history = [
      started(),
      executionStarted(),
      scheduled(0, "Flaky"),
      completedEpisode(),
      started(500),
      taskFailed(0, 500),
    ];
    const actions = [withRetry("Flaky", 1000, 3, 2)];

    expect(summary(plan(actions, history))).toEqual(["1:timer:+1.5s"]);
    const afterTimer = [
      ...history,
      timerCreated(1, 1500, 500),
      completedEpisode(500),
      started(1500),
      timerFired(1, 1500),
    ];
    expect(summary(plan(actions, afterTimer))).toEqual(["2:task:Flaky"]);
    const secondFailure = [
      ...afterTimer,
      scheduled(2, "Flaky", 1500),
      completedEpisode(1500),
      started(1600),
      taskFailed(2, 1600),
    ];
    expect(summary(plan(actions, secondFailure))).toEqual(["3:timer:+3.6s"]);
  });

  test("the last failed attempt is followed by a zero-delay timer", () => {
    const history = [
      started(),
      executionStarted(),
      scheduled(0, "Flaky"),
      completedEpisode(),
      started(700),
      taskFailed(0, 700),
    ];

    expect(summary(plan([withRetry("Flaky", 1000, 1)], history))).toEqual(["1:timer:+0.7s"]);
  });

  test("once the retry timeout has passed no timer is scheduled (DTFx stops retrying)", () => {
    const action: OrchestratorAction = {
      actionType: ActionType.CallActivityWithRetry,
      functionName: "Flaky",
      retryOptions: {
        firstRetryIntervalInMilliseconds: 1000,
        maxNumberOfAttempts: 5,
        retryTimeoutInMilliseconds: 500,
      },
    };
    const history = [
      started(),
      executionStarted(),
      scheduled(0, "Flaky"),
      completedEpisode(),
      started(600),
      taskFailed(0, 600),
    ];

    expect(summary(plan([action, activity("Hello")], history))).toEqual(["1:task:Hello"]);
  });
});

describe("timers", () => {
  test("a timer longer than the maximum is created in pieces of the interval (durable-functions LongTimerTask)", () => {
    const actions = [timer(10 * day)];
    const first = [started(), executionStarted()];
    expect(summary(plan(actions, first))).toEqual([`0:timer:+${(3 * day) / second}s`]);

    const second3 = [
      ...first,
      timerCreated(0, 3 * day),
      completedEpisode(),
      started(3 * day),
      timerFired(0, 3 * day),
    ];
    expect(summary(plan(actions, second3))).toEqual([`1:timer:+${(6 * day) / second}s`]);

    const third = [
      ...second3,
      timerCreated(1, 6 * day, 3 * day),
      completedEpisode(3 * day),
      started(6 * day),
      timerFired(1, 6 * day),
    ];
    expect(summary(plan(actions, third))).toEqual([`2:timer:+${(10 * day) / second}s`]);

    const done = [
      ...third,
      timerCreated(2, 10 * day, 6 * day),
      completedEpisode(6 * day),
      started(10 * day),
      timerFired(2, 10 * day),
    ];
    expect(summary(plan([...actions, activity("Hello")], done))).toEqual(["3:task:Hello"]);
  });

  test("a canceled timer still holds its id; Task.any moves on when its event arrives", () => {
    const history = [
      started(),
      executionStarted(),
      timerCreated(0, 3600 * second),
      completedEpisode(),
      started(10 * second),
      eventRaised("Approval", 10 * second),
    ];

    const result = plan([any(waitFor("Approval"), timer(3600 * second, true)), activity("Hello")], history);

    expect(result.failure).toBeUndefined();
    expect(summary(result)).toEqual(["1:task:Hello"]);
  });

  test("a canceled long timer keeps its pieces' ids, so work after the Task.any replays consistently", () => {
    const history = [
      started(),
      executionStarted(),
      timerCreated(0, 3 * day),
      completedEpisode(),
      started(3 * day),
      timerFired(0, 3 * day),
      timerCreated(1, 6 * day, 3 * day),
      completedEpisode(3 * day),
      started(4 * day),
      eventRaised("Approval", 4 * day),
      scheduled(2, "Hello", 4 * day),
      completedEpisode(4 * day),
      started(4 * day + 1),
      taskCompleted(2, 4 * day + 1),
    ];

    const result = plan(
      [any(waitFor("Approval"), timer(10 * day, true)), activity("Hello"), activity("Hello")],
      history,
    );

    expect(result.failure).toBeUndefined();
    expect(summary(result)).toEqual(["3:task:Hello"]);
  });
});

describe("external events", () => {
  test("an event raised before anyone waits is buffered for the next wait", () => {
    const history = [
      started(),
      executionStarted(),
      scheduled(0, "Hello"),
      completedEpisode(),
      started(1000),
      eventRaised("Go", 1000),
      completedEpisode(1000),
      started(2000),
      taskCompleted(0, 2000),
    ];

    expect(summary(plan([activity("Hello"), waitFor("Go"), activity("Hello")], history))).toEqual([
      "1:task:Hello",
    ]);
  });

  test("event names match case-insensitively, as the extension's dictionaries do", () => {
    const history = [
      started(),
      executionStarted(),
      completedEpisode(),
      started(1000),
      eventRaised("go", 1000),
    ];

    expect(summary(plan([waitFor("Go"), activity("Hello")], history))).toEqual(["0:task:Hello"]);
  });
});

describe("nondeterminism (DTFx NonDeterministicOrchestrationException)", () => {
  const prefix = "Non-Deterministic workflow detected: ";
  const question =
    "Was a change made to the orchestrator code after this instance had already started running?";

  test("a scheduled task the replay no longer schedules", () => {
    const history = [
      started(),
      executionStarted(),
      scheduled(0, "Hello"),
      completedEpisode(),
      started(1),
      taskCompleted(0, 1),
    ];

    const result = plan([waitFor("Go")], history);

    expect(result.failure).toEqual({
      kind: "nondeterminism",
      message: `${prefix}A previous execution of this orchestration scheduled an activity task with sequence ID 0 and name 'Hello' (version ''), but the current replay execution hasn't (yet?) scheduled this task. ${question}`,
    });
    expect(result.newEvents).toEqual([]);
  });

  test("same id, different activity name", () => {
    const history = [started(), executionStarted(), scheduled(0, "Hello")];

    expect(plan([activity("Flaky")], history).failure?.message).toBe(
      `${prefix}A previous execution of this orchestration scheduled an activity task with sequence number 0 named 'Hello', but the current orchestration replay instead scheduled an activity task named 'Flaky' with this sequence number.  ${question}`,
    );
  });

  test("same id, a timer where there was an activity, and vice versa", () => {
    const history = [started(), executionStarted(), scheduled(0, "Hello")];
    expect(plan([timer(1000)], history).failure?.message).toBe(
      `${prefix}A previous execution of this orchestration scheduled an activity task with sequence number 0 named 'Hello', but the current orchestration replay instead produced a CreateTimerOrchestratorAction action with this sequence number. ${question}`,
    );

    const timerHistory = [started(), executionStarted(), timerCreated(0, 1000)];
    expect(plan([activity("Hello")], timerHistory).failure?.message).toBe(
      `${prefix}A previous execution of this orchestration scheduled a timer task with sequence number 0 named but the current orchestration replay instead produced a ScheduleTaskOrchestratorAction action with this sequence number. ${question}`,
    );
  });

  test("names compare case-insensitively and inputs are not compared", () => {
    const history = [started(), executionStarted(), scheduled(0, "hello")];

    expect(plan([activity("Hello", '"different input"')], history).failure).toBeUndefined();
  });
});

describe("actions the host refuses", () => {
  test("an unknown activity fails the orchestration with the extension's message", () => {
    expect(plan([activity("Nope")], [started(), executionStarted()]).failure).toEqual({
      kind: "unknownFunction",
      message: "Orchestrator function 'Orch' failed: unknown activity Nope",
    });
  });

  test("entity and HTTP actions are reported as unsupported", () => {
    const result = plan([{ actionType: ActionType.CallHttp }], [started(), executionStarted()]);

    expect(result.failure?.kind).toBe("unsupportedAction");
    expect(result.failure?.message).toContain("does not support CallHttp actions");
  });

  test("a sub-orchestration may not reuse the parent's instance id", () => {
    expect(plan([subOrchestration("Child", "I")], [started(), executionStarted()]).failure?.message).toBe(
      "Orchestrator function 'Orch' failed: The instance ID of a sub-orchestration must be different than the instance ID of a parent orchestration.",
    );
  });
});
