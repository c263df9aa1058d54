// When to look again at a slow Azure operation (begun by an activity, waited on with durable timers). Pure arithmetic over virtual
// time, so orchestrators can use it: given when the wait began and the time now, the next moment
// to look, or undefined once the deadline has passed. Look-ups land on a fixed grid from the start
// (+4 min, +4.5 min…), not "now + interval", so a replayed or delayed episode asks for the same times.

export interface WaitSchedule {
  /** The first look, after the start. */
  readonly firstLookMs: number;
  /** Then every `everyMs` until `untilMs` after the start; later phases follow. */
  readonly phases: readonly { readonly everyMs: number; readonly untilMs: number }[];
  /** After the last phase, every this long. */
  readonly thenEveryMs: number;
  /** Nothing is looked at after this, measured from the start. */
  readonly deadlineMs: number;
}

const minute = 60_000;

/** Gateways: first look at +4 min (the documented 4–5 minutes), every 30 s to +15 min, then every 5 min. */
export function gatewayCreationSchedule(deadlineMinutes: number): WaitSchedule {
  return {
    firstLookMs: 4 * minute,
    phases: [{ everyMs: 30_000, untilMs: 15 * minute }],
    thenEveryMs: 5 * minute,
    deadlineMs: deadlineMinutes * minute,
  };
}

/** Provider registration takes 2–5 minutes (docs), up to 10 in some reports (docs/azure-facts.md §12): every 30 s to +10 min, then every 2 min to 1 h. */
export const providerRegistrationSchedule: WaitSchedule = {
  firstLookMs: 60_000,
  phases: [{ everyMs: 30_000, untilMs: 10 * minute }],
  thenEveryMs: 2 * minute,
  deadlineMs: 60 * minute,
};

/** A Run Command script of ours runs in seconds once the agent picks it up: every 30 s to +10 min, then every 2 min to 30 min. */
export const runCommandSchedule: WaitSchedule = {
  firstLookMs: 30_000,
  phases: [{ everyMs: 30_000, untilMs: 10 * minute }],
  thenEveryMs: 2 * minute,
  deadlineMs: 30 * minute,
};

/** A machine that is not Connected is looked at again every 5 minutes, up to the configured wait. */
export function connectionSchedule(maxMinutes: number): WaitSchedule {
  return { firstLookMs: 5 * minute, phases: [], thenEveryMs: 5 * minute, deadlineMs: maxMinutes * minute };
}

/** The next look strictly after `nowMs`, or undefined when it would fall after the deadline. */
export function nextLookAt(startMs: number, nowMs: number, schedule: WaitSchedule): number | undefined {
  const elapsed = nowMs - startMs;
  const deadline = startMs + schedule.deadlineMs;
  let candidate: number;
  if (elapsed < schedule.firstLookMs) {
    candidate = startMs + schedule.firstLookMs;
  } else {
    let phaseStart = schedule.firstLookMs;
    candidate = Number.NaN;
    for (const phase of schedule.phases) {
      if (elapsed < phase.untilMs) {
        candidate = startMs + gridAfter(phaseStart, phase.everyMs, elapsed);
        break;
      }
      phaseStart = Math.max(phaseStart, phase.untilMs);
    }
    if (Number.isNaN(candidate)) candidate = startMs + gridAfter(phaseStart, schedule.thenEveryMs, elapsed);
  }
  if (candidate > deadline) {
    // One last look exactly at the deadline, so the verdict is made with the freshest answer.
    return nowMs < deadline ? deadline : undefined;
  }
  return candidate;
}

/** The first point of `origin + k·every` (k ≥ 1) strictly after `elapsed`. */
function gridAfter(origin: number, every: number, elapsed: number): number {
  const steps = Math.floor((elapsed - origin) / every) + 1;
  return origin + Math.max(1, steps) * every;
}
