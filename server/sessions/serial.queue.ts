/**
 * Runs tasks one at a time in submission order (one user's requests in that user's R
 * session). A failing task never stops the ones after it.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  /** Tasks submitted and not yet finished. */
  get depth(): number {
    return this.pending;
  }

  /** Queues a task; resolves with its result once it ran. */
  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    void this.tail.then(() => {
      this.pending -= 1;
    });
    return result;
  }

  /** Resolves when every task submitted so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }
}
