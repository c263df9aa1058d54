// Counts work that needs no clock to finish: HTTP exchanges in flight and flushes queued for the
// next microtask. Tests await `whenIdle()` between clock advances; timers waiting on the clock
// are deliberately not counted, or a pending retry would keep a test waiting forever.

export class Activity {
  private busy = 0;
  private waiters: Array<() => void> = [];

  /** Marks one piece of work as started; call the returned function exactly once when it ends. */
  begin(): () => void {
    this.busy++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.busy--;
      // Deferred: work that ends by starting its successor must not look idle in between.
      if (this.busy === 0) queueMicrotask(() => this.release());
    };
  }

  get idle(): boolean {
    return this.busy === 0;
  }

  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    if (this.busy > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
