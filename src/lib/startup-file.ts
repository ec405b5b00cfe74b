import { readFileSync } from 'node:fs';

/** Reads a file a listener needs at start (TLS key/cert), naming the config key when it can't. */
export function readStartupFile(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`unable to read ${key} '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
