// Timer trigger schedules: six-field NCRONTAB, `{second} {minute} {hour} {day} {month} {day-of-week}`,
// evaluated like the Functions host's NCrontab library: the app's own schedule settings are read
// with it (and the periods a timer's firings belong to), and the local host fires timers by it. Field parsing is cron-parser's; two NCrontab rules
// are applied on top: exactly six fields (no 5-field crontab, no TimeSpan `hh:mm:ss`), and a
// restricted day AND a restricted day-of-week must both match (cron-parser, like Vixie cron,
// accepts either), e.g. `0 0 0 13 * 5` is Friday the 13th only.
import { CronDate, type CronExpression, CronExpressionParser } from "cron-parser";

export class ScheduleError extends Error {}

export interface NcrontabSchedule {
  readonly expression: string;
  readonly timeZone: string;
  /** The first occurrence strictly after `afterMs`, in epoch milliseconds. */
  nextAfter(afterMs: number): number;
  /** The last occurrence at or before `atMs`, in epoch milliseconds. */
  latestAtOrBefore(atMs: number): number;
}

const fieldNames = ["second", "minute", "hour", "day", "month", "day-of-week"] as const;
const monthNames = new Set([
  "jan",
  "feb",
  "mar",
  "apr",
  "may",
  "jun",
  "jul",
  "aug",
  "sep",
  "oct",
  "nov",
  "dec",
]);
const dayNames = new Set(["sun", "mon", "tue", "wed", "thu", "fri", "sat"]);
const timeSpanPattern = /^(\d+\.)?\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/;
/** A safety net for schedules that almost never match (a weekday that rarely meets a date). */
const maxDaySkips = 5000;

export function parseNcrontab(
  expression: string,
  options: { readonly timeZone?: string } = {},
): NcrontabSchedule {
  const timeZone = options.timeZone ?? "UTC";
  const trimmed = expression.trim();
  if (timeSpanPattern.test(trimmed)) {
    throw new ScheduleError(
      `The schedule '${expression}' is a TimeSpan; arc-autopilot reads six-field NCRONTAB expressions only ` +
        "(TimeSpan schedules also run only on App Service plans). For every five minutes write '0 */5 * * * *'.",
    );
  }
  const fields = trimmed.split(/\s+/).filter((field) => field !== "");
  if (fields.length !== 6) {
    const hint =
      fields.length === 5
        ? ` It looks like a 5-field crontab; put the seconds first, e.g. '0 ${fields.join(" ")}'.`
        : "";
    throw new ScheduleError(
      `The schedule '${expression}' has ${fields.length} fields; NCRONTAB has exactly six: ` +
        `{second} {minute} {hour} {day} {month} {day-of-week}.${hint}`,
    );
  }
  fields.forEach((field, index) => checkField(expression, field, index));
  checkTimeZone(timeZone);

  const dayOfWeek = parse(expression, fields.join(" "), timeZone).fields.dayOfWeek.values.flatMap((day) =>
    typeof day === "number" ? [day % 7] : [],
  );
  const weekdays = new Set(dayOfWeek);
  const anyWeekday = weekdays.size === 7;
  // Occurrences ignoring the weekday; the weekday is then required on top (NCrontab's AND).
  const dayAgnostic = parse(expression, [...fields.slice(0, 5), "*"].join(" "), timeZone);

  const schedule: NcrontabSchedule = {
    expression,
    timeZone,
    nextAfter(afterMs) {
      let cursor = afterMs;
      for (let skips = 0; skips < maxDaySkips; skips++) {
        dayAgnostic.reset(new CronDate(cursor, timeZone));
        const candidate = dayAgnostic.next();
        if (anyWeekday || weekdays.has(candidate.getDay())) return candidate.getTime();
        candidate.addDay();
        cursor = candidate.getTime() - 1;
      }
      throw new ScheduleError(`The schedule '${expression}' has no occurrence in the foreseeable future`);
    },
    latestAtOrBefore(atMs) {
      // prev() answers strictly before the date it is reset to; the day is checked as above.
      let cursor = atMs + 1;
      for (let skips = 0; skips < maxDaySkips; skips++) {
        dayAgnostic.reset(new CronDate(cursor, timeZone));
        const candidate = dayAgnostic.prev();
        if (anyWeekday || weekdays.has(candidate.getDay())) return candidate.getTime();
        candidate.setStartOfDay();
        cursor = candidate.getTime();
      }
      throw new ScheduleError(`The schedule '${expression}' has no occurrence in the foreseeable past`);
    },
  };
  try {
    schedule.nextAfter(Date.UTC(2026, 0, 1));
  } catch (error) {
    throw new ScheduleError(`The schedule '${expression}' never fires: ${describe(error)}`);
  }
  return schedule;
}

function checkField(expression: string, field: string, index: number): void {
  const name = fieldNames[index] ?? "field";
  if (!/^[0-9A-Za-z*,/-]+$/.test(field)) {
    throw new ScheduleError(
      `The ${name} field '${field}' of the schedule '${expression}' uses characters NCRONTAB does not know (it has no ?, L, W or #)`,
    );
  }
  const names = name === "month" ? monthNames : name === "day-of-week" ? dayNames : undefined;
  for (const word of field.match(/[A-Za-z]+/g) ?? []) {
    if (names === undefined || !names.has(word.toLowerCase())) {
      throw new ScheduleError(
        `The ${name} field '${field}' of the schedule '${expression}' has the unknown name '${word}'`,
      );
    }
  }
  if (name === "day-of-week" && (field.match(/\d+/g) ?? []).some((number) => Number(number) > 6)) {
    throw new ScheduleError(
      `The day-of-week field '${field}' of the schedule '${expression}' is out of range 0-6 (0 = Sunday)`,
    );
  }
}

function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    throw new ScheduleError(
      `Unknown time zone '${timeZone}' (use an IANA name such as 'UTC' or 'Europe/Berlin')`,
    );
  }
}

function parse(expression: string, fields: string, timeZone: string): CronExpression {
  try {
    return CronExpressionParser.parse(fields, { tz: timeZone });
  } catch (error) {
    throw new ScheduleError(`The schedule '${expression}' is invalid: ${describe(error)}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
