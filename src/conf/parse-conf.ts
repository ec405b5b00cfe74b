import { redactSecrets } from '../lib/index.ts';
import type { Conf, PathConf } from './conf-types.ts';
import { ConfError } from './conf-error.ts';
import { GLOBAL_KEYS, PATH_KEYS, type KeySpec } from './keys.ts';
import { parseValue, ValueError } from './value-parsers.ts';
import { parseYaml, type YamlSource } from './yaml-source.ts';
import { decryptConf } from './decrypt.ts';
import { checkConfPathName } from './path-name.ts';
import { validateConf } from './validate-conf.ts';
import { notImplementedWarnings } from './not-implemented.ts';

/** A loaded configuration and what the loader wants the user to know. */
export interface LoadedConf { readonly conf: Conf; readonly warnings: string[]; readonly filePath?: string }

type Env = Readonly<Record<string, string | undefined>>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function at(src: YamlSource | undefined, path: string[]): string {
  const line = src?.lineOf(path);
  return line !== undefined ? ` at line ${line}` : '';
}

/** Where each key's value came from (' at line 3', ' in environment variable MTX_X'), for validateConf's messages. */
type Origins = Map<string, string>;

/** The reason a value was refused; a credential's value is never repeated (it would reach a terminal or a log). */
function reasonOf(err: unknown, spec: KeySpec): string {
  if (spec.isSecret) return err instanceof ValueError ? `expected ${err.expected}` : 'invalid credential';
  return redactSecrets((err as Error).message);
}

function readSection(
  specs: Record<string, KeySpec>, raw: Record<string, unknown>, where: string[], ctx: { src: YamlSource | undefined; origins: Origins },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(specs)) out[k] = parseValue(spec.kind, spec.def, false);
  for (const [k, v] of Object.entries(raw)) {
    const spec = specs[k];
    const keyName = [...where, k].join('.');
    const loc = at(ctx.src, [...where, k]);
    if (!spec) throw new ConfError(`unknown key '${keyName}'${loc}`);
    ctx.origins.set(keyName, loc);
    if (v === null) continue; // an empty value keeps the default, as yaml.v2 leaves zero values to be filled
    try {
      out[k] = parseValue(spec.kind, v, false);
    } catch (err) {
      throw new ConfError(`invalid value for '${keyName}'${loc}: ${reasonOf(err, spec)}`);
    }
  }
  return out;
}

function applyEnv(
  specs: Record<string, KeySpec>, out: Record<string, unknown>, prefixes: string[], ctx: { env: Env; where: string; origins: Origins },
): void {
  for (const [k, spec] of Object.entries(specs)) {
    for (const prefix of prefixes) {
      const name = `${prefix}${k.toUpperCase()}`;
      const v = ctx.env[name];
      if (v === undefined) continue;
      const loc = ` in environment variable ${name}`;
      try {
        out[k] = parseValue(spec.kind, v, true);
      } catch (err) {
        throw new ConfError(`invalid value for '${ctx.where}${k}'${loc}: ${reasonOf(err, spec)}`);
      }
      ctx.origins.set(`${ctx.where}${k}`, loc);
    }
  }
}

function compileName(name: string, loc: string): RegExp | undefined {
  if (name === 'all') return /^.*$/;
  if (!name.startsWith('~')) return undefined;
  try {
    return new RegExp(name.slice(1));
  } catch (err) {
    throw new ConfError(`invalid regular expression in path name '${name}'${loc}: ${(err as Error).message}`);
  }
}

/** Paths named only by environment variables, with the first variable naming each (for messages). */
function envPathNames(env: Env): Map<string, string> {
  const names = new Map<string, string>();
  for (const k of Object.keys(env).sort()) {
    // Env-defined paths are lower-cased and can't contain '_' (MediaMTX's rule).
    const m = /^(?:RTSP|MTX)_PATHS_([^_]+)_[A-Z0-9]+$/.exec(k);
    if (m && !names.has(m[1]!.toLowerCase())) names.set(m[1]!.toLowerCase(), k);
  }
  return names;
}

