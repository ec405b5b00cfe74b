import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Options of watchConfFile. */
export interface ConfWatcherOptions {
  /** The configuration file. */
  file: string;
  /** Quiet time after the last event before the file is read (editors write in several steps). */
  debounceMs?: number;
  /** Called when the file's content changed. */
  onChange: () => void;
  /** Called when the directory can't be watched (the server then runs without hot reload). */
  onError?: (err: Error) => void;
}

/** A running watch; close() stops it. */
export interface ConfWatcher { close(): void }

const DEFAULT_DEBOUNCE_MS = 300;

function digest(file: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return undefined; // between an editor's unlink and rename the file may be missing: look again at the next event
  }
}

/**
 * Watches a configuration file for changes, as MediaMTX's confwatcher does. The directory is watched, not the file:
 * editors replace files by rename and Kubernetes ConfigMaps swap a symlinked directory, which a watch on the file
 * itself would lose. Any event in the directory leads, after a quiet time, to a read of the file; only a content
 * change is reported, so touching the file or a burst of writes gives at most one reload.
 */
export function watchConfFile(opts: ConfWatcherOptions): ConfWatcher {
  const dir = dirname(opts.file);
  let last = digest(opts.file);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const check = (): void => {
    timer = undefined;
    if (closed) return;
    const now = digest(opts.file);
    if (now === undefined || now === last) return;
    last = now;
    opts.onChange();
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, (_event, name) => {
      // Events for other files of the directory are ignored, except the ones a symlink swap produces (`..data`).
      if (name !== null && name !== basename(opts.file) && !name.startsWith('..')) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(check, opts.debounceMs ?? DEFAULT_DEBOUNCE_MS);
    });
    watcher.on('error', (err) => opts.onError?.(err));
  } catch (err) {
    opts.onError?.(err as Error);
  }
  return {
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher?.close();
    },
  };
}
