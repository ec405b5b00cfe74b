import type { Logger } from '../lib/index.ts';
import { ConfError, watchConfFile, type LoadedConf } from '../conf/index.ts';
import type { App } from './app.ts';

/** Options of watchAndReload. */
export interface ConfReloaderOptions {
  app: App;
  /** The configuration file that was loaded. */
  file: string;
  /** Reads, decrypts, applies the environment and validates the file again (loadConf with the same options). */
  load: () => LoadedConf;
  log: Logger;
  debounceMs?: number;
}

/**
 * Hot reload (MediaMTX's confwatcher): when the file changes it is loaded again and applied with App.applyConf, which
 * restarts only what the change concerns. An invalid file keeps the server on the configuration in force and says
 * why — MediaMTX exits instead; an operator's typo must not drop every stream (docs/limits.md §Reload).
 */
export function watchAndReload(o: ConfReloaderOptions): { close(): void } {
  // In turn with API changes: the file is read once an API change in flight is written (App.exclusiveConfChange).
  const reload = (): Promise<void> => o.app.exclusiveConfChange(async () => {
    o.log.info('configuration file changed, reloading');
    let loaded: LoadedConf;
    try {
      loaded = o.load();
    } catch (err) {
      const msg = err instanceof ConfError ? err.message : (err as Error).message;
      o.log.error(`the new configuration is invalid, keeping the current one: ${msg}`);
      return;
    }
    for (const w of loaded.warnings) o.log.warn(w);
    try {
      await o.app.applyConf(loaded.conf);
    } catch (err) {
      o.log.error(`the new configuration could not be applied: ${(err as Error).message}`);
    }
  });
  return watchConfFile({
    file: o.file, ...(o.debounceMs !== undefined ? { debounceMs: o.debounceMs } : {}),
    onChange: () => { void reload(); },
    onError: (err) => o.log.warn(`configuration file can't be watched, hot reload is off: ${err.message}`),
  });
}
