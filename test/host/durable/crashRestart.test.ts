// Kill the host at every point of one fixture workflow where work is in flight, bring it back from
// the store (in place, or as a new engine built from a JSON snapshot), and the workflow must end
// exactly as an uninterrupted run does — with lost activity results simply run again.
import type { DurableEngine, HistoryEvent, InstanceStatus, KillPoint } from "../../../local/host/durable";
import {
  createDurableEngine,
  createInstanceStore,
  HistoryEventType,
  isTerminal,
} from "../../../local/host/durable";
import type { InstanceStoreSnapshot } from "../../../local/host/durable/store/instanceStore";
import { fixtureControls, resetFixtureControls } from "../fixtures/durableFixtureControls";
import { fixtureHost } from "./fixtureHost";

const instanceId = "kill-point-workflow";

interface RunResult {
  readonly status: InstanceStatus;
  readonly killPoints: readonly KillPoint[];
  /** Scheduling ids without exactly one completion in the final history. */
  readonly unsettled: readonly number[];
  readonly executions: readonly string[];
}

type Recovery = "restart in place" | "new engine from a snapshot";

/** Runs the workflow; when `killAt` is set, the host dies at that kill point and recovers. */
async function runWorkflow(killAt?: number, recovery: Recovery = "restart in place"): Promise<RunResult> {
  resetFixtureControls();
  fixtureControls.flakyFailuresLeft.set("kill-flaky", 1);
  const killPoints: KillPoint[] = [];
  let crashed = false;
  const host = await fixtureHost({
    onKillPoint: (point) => {
      killPoints.push(point);
      if (killPoints.length !== killAt) return;
      crashed = true;
      host.engine.crash();
      if (recovery === "restart in place") host.engine.restart();
    },
  });
  const engine = host.engine;
  engine.start("KillPointWorkflow", undefined, instanceId);
  engine.raiseEvent(instanceId, "Go", "go!");

  let finalEngine: DurableEngine = engine;
  if (recovery === "new engine from a snapshot" && killAt !== undefined) {
    await engine.runUntilIdle();
    expect(crashed).toBe(true);
    const snapshot = JSON.parse(JSON.stringify(engine.store.snapshot())) as InstanceStoreSnapshot;
    finalEngine = createDurableEngine({
      invoker: host.invoker,
      clock: host.clock,
      baseUrl: "http://127.0.0.1:7071",
      store: createInstanceStore(snapshot.taskHubName, snapshot),
    });
  }
  const status = await finalEngine.waitForInstance(instanceId);
  if (killAt !== undefined) expect(crashed).toBe(true);
  return {
    status,
    killPoints,
    unsettled: unsettledIds(finalEngine.history(instanceId)),
    executions: [...fixtureControls.executions],
  };
}

function unsettledIds(history: readonly HistoryEvent[]): number[] {
  const completions = new Map<number, number>();
  for (const event of history) {
    const id =
      "TaskScheduledId" in event ? event.TaskScheduledId : "TimerId" in event ? event.TimerId : undefined;
    if (id !== undefined) completions.set(id, (completions.get(id) ?? 0) + 1);
  }
  return history
    .filter((event) => event.EventId >= 0 && completions.get(event.EventId) !== 1)
    .map((event) => event.EventId);
}

describe("crash and restart at every kill point of one workflow", () => {
  let baseline: RunResult;

  beforeAll(async () => {
    baseline = await runWorkflow();
  });

  test("the uninterrupted run completes and passes through every kind of kill point", () => {
    expect(baseline.status.runtimeStatus).toBe("Completed");
    expect(baseline.status.output).toEqual({
      greeting: "Hello kill",
      flaky: "kill-flaky ok",
      doubled: [2, 4, 6],
      child: "Hello kid",
      event: "go!",
    });
    expect(baseline.status.customStatus).toBe("finished");
    expect(new Set(baseline.killPoints.map((point) => point.kind))).toEqual(
      new Set(["episodeInvoked", "episodeCommitted", "activityStarted", "activityFinished", "timerFired"]),
    );
  });

  for (const recovery of ["restart in place", "new engine from a snapshot"] as const) {
    test(`${recovery}: every kill point ends in the same final state`, async () => {
      const reexecuted: number[] = [];
      for (let killAt = 1; killAt <= baseline.killPoints.length; killAt++) {
        const run = await runWorkflow(killAt, recovery);
        const where = `killed at #${killAt} (${JSON.stringify(run.killPoints[killAt - 1])})`;
        expect({ where, status: pick(run.status) }).toEqual({ where, status: pick(baseline.status) });
        // Every scheduled task settled exactly once, however often it ran.
        expect({ where, unsettled: run.unsettled }).toEqual({ where, unsettled: [] });
        if (run.executions.length > baseline.executions.length) reexecuted.push(killAt);
      }
      // Losing a finished activity's result makes the host run it again (at-least-once).
      expect(reexecuted.length).toBeGreaterThan(0);
    });
  }
});

test("an activity whose result was lost in a crash runs again and is recorded once", async () => {
  resetFixtureControls();
  let crashes = 0;
  const host = await fixtureHost({
    onKillPoint: (point) => {
      if (point.kind === "activityFinished" && point.name === "Hello" && crashes === 0) {
        crashes += 1;
        host.engine.crash();
        host.engine.restart();
      }
    },
  });
  const engine = host.engine;
  const id = engine.start("HelloSequence", ["once"], "lost-result");

  const status = await engine.waitForInstance(id);

  expect(status.output).toEqual(["Hello once"]);
  expect(fixtureControls.executions).toEqual(['Hello:"once"', 'Hello:"once"']);
  expect(
    engine.history(id).filter((event) => event.EventType === HistoryEventType.TaskCompleted),
  ).toHaveLength(1);
});

test("a host that is down runs nothing; timers due meanwhile fire on restart", async () => {
  resetFixtureControls();
  const { engine, clock } = await fixtureHost();
  const id = engine.start("EventOrTimer", { timeoutMs: 60_000 }, "down-host");
  await engine.waitForInstance(id, ["Running"]);

  engine.crash();
  await clock.advance(5 * 60_000);
  expect(isTerminal(engine.getStatus(id)!.runtimeStatus)).toBe(false);
  engine.restart();
  const status = await engine.waitForInstance(id);

  expect(status.output).toEqual({ outcome: "timedOut", at: "2026-01-01T00:05:00.000Z" });
});

function pick(
  status: InstanceStatus,
): Pick<InstanceStatus, "runtimeStatus" | "output" | "customStatus" | "input"> {
  return {
    runtimeStatus: status.runtimeStatus,
    output: status.output,
    customStatus: status.customStatus,
    input: status.input,
  };
}
