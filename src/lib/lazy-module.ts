/**
 * A module imported on first use: what an idle server does not run (a protocol's connection code, its formats and
 * codecs) stays out of memory until a client needs it (docs/performance.md, Memory).
 */
export interface LazyModule<T> {
  /**
   * Imports the module on the first call; every caller shares the pending promise. A failed import rejects each
   * caller with an error naming the module, and the next call tries again (a file replaced while running, EMFILE).
   */
  load(): Promise<T>;
  /** The module once an import succeeded, else undefined: lets code that runs often skip the await. */
  readonly loaded: T | undefined;
  /** The module, for code that runs only after load() resolved; throws naming the module otherwise. */
  get(): T;
}

/** Makes the LazyModule of `importer` (an `() => import('./x.ts')` with a literal, which the boundaries lint checks). */
export function lazyModule<T>(what: string, importer: () => Promise<T>): LazyModule<T> {
  let loading: Promise<T> | undefined;
  let loaded: T | undefined;
  return {
    load() {
      if (loaded !== undefined) return Promise.resolve(loaded);
      loading ??= importer().then(
        (m) => { loaded = m; return m; },
        (err: unknown) => {
          loading = undefined;
          throw new Error(`cannot load ${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        },
      );
      return loading;
    },
    get loaded() { return loaded; },
    get() {
      if (loaded === undefined) throw new Error(`${what} used before it was loaded`);
      return loaded;
    },
  };
}
