// When drift sweeps run: ARC_DRIFT_SCHEDULE, an NCRONTAB expression as Azure Functions timer
// triggers read it (`{second} {minute} {hour} {day} {month} {day-of-week}`, UTC), and the period
// each firing belongs to. A sweep's instance id is its period's start, so a duplicate firing, or a
// past-due one after the host was down, finds the period's sweep instead of starting another.
// The expression is read as the Functions host reads it (shared/schedule/ncrontab.ts).
import { type NcrontabSchedule, parseNcrontab, ScheduleError } from "../schedule/ncrontab";

export const defaultDriftSchedule = "0 0 */6 * * *";

/**
 * The start of the period `atMs` falls in: the schedule's latest occurrence at or before it (to the
 * second, as a timer fires), or undefined when the schedule has none within reach.
 */
export function periodStart(schedule: string | NcrontabSchedule, atMs: number): number | undefined {
  const parsed = typeof schedule === "string" ? parseNcrontab(schedule) : schedule;
  try {
    return parsed.latestAtOrBefore(Math.floor(atMs / 1000) * 1000);
  } catch (error) {
    if (error instanceof ScheduleError) return undefined;
    throw error;
  }
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
