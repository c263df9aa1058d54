import fc from "fast-check";

import { parseNcrontab, ScheduleError } from "../../../shared/schedule/ncrontab";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

/** The first `count` occurrences after `from`. */
function occurrences(expression: string, from: string, count: number, timeZone?: string): string[] {
  const schedule = parseNcrontab(expression, timeZone === undefined ? {} : { timeZone });
  const found: string[] = [];
  let cursor = at(from);
  for (let index = 0; index < count; index++) {
    cursor = schedule.nextAfter(cursor);
    found.push(iso(cursor));
  }
  return found;
}

describe("NCRONTAB schedules", () => {
  test("the seconds field comes first and occurrences are strictly after the given time", () => {
    expect(occurrences("0 */5 * * * *", "2026-01-01T00:00:00.000Z", 3)).toEqual([
      "2026-01-01T00:05:00.000Z",
      "2026-01-01T00:10:00.000Z",
      "2026-01-01T00:15:00.000Z",
    ]);
    expect(occurrences("*/30 * * * * *", "2026-01-01T00:00:00.500Z", 2)).toEqual([
      "2026-01-01T00:00:30.000Z",
      "2026-01-01T00:01:00.000Z",
    ]);
  });

  test("names of months and weekdays are understood", () => {
    expect(occurrences("0 30 9 * * Mon-Fri", "2026-01-02T12:00:00Z", 2)).toEqual([
      "2026-01-05T09:30:00.000Z",
      "2026-01-06T09:30:00.000Z",
    ]);
    expect(occurrences("0 0 0 1 Jul *", "2026-01-01T00:00:00Z", 1)).toEqual(["2026-07-01T00:00:00.000Z"]);
  });

  test("a restricted day and a restricted weekday must both match, as in NCrontab", () => {
    // Friday the 13th, not "every 13th or every Friday".
    expect(occurrences("0 0 0 13 * 5", "2026-01-01T00:00:00Z", 2)).toEqual([
      "2026-02-13T00:00:00.000Z",
      "2026-03-13T00:00:00.000Z",
    ]);
    expect(occurrences("0 0 12 */1 * 1", "2026-01-01T00:00:00Z", 2)).toEqual([
      "2026-01-05T12:00:00.000Z",
      "2026-01-12T12:00:00.000Z",
    ]);
  });

  test("schedules are read in the configured time zone", () => {
    expect(occurrences("0 0 9 * * *", "2026-01-01T00:00:00Z", 1, "Europe/Berlin")).toEqual([
      "2026-01-01T08:00:00.000Z",
    ]);
  });

  test.each([
    ["0 */5 * * *", /exactly six[\s\S]*put the seconds first, e\.g\. '0 0 \*\/5 \* \* \*'/],
    ["0 0 */5 * * * *", /has 7 fields/],
    ["00:05:00", /TimeSpan/],
    ["1.00:00:00", /TimeSpan/],
    ["0 0 0 ? * *", /characters NCRONTAB does not know/],
    ["0 0 0 L * *", /unknown name 'L'/],
    ["0 0 0 * * 7", /out of range 0-6/],
    ["0 0 25 * * *", /invalid/],
    ["0 0 0 30 2 *", /invalid|never fires/],
  ])("'%s' is refused with a clear message", (expression, message) => {
    expect(() => parseNcrontab(expression)).toThrow(ScheduleError);
    expect(() => parseNcrontab(expression)).toThrow(message);
  });

  test("an unknown time zone is refused", () => {
    expect(() => parseNcrontab("0 0 0 * * *", { timeZone: "Mars/Olympus" })).toThrow(/Unknown time zone/);
  });
});

describe("the latest occurrence at or before a time", () => {
  const schedules = ["0 0 */6 * * *", "30 15 9-17/4 * Jan,Dec Mon-Fri", "0 0 0 13 * 5", "*/10 * * * * *"];
  test.each(schedules)(
    "%s: at or before the time, and no occurrence between it and the time",
    (expression) => {
      const schedule = parseNcrontab(expression);
      fc.assert(
        fc.property(fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2028, 0, 1) }), (atMs) => {
          const latest = schedule.latestAtOrBefore(atMs);
          expect(latest).toBeLessThanOrEqual(atMs);
          expect(schedule.nextAfter(latest)).toBeGreaterThan(atMs);
        }),
        { numRuns: 200 },
      );
    },
  );
});
