// A 2,000-activity fan-out/fan-in completes on virtual time under the default concurrency limits
// (issue 3: the throughput figure itself belongs to `npm run bench`, not to a test assertion).
import { fixtureHost } from "./fixtureHost";

test("a 2,000-activity fan-out completes", async () => {
  const { engine } = await fixtureHost();
  const id = engine.start("FanOut", 2000, "fan-out-2000");

  const status = await engine.waitForInstance(id);

  expect(status.runtimeStatus).toBe("Completed");
  expect(status.output).toEqual({ count: 2000, sum: 2 * ((1999 * 2000) / 2) });
}, 120_000);
