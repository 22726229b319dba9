/**
 * An async queue between the pipeline and its consumer. The consumer pulls at its own pace;
 * what it has not pulled yet counts against the pipeline's window, which is how a slow
 * reader of stdout slows the reading of input.
 */
export class Outbox<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting: { resolve(result: IteratorResult<T>): void; reject(error: unknown): void } | undefined;
  private failure: { error: unknown } | undefined;
  private closed = false;

  constructor(
    private readonly onTaken: (item: T) => void,
    private readonly onReturn: () => void,
    /** Told of each item that will never be taken, so that it can let go of what it holds. */
    private readonly onDropped: (item: T) => void = () => {},
  ) {}

  push(item: T): void {
    if (this.closed) return this.onDropped(item);
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      this.onTaken(item);
      waiting.resolve({ value: item, done: false });
    } else {
      this.items.push(item);
    }
  }

  /** No more items; the consumer gets `error` after the items already queued, if given. */
  end(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    if (error !== undefined) this.failure = { error };
    this.settleWaiting();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.items.shift();
        if (item !== undefined) {
          this.onTaken(item);
          return Promise.resolve({ value: item, done: false });
        }
        if (this.closed) return this.finished();
        return new Promise((resolve, reject) => {
          this.waiting = { resolve, reject };
        });
      },
      return: () => {
        // the consumer stopped early (break, or an exception in its loop body)
        const running = !this.closed;
        this.closed = true;
        for (const item of this.items.splice(0)) this.onDropped(item);
        if (running) this.onReturn();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private settleWaiting(): void {
    const waiting = this.waiting;
    if (!waiting || this.items.length > 0) return;
    this.waiting = undefined;
    if (this.failure) waiting.reject(this.failure.error);
    else waiting.resolve({ value: undefined, done: true });
  }

  private finished(): Promise<IteratorResult<T>> {
    if (this.failure) {
      const { error } = this.failure;
      this.failure = undefined;
      return Promise.reject(error);
    }
    return Promise.resolve({ value: undefined, done: true });
  }
}
