// The engine's smaller parts: TimeSpan text, retry delays, the inbox batch rules, payload
// conversions for activities and orchestrator outcomes, the store snapshot, and the concurrency
// limits (checked through the fixture app with a counting invoker).
import type { HistoryEvent } from "../../../local/host/durable";
import {
  createInstanceStore,
  formatTimeSpan,
  HistoryEventType,
  nextRetryDelay,
  parseTimeSpan,
  retryPolicyFromWire,
} from "../../../local/host/durable";
import {
  activityFailure,
  activityTriggerData,
  resultText,
} from "../../../local/host/durable/activities/activityInvocation";
import { takeBatch } from "../../../local/host/durable/engine/inboxBatch";
import { historyEvent } from "../../../local/host/durable/history/historyEvent";
import { statusTime } from "../../../local/host/durable/management/instanceStatus";
import {
  outcomeFromReturnValue,
  outcomeFromThrown,
} from "../../../local/host/durable/orchestrator/orchestratorOutcome";
import type { FunctionInvoker } from "../../../local/host/types";
import { resetFixtureControls } from "../fixtures/durableFixtureControls";
import { fixtureHost, fixtureInvoker } from "./fixtureHost";

test("TimeSpan text round-trips the extension's formats", () => {
  expect(parseTimeSpan("6.00:00:00")).toBe(6 * 86_400_000);
  expect(parseTimeSpan("3.00:00:00")).toBe(3 * 86_400_000);
  expect(parseTimeSpan("00:00:30")).toBe(30_000);
  expect(parseTimeSpan("01:02:03.5")).toBe(3_723_500);
  expect(formatTimeSpan(6 * 86_400_000)).toBe("6.00:00:00");
  expect(formatTimeSpan(30_000)).toBe("00:00:30");
  expect(() => parseTimeSpan("six days")).toThrow(RangeError);
});

test("retry delays follow DTFx: first * backoff^attempt, capped, zero after the timeout", () => {
  const policy = retryPolicyFromWire({
    firstRetryIntervalInMilliseconds: 1000,
    maxNumberOfAttempts: 10,
    backoffCoefficient: 2,
    maxRetryIntervalInMilliseconds: 5000,
    retryTimeoutInMilliseconds: 60_000,
  });
  expect([0, 1, 2, 3, 4].map((attempt) => nextRetryDelay(policy, attempt, 0, 0))).toEqual([
    1000, 2000, 4000, 5000, 5000,
  ]);
  expect(nextRetryDelay(policy, 0, 0, 60_000)).toBe(0);
  expect(
    nextRetryDelay(
      retryPolicyFromWire({ firstRetryIntervalInMilliseconds: 250, maxNumberOfAttempts: 2 }),
      3,
      0,
      0,
    ),
  ).toBe(250);
});

describe("inbox batches", () => {
  const raised = (name: string): HistoryEvent =>
    historyEvent(0, { EventType: HistoryEventType.EventRaised, Name: name, Input: null });
  const suspended = historyEvent(0, { EventType: HistoryEventType.ExecutionSuspended, Reason: null });
  const resumed = historyEvent(0, { EventType: HistoryEventType.ExecutionResumed, Reason: null });
  const terminated = historyEvent(0, { EventType: HistoryEventType.ExecutionTerminated, Input: "stop" });

  test("messages after a suspend are held and follow the resume", () => {
    const batch = takeBatch([], [raised("a"), suspended, raised("b"), resumed, raised("c")], false);

    expect(batch.events.map((event) => ("Name" in event ? event.Name : event.EventType))).toEqual([
      "a",
      HistoryEventType.ExecutionSuspended,
      HistoryEventType.ExecutionResumed,
      "b",
      "c",
    ]);
    expect(batch.suspended).toBe(false);
    expect(batch.held).toEqual([]);
  });

  test("a suspended instance keeps holding; terminate wins over everything queued after it", () => {
    const held = takeBatch([raised("old")], [raised("new")], true);
    expect(held).toMatchObject({ deliversWork: false, suspended: true, events: [] });
    expect(held.held.map((event) => ("Name" in event ? event.Name : ""))).toEqual(["old", "new"]);

    const ended = takeBatch([], [raised("a"), terminated, raised("b")], false);
    expect(ended.terminated).toBe(terminated);
  });
});

