import type { Conf, PathConf } from './conf-types.ts';
import { ConfError } from './conf-error.ts';
import { GLOBAL_KEYS, PATH_KEYS, type KeySpec } from './keys.ts';
import { parseValue } from './value-parsers.ts';
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

function readSection(
  specs: Record<string, KeySpec>, raw: Record<string, unknown>, where: string[], src: YamlSource | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(specs)) out[k] = parseValue(spec.kind, spec.def, false);
  for (const [k, v] of Object.entries(raw)) {
    const spec = specs[k];
    const keyName = [...where, k].join('.');
    if (!spec) throw new ConfError(`unknown key '${keyName}'${at(src, [...where, k])}`);
    if (v === null) continue; // an empty value keeps the default, as yaml.v2 leaves zero values to be filled
    try {
      out[k] = parseValue(spec.kind, v, false);
    } catch (err) {
      throw new ConfError(`invalid value for '${keyName}'${at(src, [...where, k])}: ${(err as Error).message}`);
    }
  }
  return out;
}

function applyEnv(specs: Record<string, KeySpec>, out: Record<string, unknown>, prefixes: string[], env: Env, where: string): void {
  for (const [k, spec] of Object.entries(specs)) {
    for (const prefix of prefixes) {
      const name = `${prefix}${k.toUpperCase()}`;
      const v = env[name];
      if (v === undefined) continue;
      try {
        out[k] = parseValue(spec.kind, v, true);
      } catch (err) {
        throw new ConfError(`invalid value for '${where}${k}' in environment variable ${name}: ${(err as Error).message}`);
      }
    }
  }
}

function compileName(name: string): RegExp | undefined {
  if (name === 'all') return /^.*$/;
  if (!name.startsWith('~')) return undefined;
  try {
    return new RegExp(name.slice(1));
  } catch (err) {
    throw new ConfError(`invalid regular expression in path name '${name}': ${(err as Error).message}`);
  }
}

function envPathNames(env: Env): string[] {
  const names = new Set<string>();
  for (const k of Object.keys(env)) {
    // Env-defined paths are lower-cased and can't contain '_' (MediaMTX's rule).
    const m = /^(?:RTSP|MTX)_PATHS_([^_]+)_[A-Z0-9]+$/.exec(k);
    if (m) names.add(m[1]!.toLowerCase());
  }
  return [...names];
}

function readPaths(raw: unknown, env: Env, src: YamlSource | undefined): Record<string, PathConf> {
  if (raw !== null && raw !== undefined && !isPlainObject(raw)) throw new ConfError(`invalid value for 'paths'${at(src, ['paths'])}: expected a map`);
  const entries: [string, unknown][] = Object.entries(raw ?? {});
  for (const n of envPathNames(env)) if (!entries.some(([k]) => k === n)) entries.push([n, {}]);
  const built: PathConf[] = [];
  for (const [name, value] of entries) {
    const bad = checkConfPathName(name);
    if (bad) throw new ConfError(`invalid path name '${name}'${at(src, ['paths', name])}: ${bad}`);
    if (/^\d+$/.test(name)) throw new ConfError(`invalid path name '${name}'${at(src, ['paths', name])}: integer names are not allowed`);
    if (value !== null && !isPlainObject(value)) throw new ConfError(`invalid value for 'paths.${name}'${at(src, ['paths', name])}: expected a map`);
    const out = readSection(PATH_KEYS, value ?? {}, ['paths', name], src);
    applyEnv(PATH_KEYS, out, [`RTSP_PATHS_${name.toUpperCase()}_`, `MTX_PATHS_${name.toUpperCase()}_`], env, `paths.${name}.`);
    const regexp = compileName(name);
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
  const key = env.MTX_CONFKEY || env.RTSP_CONFKEY || undefined;
  const plain = key !== undefined && text.trim() !== '' ? decryptConf(text, key) : text;
  const src = plain.trim() === '' ? undefined : parseYaml(plain);
  const data = src?.data ?? {};
  if (!isPlainObject(data)) throw new ConfError('invalid configuration: expected a map of keys');
  const { paths: rawPaths, ...rawGlobals } = data;
  const globals = readSection(GLOBAL_KEYS, rawGlobals, [], src);
  applyEnv(GLOBAL_KEYS, globals, ['RTSP_', 'MTX_'], env, '');
  const conf = Object.freeze({ ...globals, paths: Object.freeze(readPaths(rawPaths, env, src)) }) as unknown as Conf;
  validateConf(conf);
  return { conf, warnings: notImplementedWarnings(conf), ...(filePath ? { filePath } : {}) };
}

/** The configuration with every default and no paths. */
export function defaultConf(): Conf { return parseConf('', {}).conf; }

/** A path configuration with every default. */
export function defaultPathConf(name: string): PathConf {
  return parseConf(`paths:\n  ${JSON.stringify(name)}:\n`, {}).conf.paths[name]!;
}
