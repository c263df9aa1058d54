import { resolve } from "node:path";

import { VirtualClock } from "../../../local/clock";
import type { LoadedApp } from "../../../local/host/functions/appLoader";
import { loadFunctionApp } from "../../../local/host/functions/appLoader";
import { type FunctionsHost, startFunctionsHost } from "../../../local/host/functions/functionsHost";
import { CollectedHostLog, silentHostLog } from "../../../local/host/functions/hostLog";
import { MemoryScheduleStatusStore } from "../../../local/host/functions/scheduleStatusStore";
import { TimerTriggers } from "../../../local/host/functions/timerTriggers";
import type { FunctionInvoker, RegisteredFunction, RpcTypedData } from "../../../local/host/types";
import { timerFirings } from "../fixtures/functionsTimerApp";
import { SuspendableClock } from "../fixtures/suspendableClock";

const start = Date.UTC(2026, 0, 1);
const minute = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const appSettings = { FIXTURE_TIMER_SCHEDULE: "0 0 * * * *" };

let app: LoadedApp;
const hosts: FunctionsHost[] = [];

beforeAll(async () => {
  app = await loadFunctionApp(
    { modules: [resolve(__dirname, "../fixtures/functionsTimerApp.ts")] },
    { log: silentHostLog },
  );
});

beforeEach(() => {
  timerFirings.length = 0;
});

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
});

async function startHost(
  clock: VirtualClock | SuspendableClock,
  statusStore = new MemoryScheduleStatusStore(),
): Promise<FunctionsHost> {
  const host = await startFunctionsHost({
    app,
    clock,
    port: 0,
    log: silentHostLog,
    timers: { statusStore, appSettings },
  });
  hosts.push(host);
  await host.settled();
  return host;
}

const firingsOf = (name: string) =>
  timerFirings.filter((firing) => firing.name === name).map((firing) => firing.timer);
/** isPastDue and the occurrence each firing was for. */
const summaries = (name: string) =>
  firingsOf(name).map((timer) => ({ isPastDue: timer.isPastDue, next: timer.scheduleStatus.next }));

describe("timer triggers on the injected clock", () => {
  test("runOnStartup fires when the host starts, not past due", async () => {
    await startHost(new VirtualClock(start));
    expect(firingsOf("NewYear")).toEqual([
      {
        isPastDue: false,
        schedule: { adjustForDST: true },
        scheduleStatus: {
          last: "0001-01-01T00:00:00.000Z",
          next: "2027-01-01T00:00:00.000Z",
          lastUpdated: iso(start),
        },
      },
    ]);
    expect(firingsOf("EveryFiveMinutes")).toEqual([]);
  });

  test("'0 */5 * * * *' fires at each five-minute mark of virtual time, on time", async () => {
    const clock = new VirtualClock(start);
    const host = await startHost(clock);
    await clock.advance(4 * minute + 59_000);
    expect(firingsOf("EveryFiveMinutes")).toEqual([]);
    await clock.advance(11 * minute);
    await host.settled();
    const firings = firingsOf("EveryFiveMinutes");
    expect(firings.map((timer) => timer.isPastDue)).toEqual([false, false, false]);
    expect(firings.map((timer) => timer.scheduleStatus.next)).toEqual([
      iso(start + 5 * minute),
      iso(start + 10 * minute),
      iso(start + 15 * minute),
    ]);
    expect(firings.map((timer) => timer.scheduleStatus.last)).toEqual([
      "0001-01-01T00:00:00.000Z",
      iso(start + 5 * minute),
      iso(start + 10 * minute),
    ]);
    expect(host.timers?.nextOccurrence("EveryFiveMinutes")).toBe(start + 20 * minute);
  });

  test("an hour with the host down: each timer fires once, past due, when it comes back", async () => {
    const clock = new VirtualClock(start);
    const store = new MemoryScheduleStatusStore();
    const first = await startHost(clock, store);
    await clock.advance(15 * minute);
    await first.settled();
    await first.stop();
    timerFirings.length = 0;

    await clock.advance(60 * minute); // nothing is listening
    expect(timerFirings).toEqual([]);
    const second = await startHost(clock, store);
    const pastDue = firingsOf("EveryFiveMinutes");
    expect(pastDue).toHaveLength(1);
    expect(pastDue[0]).toMatchObject({
      isPastDue: true,
      scheduleStatus: { last: iso(start + 15 * minute), next: iso(start + 20 * minute) },
    });
    expect(summaries("FromSetting")).toEqual([{ isPastDue: true, next: iso(start + 60 * minute) }]);

    // Back on schedule afterwards, from now on: the missed occurrences are not replayed.
    timerFirings.length = 0;
    await clock.advance(5 * minute);
    await second.settled();
    expect(summaries("EveryFiveMinutes")).toEqual([{ isPastDue: false, next: iso(start + 80 * minute) }]);
  });

  test("a clock that jumps an hour (the machine slept) fires once, past due, then keeps the schedule", async () => {
    const clock = new SuspendableClock(start);
    const host = await startHost(clock);
    await clock.suspend(60 * minute);
    await host.settled();
    expect(summaries("EveryFiveMinutes")).toEqual([{ isPastDue: true, next: iso(start + 5 * minute) }]);
    // The hourly one was due exactly at the moment of waking: on time.
    expect(firingsOf("FromSetting").map((timer) => timer.isPastDue)).toEqual([false]);
    expect(host.timers?.nextOccurrence("EveryFiveMinutes")).toBe(start + 65 * minute);

    timerFirings.length = 0;
    await clock.suspend(5 * minute);
    await host.settled();
    expect(firingsOf("EveryFiveMinutes").map((timer) => timer.isPastDue)).toEqual([false]);
  });

  test("a schedule from a missing app setting stops the host from starting, naming the function", async () => {
    await expect(
      startFunctionsHost({
        app,
        clock: new VirtualClock(start),
        port: 0,
        log: silentHostLog,
        timers: { appSettings: {} },
      }),
    ).rejects.toThrow(
      "Timer function 'FromSetting': the schedule refers to the app setting 'FIXTURE_TIMER_SCHEDULE', which is not set",
    );
  });
});

