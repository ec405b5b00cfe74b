import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfError } from './conf-error.ts';
import { parseConf, type LoadedConf } from './parse-conf.ts';

/** Where the configuration is looked for when no path is given (MediaMTX's order; the legacy name wins). */
export const DEFAULT_CONF_PATHS = ['rtsp-simple-server.yml', 'mediamtx.yml', '/usr/local/etc/mediamtx.yml', '/usr/etc/mediamtx.yml', '/etc/mediamtx/mediamtx.yml'];

/** Options of loadConf. */
export interface LoadConfOptions { path?: string; env?: NodeJS.ProcessEnv; cwd?: string }

/** Reads, decrypts, parses and validates the configuration; an explicit path must exist, the default ones may not. */
export function loadConf(opts: LoadConfOptions = {}): LoadedConf {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  let file: string | undefined;
  if (opts.path !== undefined) {
    file = resolve(cwd, opts.path);
    if (!existsSync(file)) throw new ConfError(`configuration file '${opts.path}' does not exist`);
  } else {
    file = DEFAULT_CONF_PATHS.map((p) => resolve(cwd, p)).find((p) => existsSync(p));
  }
  if (file === undefined) return parseConf('', env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfError(`unable to read '${file}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return parseConf(text, env, file);
  } catch (err) {
    if (err instanceof ConfError) throw new ConfError(`${file}: ${err.message}`);
    throw new ConfError(`${file}: ${(err as Error).message}`);
  }
}
