// When drift sweeps run: ARC_DRIFT_SCHEDULE, an NCRONTAB expression as Azure Functions timer
// triggers read it (`{second} {minute} {hour} {day} {month} {day-of-week}`, UTC), and the period
// each firing belongs to. A sweep's instance id is its period's start, so a duplicate firing, or a
// past-due one after the host was down, finds the period's sweep instead of starting another.
// Fields take `*`, numbers, ranges `a-b`, steps `*/n` and `a-b/n`, lists, and month / weekday
// names (`Jan`, `Mon`); day and weekday must both match.

const fields = [
  { name: "second", min: 0, max: 59 },
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
  },
  { name: "day-of-week", min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
] as const;

export interface DriftSchedule {
  readonly text: string;
  readonly seconds: ReadonlySet<number>;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>;
}

export const defaultDriftSchedule = "0 0 */6 * * *";

/** Parses a six-field NCRONTAB expression; throws an Error saying which field is wrong. */
export function parseDriftSchedule(text: string): DriftSchedule {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== fields.length) {
    throw new Error(
      `'${text}' is not an NCRONTAB expression of six fields ({second} {minute} {hour} {day} {month} {day-of-week})`,
    );
  }
  const sets = parts.map((part, index) => parseField(part, fields[index]!));
  const [seconds, minutes, hours, days, months, weekdays] = sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  return { text, seconds, minutes, hours, days, months, weekdays };
}

function parseField(
  part: string,
  field: {
    readonly name: string;
    readonly min: number;
    readonly max: number;
    readonly names?: readonly string[];
  },
): Set<number> {
  const values = new Set<number>();
  const value = (text: string): number => {
    const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
    const n = named >= 0 ? named + field.min : /^\d+$/.test(text) ? Number(text) : Number.NaN;
    // Weekday 7 is Sunday too.
    const v = field.name === "day-of-week" && n === 7 ? 0 : n;
    if (!Number.isInteger(v) || v < field.min || v > field.max) {
      throw new Error(`'${text}' is not a ${field.name} (${field.min}-${field.max})`);
    }
    return v;
  };
  for (const item of part.split(",")) {
    const [range = "", stepText] = item.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new Error(`'${item}' has an invalid step in the ${field.name} field`);
    let from: number;
    let to: number;
    if (range === "*") [from, to] = [field.min, field.max];
    else if (range.includes("-")) {
      const [a = "", b = ""] = range.split("-");
      [from, to] = [value(a), value(b)];
      if (from > to) throw new Error(`'${range}' is an empty range in the ${field.name} field`);
    } else {
      from = value(range);
      to = stepText === undefined ? from : field.max;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** The latest occurrence at or before `atMs` (UTC), searched back up to a year; undefined if none. */
export function periodStart(schedule: DriftSchedule, atMs: number): number | undefined {
  const at = new Date(Math.floor(atMs / 1000) * 1000);
  const minute = new Date(at);
  minute.setUTCSeconds(0, 0);
  const limit = 366 * 24 * 60;
  for (let i = 0; i < limit; i++) {
    if (matchesMinute(schedule, minute)) {
      const lastSecond = i === 0 ? at.getUTCSeconds() : 59;
      for (let s = lastSecond; s >= 0; s--) {
        if (schedule.seconds.has(s)) return minute.getTime() + s * 1000;
      }
    }
    minute.setTime(minute.getTime() - 60_000);
  }
  return undefined;
}

function matchesMinute(schedule: DriftSchedule, at: Date): boolean {
  return (
    schedule.minutes.has(at.getUTCMinutes()) &&
    schedule.hours.has(at.getUTCHours()) &&
    schedule.days.has(at.getUTCDate()) &&
    schedule.months.has(at.getUTCMonth() + 1) &&
    schedule.weekdays.has(at.getUTCDay())
  );
}

/** `drift-20261206t060000z`: the sweep of the period starting then. */
export function sweepInstanceId(periodStartMs: number): string {
  const iso = new Date(periodStartMs).toISOString(); // 2026-12-06T06:00:00.000Z
  return `drift-${iso.slice(0, 19).replace(/[-:]/g, "").toLowerCase()}z`;
}

/** `drift-manual-<32 hex>`: a sweep an operator started. */
export function manualSweepInstanceId(unique: string): string {
  if (!/^[0-9a-f]{32}$/i.test(unique)) throw new Error("A manual sweep's unique part is 32 hex digits");
  return `drift-manual-${unique.toLowerCase()}`;
}

/** The durable instance that points at the last finished sweep (orchestrations/drift). */
export const latestSweepInstanceId = "drift-latest";
