// The behaviour the extension documents, observed through the fixture app running on the real
// libraries: retries, timers, Task.any, buffered events, sub-orchestrations, continueAsNew,
// custom status, terminate, suspend/resume, purge, rewind, failures and nondeterminism.
import type { KillPoint, RuntimeStatus } from "../../../local/host/durable";
import { DurableApiError, HistoryEventType } from "../../../local/host/durable";
import { fixtureControls, resetFixtureControls } from "../fixtures/durableFixtureControls";
import { day, eventsOfType, fixtureHost, minute, offset, second } from "./fixtureHost";

beforeEach(() => resetFixtureControls());

/** The refusal a client operation gets, with the management API's status code. */
function refusal(operation: () => void): number | undefined {
  try {
    operation();
  } catch (error) {
    if (error instanceof DurableApiError) return error.status;
    throw error;
  }
  return undefined;
}

describe("retries run by the host", () => {
  test("first retry after 1 s with coefficient 2: attempts at t, t+1 s, t+3 s, t+7 s", async () => {
    const { engine } = await fixtureHost();
    fixtureControls.flakyFailuresLeft.set("backoff", 3);
    const id = engine.start("RetryBackoff", "backoff", "retry-backoff");

    const status = await engine.waitForInstance(id);

    expect(status.runtimeStatus).toBe("Completed");
    expect(status.output).toBe("backoff ok");
    const history = engine.history(id);
    expect(
      eventsOfType(history, HistoryEventType.TaskScheduled).map((event) => offset(event.Timestamp)),
    ).toEqual([0, 1 * second, 3 * second, 7 * second]);
    expect(eventsOfType(history, HistoryEventType.TimerCreated).map((event) => offset(event.FireAt))).toEqual(
      [1 * second, 3 * second, 7 * second],
    );
    // Ids: attempt, timer, attempt, timer, … (1 + 2 per failed attempt).
    expect(eventsOfType(history, HistoryEventType.TaskScheduled).map((event) => event.EventId)).toEqual([
      0, 2, 4, 6,
    ]);
    expect(eventsOfType(history, HistoryEventType.TaskFailed)[0]?.Reason).toBe(
      "Activity function 'Flaky' failed: Flaky 'backoff' failed",
    );
  });

  test("after the last failed attempt a zero-delay timer fires before the error surfaces", async () => {
    const { engine } = await fixtureHost();
    const id = engine.start("RetryExhausted", undefined, "retry-exhausted");

    const status = await engine.waitForInstance(id);

    expect(status.runtimeStatus).toBe("Completed");
    expect(status.output).toEqual({
      caught: "Activity function 'AlwaysFails' failed: AlwaysFails refused x",
      at: "2026-01-01T00:00:03.000Z",
    });
    const history = engine.history(id);
    expect(
      eventsOfType(history, HistoryEventType.TaskScheduled).map((event) => offset(event.Timestamp)),
    ).toEqual([0, 1 * second, 3 * second]);
    const timers = eventsOfType(history, HistoryEventType.TimerCreated);
    expect(timers.map((event) => offset(event.FireAt))).toEqual([1 * second, 3 * second, 3 * second]);
    const lastTimer = timers[timers.length - 1]!;
    const lastFailure = eventsOfType(history, HistoryEventType.TaskFailed).pop()!;
    const finalFired = eventsOfType(history, HistoryEventType.TimerFired).find(
      (e) => e.TimerId === lastTimer.EventId,
    );
    expect(lastTimer.EventId).toBe(lastFailure.TaskScheduledId + 1);
    expect(finalFired).toBeDefined();
    expect(history.indexOf(finalFired!)).toBeLessThan(
      history.findIndex((event) => event.EventType === HistoryEventType.ExecutionCompleted),
    );
  });
});