describe("payload conversions", () => {
  test("activity inputs travel as the typed data the library try-parses", () => {
    expect(activityTriggerData(JSON.stringify('"World"'))).toEqual({ string: '"World"' });
    expect(activityTriggerData('{"a":1}')).toEqual({ json: '{"a":1}' });
    expect(activityTriggerData(null)).toEqual({ json: "null" });
  });

  test("activity results become TaskCompleted.Result JSON text", () => {
    expect(resultText({ string: "Hello" })).toBe('"Hello"');
    expect(resultText({ json: '{"a":1}' })).toBe('{"a":1}');
    expect(resultText({ int: 42 })).toBe("42");
    expect(resultText({ double: 1.5 })).toBe("1.5");
    expect(resultText({ bytes: new Uint8Array([1, 2]) })).toBe('"AQI="');
    expect(resultText(undefined)).toBeNull();
  });

  test("a thrown activity error becomes Reason/Details, plus FailureDetails for the library's JSON", () => {
    const plain = activityFailure("Work", new Error("nope"));
    expect(plain).toMatchObject({
      kind: "failed",
      reason: "Activity function 'Work' failed: nope",
      failureDetails: undefined,
    });

    const structured = activityFailure(
      "Work",
      new Error(
        JSON.stringify({
          errorType: "RangeError",
          errorMessage: "bad",
          isNonRetriable: false,
          properties: { code: 7 },
        }),
      ),
    );
    expect(structured).toMatchObject({
      failureDetails: {
        ErrorType: "RangeError",
        ErrorMessage: "bad",
        IsNonRetriable: false,
        Properties: { code: 7 },
      },
    });
  });

  test("orchestrator outcomes: the returned state, or the $OutOfProcData$ payload of a failure", () => {
    const state = { isDone: false, actions: [[]], schemaVersion: 2 };
    expect(outcomeFromReturnValue({ json: JSON.stringify(state) })).toEqual({ kind: "state", state });

    const failed = outcomeFromThrown(
      new Error(`false\n\n$OutOfProcData$:${JSON.stringify({ ...state, error: "boom" })}`),
    );
    expect(failed).toMatchObject({ kind: "failed", error: "boom", state: { actions: [[]] } });
    expect(outcomeFromThrown(new Error("plain"))).toMatchObject({
      kind: "failed",
      error: "plain",
      state: undefined,
    });
  });

  test("status times use the 's' format with Z and no fractions", () => {
    expect(statusTime(Date.UTC(2026, 0, 1, 0, 0, 5, 678))).toBe("2026-01-01T00:00:05Z");
  });
});

test("the store snapshot is plain JSON and rebuilds an equal store", async () => {
  resetFixtureControls();
  const { engine } = await fixtureHost();
  engine.start("WaitForever", { some: "input" }, "snapshot-me");
  await engine.runUntilIdle();

  const snapshot = JSON.parse(JSON.stringify(engine.store.snapshot())) as ReturnType<
    typeof engine.store.snapshot
  >;
  const rebuilt = createInstanceStore("TestHubName", snapshot);

  expect(rebuilt.get("snapshot-me")).toEqual(engine.store.get("snapshot-me"));
  expect(() => createInstanceStore("OtherHub", snapshot)).toThrow("belongs to task hub 'TestHubName'");
});

describe("concurrency limits (host.json maxConcurrent*Functions)", () => {
  /** Wraps the fixture invoker: every invocation yields to the event loop and is counted. */
  function countingInvoker(inner: FunctionInvoker) {
    const running = new Map<string, number>();
    const peak = { activities: 0, orchestrations: 0, perInstance: 0 };
    let activities = 0;
    let orchestrations = 0;
    const invoker: FunctionInvoker = {
      functions: () => inner.functions(),
      find: (name) => inner.find(name),
      invoke: async (name, inputData, triggerMetadata) => {
        const fn = inner.find(name)!;
        const isActivity = fn.trigger.type === "activityTrigger";
        const instanceId = isActivity
          ? undefined
          : (JSON.parse(String(inputData[fn.triggerName]?.string)) as { instanceId: string }).instanceId;
        if (isActivity) peak.activities = Math.max(peak.activities, ++activities);
        else {
          peak.orchestrations = Math.max(peak.orchestrations, ++orchestrations);
          running.set(instanceId!, (running.get(instanceId!) ?? 0) + 1);
          peak.perInstance = Math.max(peak.perInstance, running.get(instanceId!)!);
        }
        try {
          await new Promise((resolve) => setImmediate(resolve));
          return await inner.invoke(name, inputData, triggerMetadata);
        } finally {
          if (isActivity) activities -= 1;
          else {
            orchestrations -= 1;
            running.set(instanceId!, running.get(instanceId!)! - 1);
          }
        }
      },
    };
    return { invoker, peak };
  }

  test("activities and episodes never exceed their limits, and one instance runs one episode at a time", async () => {
    const { invoker, peak } = countingInvoker(await fixtureInvoker());
    const { engine } = await fixtureHost({ invoker, concurrency: { activities: 3, orchestrations: 2 } });
    const ids = Array.from({ length: 5 }, (_, index) => engine.start("FanOut", 20, `limited-${index}`));

    await engine.runUntilIdle();

    expect(ids.map((id) => engine.getStatus(id)?.output)).toEqual(ids.map(() => ({ count: 20, sum: 380 })));
    expect(peak).toEqual({ activities: 3, orchestrations: 2, perInstance: 1 });
  });
});