describe("the timer scheduler on its own", () => {
  const timerFunction = (name: string, schedule: string): RegisteredFunction => {
    const trigger = { type: "timerTrigger", direction: "in" as const, name: "timer", schedule };
    return { name, triggerName: "timer", trigger, bindings: { timer: trigger } };
  };

  function recordingInvoker(fns: RegisteredFunction[], invoke: FunctionInvoker["invoke"]): FunctionInvoker {
    return { functions: () => fns, find: (name) => fns.find((fn) => fn.name === name), invoke };
  }

  test("a yearly schedule waits in pieces (setTimeout cannot wait a year) and fires exactly on time", async () => {
    const clock = new VirtualClock(start + 1000);
    const firedAt: number[] = [];
    const timers = new TimerTriggers({
      clock,
      log: silentHostLog,
      invoker: recordingInvoker([timerFunction("Yearly", "0 0 0 1 1 *")], () => {
        firedAt.push(clock.now());
        return Promise.resolve({});
      }),
    });
    timers.start();
    await clock.advanceTo(Date.UTC(2027, 0, 1) - 1);
    expect(firedAt).toEqual([]);
    await clock.advanceTo(Date.UTC(2027, 0, 2));
    expect(firedAt).toEqual([Date.UTC(2027, 0, 1)]);
    timers.stop();
  });

  test("an occurrence that comes while the previous run is still going is skipped", async () => {
    const clock = new VirtualClock(start);
    const log = new CollectedHostLog();
    const payloads: RpcTypedData[] = [];
    const timers = new TimerTriggers({
      clock,
      log: log.log,
      invoker: recordingInvoker([timerFunction("Slow", "0 * * * * *")], (_name, inputData) => {
        payloads.push(inputData.timer!);
        return new Promise(() => undefined); // never finishes
      }),
    });
    timers.start();
    await clock.advance(3 * minute);
    expect(payloads).toHaveLength(1);
    expect(log.messages({ level: "warning" })).toEqual([
      `Timer 'Slow': skipped the occurrence at ${iso(start + 2 * minute)}, the previous invocation is still running`,
      `Timer 'Slow': skipped the occurrence at ${iso(start + 3 * minute)}, the previous invocation is still running`,
    ]);
    timers.stop();
  });

  test("an invalid schedule is refused with the function's name", () => {
    expect(
      () =>
        new TimerTriggers({
          clock: new VirtualClock(start),
          invoker: recordingInvoker([timerFunction("Bad", "*/5 * * * *")], () => Promise.resolve({})),
        }),
    ).toThrow(/Timer function 'Bad': .*has 5 fields/);
  });
});