describe("Task.any with a timer and an external event", () => {
  test("the event wins: the timer is canceled and never moves the clock", async () => {
    const { engine, clock } = await fixtureHost();
    const id = engine.start("EventOrTimer", { timeoutMs: 60 * minute }, "any-event");
    await engine.waitForInstance(id, ["Running"]);
    await clock.advance(10 * minute);

    engine.raiseEvent(id, "Approval", { by: "ops" });
    const status = await engine.waitForInstance(id);
    await engine.runUntilIdle();

    expect(status.output).toEqual({ outcome: "approved", by: { by: "ops" }, at: "2026-01-01T00:10:00.000Z" });
    const history = engine.history(id);
    expect(eventsOfType(history, HistoryEventType.TimerCreated)).toHaveLength(1);
    expect(eventsOfType(history, HistoryEventType.TimerFired)).toHaveLength(0);
    expect(offset(new Date(clock.now()).toISOString())).toBe(10 * minute);
  });

  test("an event that beats a 10-day timer after its first piece fired; work after it replays cleanly", async () => {
    const { engine, clock } = await fixtureHost();
    const id = engine.start("ApprovalThenWork", { timeoutMs: 10 * day }, "any-long-timer");
    await engine.waitForInstance(id, ["Running"]);
    await clock.advance(4 * day);
    await engine.waitForInstance(id, ["Running"]);

    engine.raiseEvent(id, "Approval", "yes");
    const status = await engine.waitForInstance(id);

    expect(status).toMatchObject({ runtimeStatus: "Completed", output: ["Hello approved", "Hello again"] });
    const history = engine.history(id);
    expect(eventsOfType(history, HistoryEventType.TimerCreated).map((event) => event.EventId)).toEqual([
      0, 1,
    ]);
    expect(eventsOfType(history, HistoryEventType.TaskScheduled).map((event) => event.EventId)).toEqual([
      2, 3,
    ]);
  });

  test("the timer wins at exactly its fire time", async () => {
    const { engine } = await fixtureHost();
    const id = engine.start("EventOrTimer", { timeoutMs: 60 * minute }, "any-timer");

    const status = await engine.waitForInstance(id);

    expect(status.output).toEqual({ outcome: "timedOut", at: "2026-01-01T01:00:00.000Z" });
    expect(eventsOfType(engine.history(id), HistoryEventType.TimerFired)).toHaveLength(1);
  });
});

test("a 10-day timer is split into 3-day pieces and fires exactly at its time", async () => {
  const { engine, clock } = await fixtureHost();
  const id = engine.start("LongTimer", { days: 10 }, "long-timer");

  const status = await engine.waitForInstance(id);

  expect(status.output).toEqual({ firedAt: "2026-01-11T00:00:00.000Z" });
  const created = eventsOfType(engine.history(id), HistoryEventType.TimerCreated);
  expect(created.map((event) => offset(event.FireAt))).toEqual([3 * day, 6 * day, 10 * day]);
  expect(created.map((event) => offset(event.Timestamp))).toEqual([0, 3 * day, 6 * day]);
  expect(created.map((event) => event.EventId)).toEqual([0, 1, 2]);
  expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(10 * day);
});

describe("external events are buffered until the orchestrator waits for them", () => {
  test("raised before the first episode ran", async () => {
    const { engine } = await fixtureHost();
    const id = engine.start("BufferedEvent", undefined, "buffered-early");
    engine.raiseEvent(id, "Go", { early: true });

    const status = await engine.waitForInstance(id);

    expect(status.output).toEqual({ greeting: "Hello buffer", data: { early: true } });
  });

  test("raised while the activity before the wait is running", async () => {
    const raised: string[] = [];
    const host = await fixtureHost({
      onKillPoint: (point: KillPoint) => {
        if (point.kind === "activityStarted" && point.name === "Hello") {
          host.engine.raiseEvent(point.instanceId, "Go", "while-running");
          raised.push(point.instanceId);
        }
      },
    });
    const id = host.engine.start("BufferedEvent", undefined, "buffered-late");

    const status = await host.engine.waitForInstance(id);

    expect(raised).toEqual([id]);
    expect(status.output).toEqual({ greeting: "Hello buffer", data: "while-running" });
    const types = host.engine.history(id).map((event) => event.EventType);
    expect(types.indexOf(HistoryEventType.EventRaised)).toBeLessThan(
      types.indexOf(HistoryEventType.TaskCompleted),
    );
  });
});

test("sub-orchestrations get '<parent ExecutionId>:<sequence id>' unless given an id", async () => {
  const { engine } = await fixtureHost();
  const id = engine.start("Parent", undefined, "parent");

  const status = await engine.waitForInstance(id);

  const started = eventsOfType(engine.history(id), HistoryEventType.ExecutionStarted)[0]!;
  const executionId = started.OrchestrationInstance.ExecutionId;
  expect(executionId).toMatch(/^[0-9a-f]{32}$/);
  const child = (suffix: string, greeting: string) => ({
    instanceId: suffix,
    parentInstanceId: id,
    greeting,
  });
  expect(status.output).toEqual({
    first: child(`${executionId}:0`, "Hello a"),
    second: child(`${executionId}:1`, "Hello b"),
    named: child(`${id}-named-child`, "Hello c"),
    parallel: [child(`${executionId}:3`, "Hello d"), child(`${executionId}:4`, "Hello e")],
  });
  expect(engine.getStatus(`${executionId}:0`)?.runtimeStatus).toBe("Completed");
});

