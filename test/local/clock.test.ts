import { ScaledClock, VirtualClock } from "../../local/clock";

describe("the virtual clock", () => {
  test("timers fire in due order only when time is advanced past them", async () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    clock.setTimer(300, () => fired.push("c"));
    clock.setTimer(100, () => fired.push("a"));
    clock.setTimer(100, () => fired.push("b"));
    await clock.advance(99);
    expect(fired).toEqual([]);
    await clock.advance(1);
    expect(fired).toEqual(["a", "b"]);
    expect(clock.now()).toBe(100);
    await clock.advance(1000);
    expect(fired).toEqual(["a", "b", "c"]);
    expect(clock.now()).toBe(1100);
  });

  test("a timer sees the time it was due at, and may schedule more timers within the same advance", async () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    clock.setTimer(10, () => {
      seen.push(clock.now());
      clock.setTimer(10, () => seen.push(clock.now()));
    });
    await clock.advance(100);
    expect(seen).toEqual([10, 20]);
  });

  test("a cancelled timer never fires", async () => {
    const clock = new VirtualClock(0);
    let fired = false;
    clock.setTimer(10, () => (fired = true)).cancel();
    await clock.runAllTimers();
    expect(fired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  test("sleeping skips time forward, so a 10-day wait costs no real time", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const started = Date.now();
    await clock.sleep(10 * 24 * 3600 * 1000);
    expect(new Date(clock.now()).toISOString()).toBe("2026-01-11T00:00:00.000Z");
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("the scaled clock", () => {
  test("runs real time faster by its factor", async () => {
    const clock = new ScaledClock(1000, 0);
    await clock.sleep(50_000);
    expect(clock.now()).toBeGreaterThanOrEqual(49_000);
  });

  test("refuses a non-positive scale", () => {
    expect(() => new ScaledClock(0)).toThrow(RangeError);
  });
});
