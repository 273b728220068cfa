/**
 * Runs work one item at a time, in the order it was given. The host puts OpenCode's events and its
 * `chat.params` calls through one queue, so a model request is never judged before the events that came
 * before it. A failed item is reported and never stops the queue.
 */
export class OrderedQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(private readonly onError: (error: unknown) => void) {}

  run<T>(work: () => Promise<T> | T): Promise<T | undefined> {
    this.pending++;
    const result = this.tail.then(work).then(
      (value) => value,
      (error: unknown) => {
        this.onError(error);
        return undefined;
      },
    );
    this.tail = result.finally(() => this.pending--);
    return result;
  }

  /** Nothing queued or running. */
  idle(): boolean {
    return this.pending === 0;
  }

  /** Resolves once everything queued so far has run. */
  async drain(): Promise<void> {
    while (!this.idle()) await this.tail;
  }
}
