/** How a wait ended. */
export type WaitOutcome = 'ready' | 'timeout' | 'aborted' | 'closed';

/**
 * What a waiting request can be aborted by. `onAbort` is called only when the request really waits: it hooks `cb` to
 * the request's end (the client went away, the server closes) and returns the function that unhooks it, or undefined
 * when the request has ended already. Why not an AbortSignal: an AbortController and an event listener per blocked
 * reload were 2 % of a busy LL-HLS server's time.
 */
export interface AbortSource {
  onAbort(cb: () => void): (() => void) | undefined;
}

/** The AbortSource of an AbortSignal. */
export function abortSourceOf(signal: AbortSignal): AbortSource {
  return {
    onAbort(cb) {
      if (signal.aborted) return undefined;
      signal.addEventListener('abort', cb, { once: true });
      return () => signal.removeEventListener('abort', cb);
    },
  };
}

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
   * Resolves when `isReady()` holds (checked now and after each wake()), or on timeout, abort or close. `abort` is
   * hooked only when the request has to wait: most requests never do.
   */
  wait(isReady: () => boolean, abort: AbortSource, timeoutMs: number): Promise<WaitOutcome> {
    if (this.isClosed) return Promise.resolve('closed');
    if (isReady()) return Promise.resolve('ready');
    return new Promise((resolve) => {
      let unhook: (() => void) | undefined;
      const timer = setTimeout(() => settle('timeout'), timeoutMs);
      timer.unref(); // the request's socket keeps the process alive, not this timer
      const waiter: Waiter = { isReady, settle: (o) => settle(o) };
      const settle = (o: WaitOutcome): void => {
        if (!this.waiters.delete(waiter)) return;
        clearTimeout(timer);
        unhook?.();
        resolve(o);
      };
      this.waiters.add(waiter);
      unhook = abort.onAbort(() => settle('aborted'));
      if (!unhook) settle('aborted');
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
