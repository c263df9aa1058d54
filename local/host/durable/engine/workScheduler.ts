// The volatile half of the host: which instances have an episode to run and which activities wait
// for a worker, with host.json-style limits (maxConcurrentOrchestratorFunctions,
// maxConcurrentActivityFunctions) and at most one episode per instance at a time, so only one
// episode ever appends to an instance's history. stop() is the crash: queued work is forgotten and
// work already running becomes a straggler of an old generation whose results the engine discards.
//
// An activity may wait on the app's clock (an ARM retry's sleep: hostClock.ts, appClockOver). On
// a VirtualClock that wait is a timer only a clock jump fires, so an activity that is sleeping
// there does not keep the scheduler busy: with every running activity asleep and nothing else to
// run, the scheduler is "quiet" (whenIdle resolves, `active` is false) and the driver may jump to
// the next timer, which may be the sleeper's own. So it is with some activity asleep and the
// others awake but with no HTTP request of the process on the wire: those wait for a sleeper too
// (a look-up they share with it), since nothing else could wake them (hostClock.ts).

import { httpRequestsOnTheWire, onWireQuiet, type SleepWatch, watchSleeps } from "../../hostClock";

export interface WorkLimits {
  readonly orchestrations: number;
  readonly activities: number;
}

export interface WorkHandlers<A> {
  runEpisode(instanceId: string, generation: number): Promise<void>;
  runActivity(work: A, generation: number): Promise<void>;
  onError(error: unknown): void;
}

export class WorkScheduler<A> {
  private generationNumber = 0;
  private stopped = false;
  private readonly ready = new Set<string>();
  private readonly running = new Set<string>();
  private readonly wokenWhileRunning = new Set<string>();
  private readonly backlog: A[] = [];
  private activeActivities = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stragglers = new Set<Promise<void>>();
  /** The sleep watch of each activity in flight or straggling. */
  private readonly watches = new Map<Promise<void>, SleepWatch>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly limits: WorkLimits,
    private readonly handlers: WorkHandlers<A>,
  ) {
    if (!(limits.orchestrations >= 1) || !(limits.activities >= 1)) {
      throw new RangeError("Concurrency limits must be at least 1");
    }
  }

  get generation(): number {
    return this.generationNumber;
  }

  isCurrent(generation: number): boolean {
    return !this.stopped && generation === this.generationNumber;
  }

  /** Something arrived for the instance: run an episode (after the one in progress, if any). */
  wakeInstance(instanceId: string): void {
    if (this.stopped) return;
    if (this.running.has(instanceId)) this.wokenWhileRunning.add(instanceId);
    else this.ready.add(instanceId);
    this.pump();
  }

  enqueueActivity(work: A): void {
    if (this.stopped) return;
    this.backlog.push(work);
    this.pump();
  }

  /** Forgets all queued work; running work finishes as stragglers of the old generation. */
  stop(): void {
    this.stopped = true;
    this.generationNumber += 1;
    this.ready.clear();
    this.running.clear();
    this.wokenWhileRunning.clear();
    this.backlog.length = 0;
    this.activeActivities = 0;
    for (const work of this.inFlight) this.stragglers.add(work);
    this.inFlight.clear();
    this.notifyIdle();
  }

  start(): void {
    this.stopped = false;
    this.pump();
  }

  /** True while any work of the current generation is queued or running. */
  get busy(): boolean {
    return (
      !this.stopped &&
      (this.ready.size > 0 || this.running.size > 0 || this.backlog.length > 0 || this.activeActivities > 0)
    );
  }

  /** Activities (current or straggling) asleep on the app's clock right now. */
  get sleeping(): number {
    let count = 0;
    for (const work of this.watches.keys()) if (this.isAsleep(work)) count += 1;
    return count;
  }

  /**
   * True while current work can move without the clock moving: an episode runs or waits for a
   * slot, or an activity runs (or waits for a slot) and is not asleep on the app's clock.
   */
  get active(): boolean {
    if (!this.busy) return false;
    if (this.ready.size > 0 || this.running.size > 0) return true;
    let asleep = 0;
    for (const work of this.inFlight) if (this.isAsleep(work)) asleep += 1;
    if (asleep === this.activeActivities) return false;
    // Awake activities with nothing on the wire can only be waiting for a sleeper's look-up.
    return asleep === 0 || httpRequestsOnTheWire() > 0;
  }

  /**
   * Resolves when no current work can move without the clock (none queued or running, or every
   * running activity asleep on the app's clock) and every straggler has settled or is asleep.
   */
  async whenIdle(): Promise<void> {
    for (;;) {
      if (this.active) {
        await this.nextChange();
        continue;
      }
      const awake = [...this.stragglers].filter((work) => !this.isAsleep(work));
      if (awake.length > 0) {
        await Promise.race([Promise.allSettled(awake), this.nextChange()]);
        continue;
      }
      // Let continuations queued by the last completion schedule their follow-up work.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!this.active && !this.stragglersAwake()) return;
    }
  }

  private stragglersAwake(): boolean {
    for (const work of this.stragglers) if (!this.isAsleep(work)) return true;
    return false;
  }

  /** The activity waits on the app's clock right now (an ARM retry's sleep). */
  private isAsleep(work: Promise<void>): boolean {
    return (this.watches.get(work)?.sleeping ?? 0) > 0;
  }

  /** Resolves at the next change whenIdle looks at: work settling, a sleep starting or ending, the wire going quiet. */
  private nextChange(): Promise<void> {
    return new Promise<void>((resolve) => {
      const changed = () => {
        stopListening();
        resolve();
      };
      const stopListening = onWireQuiet(changed);
      this.idleWaiters.push(changed);
    });
  }

  private pump(): void {
    if (this.stopped) return;
    for (const instanceId of this.ready) {
      if (this.running.size >= this.limits.orchestrations) break;
      this.ready.delete(instanceId);
      this.running.add(instanceId);
      const generation = this.generationNumber;
      this.track(
        () => this.handlers.runEpisode(instanceId, generation),
        () => {
          this.running.delete(instanceId);
          if (this.wokenWhileRunning.delete(instanceId)) this.ready.add(instanceId);
        },
      );
    }
    while (this.activeActivities < this.limits.activities) {
      const work = this.backlog.shift();
      if (work === undefined) break;
      this.activeActivities += 1;
      const generation = this.generationNumber;
      const watch: SleepWatch = { sleeping: 0, changed: () => this.notifyIdle() };
      this.track(
        () => watchSleeps(watch, () => this.handlers.runActivity(work, generation)),
        () => {
          this.activeActivities -= 1;
        },
        watch,
      );
    }
  }

  /** Starts `work` on a later microtask, so a handler never re-enters pump(). */
  private track(work: () => Promise<void>, release: () => void, watch?: SleepWatch): void {
    const generation = this.generationNumber;
    const settled: Promise<void> = Promise.resolve()
      .then(work)
      .catch((error: unknown) => this.handlers.onError(error))
      .finally(() => {
        this.watches.delete(settled);
        if (generation === this.generationNumber) {
          this.inFlight.delete(settled);
          release();
          this.pump();
        } else {
          this.stragglers.delete(settled);
        }
        this.notifyIdle();
      });
    this.inFlight.add(settled);
    if (watch) this.watches.set(settled, watch);
  }

  /** Wakes whenIdle's waiters to look again (they wait on: work settling, an activity falling asleep or waking). */
  private notifyIdle(): void {
    if (this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