function readPaths(raw: unknown, env: Env, ctx: { src: YamlSource | undefined; origins: Origins }): Record<string, PathConf> {
  const { src } = ctx;
  if (raw !== null && raw !== undefined && !isPlainObject(raw)) throw new ConfError(`invalid value for 'paths'${at(src, ['paths'])}: expected a map`);
  const entries: [string, unknown][] = Object.entries(raw ?? {});
  const fromEnv = envPathNames(env);
  for (const n of fromEnv.keys()) if (!entries.some(([k]) => k === n)) entries.push([n, {}]);
  const built: PathConf[] = [];
  for (const [name, value] of entries) {
    const envName = fromEnv.get(name);
    const loc = at(src, ['paths', name]) || (envName !== undefined ? ` in environment variable ${envName}` : '');
    const bad = checkConfPathName(name);
    if (bad) throw new ConfError(`invalid path name '${name}'${loc}: ${bad}`);
    if (/^\d+$/.test(name)) throw new ConfError(`invalid path name '${name}'${loc}: integer names are not allowed`);
    if (value !== null && !isPlainObject(value)) throw new ConfError(`invalid value for 'paths.${name}'${loc}: expected a map`);
    const out = readSection(PATH_KEYS, value ?? {}, ['paths', name], ctx);
    const prefixes = [`RTSP_PATHS_${name.toUpperCase()}_`, `MTX_PATHS_${name.toUpperCase()}_`];
    applyEnv(PATH_KEYS, out, prefixes, { env, where: `paths.${name}.`, origins: ctx.origins });
    const regexp = compileName(name, loc);
    built.push({ ...(out as unknown as Omit<PathConf, 'name' | 'regexp'>), name, ...(regexp ? { regexp } : {}) });
  }
  // `all` matches after every other regexp path (MediaMTX HEAD; v0.22.2 left the order to chance).
  built.sort((a, b) => Number(a.name === 'all') - Number(b.name === 'all'));
  const paths: Record<string, PathConf> = {};
  for (const p of built) paths[p.name] = Object.freeze(p);
  return paths;
}

/** Parses configuration text (YAML, or encrypted YAML when MTX_CONFKEY is set), applies the environment, validates. */
export function parseConf(text: string, env: Env, filePath?: string): LoadedConf {
  // An empty key means no encryption, as in MediaMTX.
  const keyVar = env.MTX_CONFKEY ? 'MTX_CONFKEY' : env.RTSP_CONFKEY ? 'RTSP_CONFKEY' : undefined;
  const plain = keyVar !== undefined && text.trim() !== '' ? decryptConf(text, env[keyVar]!, keyVar) : text;
  const src = plain.trim() === '' ? undefined : parseYaml(plain);
  const data = src?.data ?? {};
  if (!isPlainObject(data)) throw new ConfError(`invalid configuration${at(src, [])}: expected a map of keys (key: value lines)`);
  const { paths: rawPaths, ...rawGlobals } = data;
  const origins: Origins = new Map();
  const globals = readSection(GLOBAL_KEYS, rawGlobals, [], { src, origins });
  applyEnv(GLOBAL_KEYS, globals, ['RTSP_', 'MTX_'], { env, where: '', origins });
  const conf = Object.freeze({ ...globals, paths: Object.freeze(readPaths(rawPaths, env, { src, origins })) }) as unknown as Conf;
  validateConf(conf, (key) => origins.get(key) ?? '');
  return { conf, warnings: notImplementedWarnings(conf), ...(filePath ? { filePath } : {}) };
}

/** The configuration with every default and no paths. */
export function defaultConf(): Conf { return parseConf('', {}).conf; }

/** A path configuration with every default. */
export function defaultPathConf(name: string): PathConf {
  return parseConf(`paths:\n  ${JSON.stringify(name)}:\n`, {}).conf.paths[name]!;
}
