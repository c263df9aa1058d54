// Keeps count of the invocations the host started on its own (timers, Event Grid, admin calls,
// HTTP requests), so tests and shutdown can wait until none is running.
export class InvocationTracker {
  readonly #running = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.#running.add(work);
    const forget = () => this.#running.delete(work);
    work.then(forget, forget);
    return work;
  }

  get running(): number {
    return this.#running.size;
  }

  /** Resolves once nothing tracked is running, including work started while waiting. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) {
      await Promise.allSettled([...this.#running]);
    }
  }
}
