import type { Conf, PathConf } from './conf-types.ts';
import { ConfError } from './conf-error.ts';
import { parseYaml, type YamlSource } from './yaml-source.ts';
import { decryptConf } from './decrypt.ts';
import { validateConf } from './validate-conf.ts';
import { notImplementedWarnings } from './not-implemented.ts';
import { applyEnv, at, confEnv, deepFreeze, defaultsOf, isPlainObject, readSection, type Env, type ReadCtx, type ReadNotes } from './read-section.ts';
import { readPaths } from './read-paths.ts';
import { MOVED_TO_PATH_DEFAULTS, movedWarning } from './renames.ts';
import { noteV1Auth, reconcileHttpAuth, validateAuthV1 } from './auth-conf.ts';

/** A loaded configuration and what the loader wants the user to know. */
export interface LoadedConf { readonly conf: Conf; readonly warnings: string[]; readonly filePath?: string }

/** `locate` for validateConf: a path key not written in its path names the `pathDefaults` line it came from. */
function locator(origins: ReadonlyMap<string, string>): (key: string) => string {
  return (key) => {
    const own = origins.get(key);
    if (own !== undefined || !key.startsWith('paths.')) return own ?? '';
    const inherited = origins.get(`pathDefaults.${key.slice(key.lastIndexOf('.') + 1)}`);
    return inherited === undefined ? '' : `${inherited} (in 'pathDefaults')`;
  };
}

/** The top-level keys that are not settings: the two path sections. */
const SECTIONS = new Set(['paths', 'pathDefaults']);

/** Reads `pathDefaults` (v1.x) over the built-in path defaults, with v1.1's global recording keys moved into it. */
function readPathDefaults(data: Record<string, unknown>, env: Env, ctx: ReadCtx): Record<string, unknown> {
  const raw = data.pathDefaults;
  if (raw !== null && raw !== undefined && !isPlainObject(raw)) throw new ConfError(`invalid value for 'pathDefaults'${at(ctx.src, ['pathDefaults'])}: expected a map`);
  if (raw !== undefined) ctx.notes.isV1 = true;
  const moved = Object.fromEntries(MOVED_TO_PATH_DEFAULTS.filter((k) => Object.hasOwn(data, k)).map((k) => [k, data[k]]));
  let values = defaultsOf('path');
  if (Object.keys(moved).length > 0) {
    ctx.notes.isV1 = true;
    for (const k of Object.keys(moved)) {
      ctx.notes.deprecations.add(movedWarning(k));
      if (raw && Object.hasOwn(raw, k)) throw new ConfError(`'${k}'${at(ctx.src, [k])} and 'pathDefaults.${k}'${at(ctx.src, ['pathDefaults', k])} are two names of one setting: keep one`);
    }
    values = readSection('path', moved, [], ctx, values).values;
  }
  values = readSection('path', raw ?? {}, ['pathDefaults'], ctx, values).values;
  applyEnv('path', values as Record<string, unknown>, ['RTSP_PATHDEFAULTS_', 'MTX_PATHDEFAULTS_'], { env, where: 'pathDefaults.', origins: ctx.origins });
  return values as Record<string, unknown>;
}

/** Reads the sections of parsed data (file or API object), applies the environment and validates; messages name keys. */
function buildConf(data: unknown, src: YamlSource | undefined, env: Env, notes: ReadNotes = { deprecations: new Set(), isV1: false }): Conf {
  if (!isPlainObject(data)) throw new ConfError(`invalid configuration${at(src, [])}: expected a map of keys (key: value lines)`);
  const rawGlobals = Object.fromEntries(Object.entries(data).filter(([k]) => !SECTIONS.has(k) && !MOVED_TO_PATH_DEFAULTS.includes(k)));
  const ctx: ReadCtx = { src, origins: new Map(), notes };
  const { values: globals, written } = readSection('global', rawGlobals, [], ctx, defaultsOf('global'));
  const fromEnv = applyEnv('global', globals, ['RTSP_', 'MTX_'], { env, where: '', origins: ctx.origins });
  reconcileHttpAuth(globals, written);
  const pathDefaults = readPathDefaults(data, env, ctx);
  const paths = readPaths(data.paths, env, ctx, pathDefaults);
  const conf = Object.freeze({ ...deepFreeze(globals), pathDefaults: deepFreeze(pathDefaults), paths: Object.freeze(paths) }) as unknown as Conf;
  const locate = locator(ctx.origins);
  // A v1.x authentication key set by a variable (`MTX_AUTHMETHOD=jwt`) asks for v1.x authentication as the file's would.
  noteV1Auth(conf, new Set([...written.keys(), ...fromEnv]));
  validateAuthV1(conf, locate);
  validateConf(conf, locate);
  return conf;
}

/** Parses configuration text (YAML, or encrypted YAML when MTX_CONFKEY is set), applies the environment, validates. */
export function parseConf(text: string, env: Env, filePath?: string): LoadedConf {
  // An empty key means no encryption, as in MediaMTX.
  const keyVar = env.MTX_CONFKEY ? 'MTX_CONFKEY' : env.RTSP_CONFKEY ? 'RTSP_CONFKEY' : undefined;
  const plain = keyVar !== undefined && text.trim() !== '' ? decryptConf(text, env[keyVar]!, keyVar) : text;
  const src = plain.trim() === '' ? undefined : parseYaml(plain);
  const notes: ReadNotes = { deprecations: new Set(), isV1: false };
  const conf = buildConf(src?.data ?? {}, src, confEnv(env), notes);
  // A v0.22.2 file is not deprecated here (this server takes it as it is); old names in a v1.x file are, as upstream says.
  const deprecations = notes.isV1 ? [...notes.deprecations] : [];
  return { conf, warnings: [...deprecations, ...notImplementedWarnings(conf)], ...(filePath ? { filePath } : {}) };
}

/**
 * Builds a configuration from a plain object shaped like the file (the API's JSON: `confToObject` of the current one
 * with a change merged in), with the same sections, defaults and rules as the file. The environment is not applied
 * again: the object already holds what it set. Errors name the key (`invalid value for 'paths.cam.readUser': …`).
 */
export function confFromObject(data: unknown): Conf { return buildConf(data, undefined, {}); }

/** The configuration with every default and no paths. */
export function defaultConf(): Conf { return parseConf('', {}).conf; }

/** A path configuration with every default. */
export function defaultPathConf(name: string): PathConf {
  return parseConf(`paths:\n  ${JSON.stringify(name)}:\n`, {}).conf.paths[name]!;
}
