/** Listener signatures by event name. */
export type EventMap = Record<string, (...args: never[]) => void>;

/**
 * A minimal synchronous emitter whose event names and arguments are checked at compile time, for observers only
 * (API, metrics, always-on muxers): calls down go through methods, never events. A throwing listener is reported to
 * `onListenerError` and does not stop the others.
 */
export class TypedEmitter<E extends EventMap> {
  private readonly listeners = new Map<keyof E, Set<E[keyof E]>>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    let set = this.listeners.get(event);
    if (!set) { set = new Set(); this.listeners.set(event, set); }
    set.add(listener);
    return () => { set.delete(listener); };
  }

  /** Calls every listener of `event` with `args`, in the order they were added. */
  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const l of [...set]) {
      try {
        (l as (...a: Parameters<E[K]>) => void)(...args);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  /** Number of listeners of `event`. */
  listenerCount(event: keyof E): number { return this.listeners.get(event)?.size ?? 0; }
}