test("a failed sub-orchestration surfaces in the parent", async () => {
  const { engine } = await fixtureHost();
  const id = engine.start("ParentOfThrower", undefined, "parent-of-thrower");

  const status = await engine.waitForInstance(id);

  expect(status.output).toBe("Orchestrator function 'Thrower' failed: boom");
});

test("terminating a sub-orchestration fails the parent the way the library reads DTFx's event", async () => {
  const { engine } = await fixtureHost();
  const id = engine.start("ParentOfWaiter", undefined, "parent-of-waiter");
  await engine.runUntilIdle();

  engine.terminate(`${id}-waiter`, "cut short");
  const status = await engine.waitForInstance(id);

  // DTFx reports a terminated child as SubOrchestrationInstanceFailed with the reason and no
  // Details; durable-functions 3.x cannot parse that and fails the parent outright.
  const failed = eventsOfType(engine.history(id), HistoryEventType.SubOrchestrationInstanceFailed);
  expect(failed).toMatchObject([{ Reason: "cut short", Details: null }]);
  expect(status.runtimeStatus).toBe("Failed");
  expect(status.output).toMatch(
    /^Orchestrator function 'ParentOfWaiter' failed: Task with ID 0 failed but we could not parse its exception data/,
  );
});

test("continueAsNew starts a new execution with a fresh history", async () => {
  const seen: RuntimeStatus[] = [];
  const host = await fixtureHost({
    onKillPoint: (point: KillPoint) => {
      if (point.kind === "episodeCommitted")
        seen.push(host.engine.getStatus(point.instanceId)!.runtimeStatus);
    },
  });
  const { engine } = host;
  const id = engine.start("Eternal", { iteration: 1, stopAfter: 3 }, "eternal");
  await engine.waitForInstance(id, ["Running"]);
  const firstExecution = eventsOfType(engine.history(id), HistoryEventType.ExecutionStarted)[0]!;

  const status = await engine.waitForInstance(id);

  expect(status.output).toEqual({ iterations: 3 });
  expect(status.input).toEqual({ iteration: 3, stopAfter: 3 });
  expect(status.customStatus).toEqual({ iteration: 3 });
  expect(seen.filter((value) => value === "ContinuedAsNew")).toHaveLength(2);
  const history = engine.history(id);
  const started = eventsOfType(history, HistoryEventType.ExecutionStarted);
  expect(started).toHaveLength(1);
  expect(started[0]!.OrchestrationInstance.ExecutionId).not.toBe(
    firstExecution.OrchestrationInstance.ExecutionId,
  );
  expect(eventsOfType(history, HistoryEventType.TaskScheduled).map((event) => event.EventId)).toEqual([0]);
  expect(fixtureControls.executions).toEqual(["Echo:1", "Echo:2", "Echo:3"]);
});

test("custom status is visible in the status while the orchestration runs", async () => {
  const { engine } = await fixtureHost();
  const id = engine.start("CustomStatus", undefined, "custom-status");
  await engine.runUntilIdle();

  expect(engine.getStatus(id)).toMatchObject({
    runtimeStatus: "Running",
    customStatus: { stage: "waiting", progress: 50 },
  });
  engine.raiseEvent(id, "Finish", 42);
  const status = await engine.waitForInstance(id);

  expect(status).toMatchObject({
    runtimeStatus: "Completed",
    output: 42,
    customStatus: { stage: "done", progress: 100 },
  });
});

