// Issue 10, "one clock under the local host": the app's own waits (the ARM retry policy's sleep,
// cache ages) go through shared/runtimeClock.ts, and the local host installs its clock there. On
// a VirtualClock an activity asleep on that clock is a timer the host's driver jumps to — not
// work that keeps the host busy forever, and not "nothing left to run" either.
import { resolve } from "node:path";

import { VirtualClock } from "../../local/clock";
import { type LocalHost, silentHostLog, startLocalHost } from "../../local/host";
import { installRuntimeClock, runtimeClock, wallClock } from "../../shared/runtimeClock";
import type { SleepInput, Slept } from "./fixtures/sleepingActivityApp";

const appModule = resolve(__dirname, "fixtures/sleepingActivityApp.ts");
const start = Date.UTC(2026, 0, 1);
const second = 1000;

interface FanOutOutput {
  readonly start: number;
  readonly end: number;
  readonly slept: Slept[];
}

describe("the app's clock on a local host", () => {
  let host: LocalHost;
  let clock: VirtualClock;

  beforeAll(async () => {
    clock = new VirtualClock(start);
    host = await startLocalHost({
      app: { modules: [appModule] },
      clock,
      emulator: false,
      timers: false,
      log: silentHostLog,
      concurrency: { activities: 3 },
    });
  });
  afterAll(async () => {
    await host.stop();
  });

  async function fanOut(input: SleepInput): Promise<FanOutOutput> {
    const id = host.engine.start("SleepFanOut", input);
    const status = await host.waitForInstance(id);
    expect(status.runtimeStatus).toBe("Completed");
    return status.output as FanOutOutput;
  }

  test("is the host's clock while it runs", () => {
    expect(runtimeClock.now()).toBe(clock.now());
  });

  test("activities asleep on it wait exactly their time on the virtual clock, beside a durable timer", async () => {
    const output = await fanOut({ sleeps: [30 * second, 90 * second, 60 * second], timerMs: 45 * second });

    for (const slept of output.slept) expect(slept.endedAt - slept.startedAt).toBe(slept.ms);
    // The three ran at once (three activity slots), so the slowest one set the end.
    expect(new Set(output.slept.map((slept) => slept.startedAt)).size).toBe(1);
    expect(output.end - output.start).toBe(90 * second);
  });

  test("a sleeping activity keeps its slot, as a running function does: more sleepers than slots run in waves", async () => {
    const output = await fanOut({ sleeps: Array<number>(7).fill(10 * second), timerMs: 0 });

    const waves = [...new Set(output.slept.map((slept) => slept.startedAt - output.start))].sort(
      (a, b) => a - b,
    );
    expect(waves).toEqual([0, 10 * second, 20 * second]);
    expect(output.end - output.start).toBe(30 * second);
  });

  test("activities awaiting a look-up whose owner is asleep wait for the clock too, not forever", async () => {
    const id = host.engine.start("SharedLookupFanOut", { callers: 3, ms: 20 * second });
    const status = await host.waitForInstance(id);

    expect(status.runtimeStatus).toBe("Completed");
    expect(status.output).toEqual([20 * second, 20 * second, 20 * second]);
  });

  test("a sleep outside any activity skips ahead on its own (nobody else would move the clock)", async () => {
    const before = clock.now();
    await runtimeClock.sleep(5 * second);
    expect(clock.now() - before).toBe(5 * second);
  });
});

test("without a host, and after one stops, the app's clock is the wall clock", async () => {
  expect(runtimeClock.now()).toBeGreaterThanOrEqual(Date.now() - 1000);
  const host = await startLocalHost({
    app: { modules: [appModule] },
    clock: new VirtualClock(start),
    emulator: false,
    timers: false,
    log: silentHostLog,
  });
  expect(runtimeClock.now()).toBe(start);
  await host.stop();
  const now = Date.now();
  expect(Math.abs(runtimeClock.now() - now)).toBeLessThan(1000);
});

test("installing a clock returns the way back to the one before", () => {
  const fixed = { now: () => 42, sleep: () => Promise.resolve() };
  const other = { now: () => 7, sleep: () => Promise.resolve() };
  const undoFixed = installRuntimeClock(fixed);
  const undoOther = installRuntimeClock(other);
  expect(runtimeClock.now()).toBe(7);
  undoOther();
  expect(runtimeClock.now()).toBe(42);
  undoFixed();
  undoFixed(); // twice is harmless
  expect(runtimeClock.now()).not.toBe(42);
  expect(wallClock.now()).toBeGreaterThan(start);
});
