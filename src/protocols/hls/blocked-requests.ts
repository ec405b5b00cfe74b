/** How a wait ended. */
export type WaitOutcome = 'ready' | 'timeout' | 'aborted' | 'closed';

/** What a waiting request can be aborted by; `signal` is read only when the request really waits. */
export interface AbortSource { readonly signal: AbortSignal }

interface Waiter {
  readonly isReady: () => boolean;
  readonly settle: (o: WaitOutcome) => void;
}

/**
 * Requests held until what they ask for exists (a blocking playlist reload, a preload hint part, the first
 * playlist). Each costs one timer and one closure: nothing polls. `wake()` runs after every publication and
 * settles the waiters whose condition now holds; a timeout, the client going away (its AbortSignal) or close()
 * settle the others.
 */
export class BlockedRequests {
  private readonly waiters = new Set<Waiter>();
  private isClosed = false;

  /** Requests waiting now. */
  get size(): number { return this.waiters.size; }

  /**
   * Resolves when `isReady()` holds (checked now and after each wake()), or on timeout, abort or close. The signal is
   * taken from `abort` only when the request has to wait: most requests never do, and the server makes it lazily.
   */
  wait(isReady: () => boolean, abort: AbortSource, timeoutMs: number): Promise<WaitOutcome> {
    if (this.isClosed) return Promise.resolve('closed');
    if (isReady()) return Promise.resolve('ready');
    const { signal } = abort;
    if (signal.aborted) return Promise.resolve('aborted');
    return new Promise((resolve) => {
      const onAbort = (): void => settle('aborted');
      const timer = setTimeout(() => settle('timeout'), timeoutMs);
      timer.unref(); // the request's socket keeps the process alive, not this timer
      const waiter: Waiter = { isReady, settle: (o) => settle(o) };
      const settle = (o: WaitOutcome): void => {
        if (!this.waiters.delete(waiter)) return;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(o);
      };
      this.waiters.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Settles every waiter whose condition holds. */
  wake(): void {
    for (const w of this.waiters) if (w.isReady()) w.settle('ready');
  }

  /** Settles every waiter with 'closed'; later waits settle at once. */
  close(): void {
    this.isClosed = true;
    for (const w of this.waiters) w.settle('closed');
  }
}