describe("instance management", () => {
  test("terminate ends a running instance with the reason as output", async () => {
    const { engine } = await fixtureHost();
    const id = engine.start("WaitForever", undefined, "terminate-me");
    await engine.runUntilIdle();

    engine.terminate(id, "enough");
    const status = await engine.waitForInstance(id);

    expect(status).toMatchObject({ runtimeStatus: "Terminated", output: "enough" });
    const terminated = eventsOfType(engine.history(id), HistoryEventType.ExecutionTerminated);
    expect(terminated.map((event) => event.Input)).toEqual(["enough"]);
    expect(refusal(() => engine.raiseEvent(id, "Never", 1))).toBe(410);
    expect(refusal(() => engine.terminate(id, "again"))).toBe(410);
  });

  test("purge deletes an instance and its history", async () => {
    const { engine } = await fixtureHost();
    const done = engine.start("HelloSequence", ["x"], "purge-me");
    const other = engine.start("HelloSequence", ["y"], "keep-me");
    await engine.runUntilIdle();

    expect(engine.purge(done)).toBe(true);

    expect(engine.getStatus(done)).toBeUndefined();
    expect(engine.history(done)).toEqual([]);
    expect(engine.purge(done)).toBe(false);
    expect(engine.getStatus(other)?.runtimeStatus).toBe("Completed");
    expect(engine.purgeBy({ createdTimeFrom: 0, runtimeStatus: ["Completed"] })).toBe(1);
    expect(engine.list()).toEqual([]);
  });

  test("suspend holds events until resume", async () => {
    const { engine } = await fixtureHost();
    const id = engine.start("WaitForever", undefined, "suspend-me");
    await engine.runUntilIdle();

    engine.suspend(id, "pause");
    await engine.runUntilIdle();
    engine.raiseEvent(id, "Never", "held");
    await engine.runUntilIdle();
    expect(engine.getStatus(id)?.runtimeStatus).toBe("Suspended");

    engine.resume(id, "go on");
    const status = await engine.waitForInstance(id);

    expect(status).toMatchObject({ runtimeStatus: "Completed", output: "held" });
    const types = engine.history(id).map((event) => event.EventType);
    expect(types).toContain(HistoryEventType.ExecutionSuspended);
    expect(types.indexOf(HistoryEventType.ExecutionResumed)).toBeLessThan(
      types.indexOf(HistoryEventType.EventRaised),
    );
  });

  test("rewind re-runs the failed activity of a failed instance", async () => {
    const { engine } = await fixtureHost();
    fixtureControls.flakyFailuresLeft.set("rewind", 1);
    const id = engine.start("FlakyNoRetry", "rewind", "rewind-me");
    const failed = await engine.waitForInstance(id);
    expect(failed.runtimeStatus).toBe("Failed");

    engine.rewind(id, "fixed it");
    const status = await engine.waitForInstance(id);

    expect(status).toMatchObject({
      runtimeStatus: "Completed",
      output: { greeting: "Hello before", result: "rewind ok" },
    });
    expect(fixtureControls.executions).toEqual(['Hello:"before"', 'Flaky:"rewind"', 'Flaky:"rewind"']);
    expect(refusal(() => engine.rewind(id))).toBe(410);
  });

  test("starting an unknown orchestrator or a running instance id is refused", async () => {
    const { engine } = await fixtureHost();
    expect(() => engine.start("NoSuchOrchestrator")).toThrow(
      "The function 'NoSuchOrchestrator' doesn't exist, is disabled, or is not an orchestrator function.",
    );
    engine.start("WaitForever", undefined, "taken");
    expect(refusal(() => engine.start("WaitForever", undefined, "taken"))).toBe(409);
  });
});

describe("failures", () => {
  test("an orchestrator that throws fails with the extension's message", async () => {
    const { engine } = await fixtureHost();
    const id = engine.start("Thrower", undefined, "thrower");

    const status = await engine.waitForInstance(id);

    expect(status).toMatchObject({
      runtimeStatus: "Failed",
      output: "Orchestrator function 'Thrower' failed: boom",
    });
  });

  test("calling an unknown activity fails the orchestration", async () => {
    const { engine } = await fixtureHost();
    const id = engine.start("UnknownActivity", undefined, "unknown-activity");

    const status = await engine.waitForInstance(id);

    expect(status.runtimeStatus).toBe("Failed");
    expect(status.output).toMatch(
      /^Orchestrator function 'UnknownActivity' failed: The function 'DoesNotExist' doesn't exist, is disabled, or is not an activity function\. Additional info: The following are the known activity functions: 'Hello', 'Echo', /,
    );
  });

  test("a nondeterministic orchestrator fails with the nondeterminism message", async () => {
    const { engine } = await fixtureHost();
    const id = engine.start("Nondeterministic", undefined, "nondeterministic");
    await engine.runUntilIdle();
    expect(engine.getStatus(id)?.runtimeStatus).toBe("Running");

    fixtureControls.nondeterministicActivity = "Echo";
    engine.raiseEvent(id, "Continue", "now");
    const status = await engine.waitForInstance(id);

    expect(status.runtimeStatus).toBe("Failed");
    expect(status.output).toBe(
      "Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task " +
        "with sequence ID 0 and name 'Hello' (version ''), but the current replay execution hasn't (yet?) scheduled " +
        "this task. Was a change made to the orchestrator code after this instance had already started running?",
    );
  });
});

test("activity inputs and results keep their JSON types", async () => {
  const { engine } = await fixtureHost();
  const values = ["text", "", 42, 1.5, true, null, { nested: [1, "two"] }];
  const ids = values.map((value, index) => engine.start("EchoValue", value, `echo-${index}`));

  await engine.runUntilIdle();

  expect(ids.map((id) => engine.getStatus(id)?.output)).toEqual(values);
});
