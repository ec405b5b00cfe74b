import type { PathConf } from './conf-types.ts';
import { ConfError } from './conf-error.ts';
import { checkConfPathName } from './path-name.ts';
import { applyEnv, at, deepFreeze, isPlainObject, readSection, type Env, type ReadCtx } from './read-section.ts';

/** Names of the catch-all path: v0.22's `all`, v1.2's `all_others`, and the regexp both stand for (one may be used). */
const CATCH_ALL = ['all', 'all_others', '~^.*$'];

/** True for `all` / `all_others`: matched after every other regexp path, whatever the file order. */
export function isCatchAllName(name: string): boolean { return name === 'all' || name === 'all_others'; }

function compileName(name: string, loc: string): RegExp | undefined {
  if (isCatchAllName(name)) return /^.*$/;
  if (!name.startsWith('~')) return undefined;
  try {
    return new RegExp(name.slice(1));
  } catch (err) {
    throw new ConfError(`invalid regular expression in path name '${name}'${loc}: ${(err as Error).message}`);
  }
}

// The keys each path set itself (in its entry or by its MTX_PATHS_<NAME>_* variables), the others following pathDefaults.
const OWN_KEYS = new WeakMap<PathConf, ReadonlySet<string>>();

/**
 * The configuration keys a path sets itself, in its entry or by a variable: kept through a `pathDefaults` change, as
 * upstream keeps a path's own (optional) values even when they equal the default of the moment.
 */
export function explicitPathKeys(p: PathConf): ReadonlySet<string> { return OWN_KEYS.get(p) ?? new Set(); }

/** Paths named only by environment variables, with the first variable naming each (for messages). */
function envPathNames(env: Env): Map<string, string> {
  const names = new Map<string, string>();
  for (const k of Object.keys(env).sort()) {
    // Env-defined paths are lower-cased and can't contain '_' (MediaMTX's rule); `_FORWARD_0_DEST` sets a list entry.
    const m = /^(?:RTSP|MTX)_PATHS_([^_]+)_[A-Z0-9]+(?:_\d+_[A-Z0-9_]+)?$/.exec(k);
    if (m && !names.has(m[1]!.toLowerCase())) names.set(m[1]!.toLowerCase(), k);
  }
  return names;
}

/**
 * Reads `paths`: each path starts from `defaults` (the built-in defaults with `pathDefaults` applied), then its own
 * keys, then its MTX_PATHS_<NAME>_<KEY> variables. `all`, `all_others` and `~^.*$` are one path under three names.
 */
export function readPaths(raw: unknown, env: Env, ctx: ReadCtx, defaults: Readonly<Record<string, unknown>>): Record<string, PathConf> {
  const { src } = ctx;
  if (raw !== null && raw !== undefined && !isPlainObject(raw)) throw new ConfError(`invalid value for 'paths'${at(src, ['paths'])}: expected a map`);
  const entries: [string, unknown][] = Object.entries(raw ?? {});
  const fromEnv = envPathNames(env);
  for (const n of fromEnv.keys()) if (!entries.some(([k]) => k === n)) entries.push([n, {}]);
  const catchAll = entries.filter(([n]) => CATCH_ALL.includes(n)).map(([n]) => `'${n}'${at(src, ['paths', n])}`);
  if (catchAll.length > 1) throw new ConfError(`paths ${catchAll.join(' and ')} are the same path (all_others, all and '~^.*$' are aliases): keep one`);
  const built: PathConf[] = [];
  const own = new Map<string, ReadonlySet<string>>();
  for (const [name, value] of entries) {
    const envName = fromEnv.get(name);
    const loc = at(src, ['paths', name]) || (envName !== undefined ? ` in environment variable ${envName}` : '');
    const bad = checkConfPathName(name);
    if (bad) throw new ConfError(`invalid path name '${name}'${loc}: ${bad}`);
    if (/^\d+$/.test(name)) throw new ConfError(`invalid path name '${name}'${loc}: integer names are not allowed`);
    if (value !== null && !isPlainObject(value)) throw new ConfError(`invalid value for 'paths.${name}'${loc}: expected a map`);
    if (name === 'all_others') ctx.notes.isV1 = true;
    const { values, written } = readSection('path', value ?? {}, ['paths', name], ctx, defaults);
    const prefixes = [`RTSP_PATHS_${name.toUpperCase()}_`, `MTX_PATHS_${name.toUpperCase()}_`];
    const envKeys = applyEnv('path', values, prefixes, { env, where: `paths.${name}.`, origins: ctx.origins });
    own.set(name, new Set([...written.keys(), ...envKeys]));
    deepFreeze(values);
    const regexp = compileName(name, loc);
    built.push({ ...(values as unknown as Omit<PathConf, 'name' | 'regexp'>), name, ...(regexp ? { regexp } : {}) });
  }
  // The catch-all matches after every other regexp path (MediaMTX HEAD; v0.22.2 left the order to chance).
  built.sort((a, b) => Number(isCatchAllName(a.name)) - Number(isCatchAllName(b.name)));
  const paths: Record<string, PathConf> = {};
  // defineProperty: a path named `__proto__` is an own entry, not the object's prototype.
  for (const p of built) {
    Object.defineProperty(paths, p.name, { value: Object.freeze(p), enumerable: true });
    OWN_KEYS.set(p, own.get(p.name)!);
  }
  return paths;
}
