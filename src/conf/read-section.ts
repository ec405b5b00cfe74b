import { redactSecrets } from '../lib/index.ts';
import { ConfError } from './conf-error.ts';
import type { KeySpec } from './keys.ts';
import { allNames, CONF_KEYS, ignoredName, isV1Name, keyName, type KeyScope } from './renames.ts';
import { parseValue, ValueError } from './value-parsers.ts';
import { listItemShape, overlayEnvList, type ListItemShape } from './env-lists.ts';
import type { YamlSource } from './yaml-source.ts';

/** Environment variables (only RTSP_* and MTX_* are looked at). */
export type Env = Readonly<Record<string, string | undefined>>;

/** What reading the sections learns besides values: deprecated names met, and whether the file is a v1.x one. */
export interface ReadNotes {
  /** Upstream's deprecation warnings, each once, in file order. */
  readonly deprecations: Set<string>;
  /** True once a name only MediaMTX v1.x knows is met (then deprecated names are worth a warning). */
  isV1: boolean;
}

/** Shared state of one load: the source (for lines), where each key's value came from, and the notes. */
export interface ReadCtx {
  readonly src: YamlSource | undefined;
  /** `key` (dotted, configuration name) → ' at line 3', ' in environment variable MTX_X', for validateConf's messages. */
  readonly origins: Map<string, string>;
  readonly notes: ReadNotes;
}

/** Plain map check (a YAML mapping). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** ' at line N' of a key path, or ''. */
export function at(src: YamlSource | undefined, path: readonly string[]): string {
  const line = src?.lineOf(path);
  return line !== undefined ? ` at line ${line}` : '';
}

/** The reason a value was refused; a credential's value is never repeated (it would reach a terminal or a log). */
function reasonOf(err: unknown, spec: KeySpec): string {
  if (spec.isSecret) return err instanceof ValueError ? `expected ${err.expected}` : 'invalid credential';
  return redactSecrets((err as Error).message);
}

/** Freezes a value and everything in it (a configuration is immutable, lists of objects included). */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** The parsed defaults of each scope, built once (a 1,000-path file would parse the same ~150 defaults per path). */
const DEFAULTS = new Map<KeyScope, Readonly<Record<string, unknown>>>();

/** Every key of `scope` with its built-in default; deep-frozen, as every section that keeps a default shares it. */
export function defaultsOf(scope: KeyScope): Readonly<Record<string, unknown>> {
  let d = DEFAULTS.get(scope);
  if (!d) {
    d = deepFreeze(Object.fromEntries(Object.entries(CONF_KEYS[scope]).map(([k, spec]) => [k, parseValue(spec.kind, spec.def, false)])));
    DEFAULTS.set(scope, d);
  }
  return d;
}

/**
 * Reads one section over `base`: each name written (a key, or its other era's name) sets its key. Two names of one
 * setting in one section are refused, naming both: which one was meant can't be known.
 */
export function readSection(
  scope: KeyScope, raw: Record<string, unknown>, where: readonly string[], ctx: ReadCtx, base: Readonly<Record<string, unknown>>,
): { values: Record<string, unknown>; written: Map<string, string> } {
  const values: Record<string, unknown> = { ...base };
  const written = new Map<string, string>(); // key → ' at line N', for keys written in this section
  const writtenAs = new Map<string, string>(); // key → the name written
  for (const [k, v] of Object.entries(raw)) {
    const dotted = [...where, k].join('.');
    const loc = at(ctx.src, [...where, k]);
    if (isV1Name(scope, k)) ctx.notes.isV1 = true;
    const name = keyName(scope, k);
    const ignored = name ? undefined : ignoredName(scope, k);
    if (ignored) {
      ctx.notes.deprecations.add(ignored.deprecation);
      if (v !== null) parseOrThrow(ignored.spec, v, dotted, loc);
      continue;
    }
    if (!name) throw new ConfError(`unknown key '${dotted}'${loc}`);
    if (name.deprecation) ctx.notes.deprecations.add(name.deprecation);
    const other = writtenAs.get(name.key);
    if (other !== undefined) {
      throw new ConfError(`'${[...where, other].join('.')}'${written.get(name.key)!} and '${dotted}'${loc} are two names (MediaMTX v0.22 and v1.x) of one setting: keep one`);
    }
    writtenAs.set(name.key, k);
    written.set(name.key, loc);
    // The message of a rule broken later names the configuration key: the origin says which name was written.
    ctx.origins.set([...where, name.key].join('.'), name.key === k ? loc : `${loc} (written '${k}')`);
    if (v === null) continue; // an empty value keeps the default, as yaml.v2 leaves zero values to be filled
    values[name.key] = convertOrThrow(name.convert, parseOrThrow(name.spec, v, dotted, loc), name.spec, dotted, loc);
  }
  return { values, written };
}

function parseOrThrow(spec: KeySpec, v: unknown, dotted: string, loc: string, fromEnv = false): unknown {
  try {
    return parseValue(spec.kind, v, fromEnv);
  } catch (err) {
    throw new ConfError(`invalid value for '${dotted}'${loc}: ${reasonOf(err, spec)}`);
  }
}

function convertOrThrow(convert: (v: unknown) => unknown, v: unknown, spec: KeySpec, dotted: string, loc: string): unknown {
  try {
    return convert(v);
  } catch (err) {
    throw new ConfError(`invalid value for '${dotted}'${loc}: ${reasonOf(err, spec)}`);
  }
}

/** Upper-cased name (key or alias) → name, per scope: environment variables are matched against it (built once). */
const UPPER_NAMES = new Map<KeyScope, Map<string, string>>();

/** Upper-cased name → the fields of its entries, for the keys that are lists of objects (`AUTHINTERNALUSERS`), per scope. */
const OBJECT_LISTS = new Map<KeyScope, Map<string, ListItemShape>>();

function objectLists(scope: KeyScope): Map<string, ListItemShape> {
  let m = OBJECT_LISTS.get(scope);
  if (!m) {
    m = new Map();
    for (const n of allNames(scope)) {
      const name = keyName(scope, n)!;
      // Only a key's own name: an alias's value is stored in another form (webrtcICEServers2's in v0.22.2's strings).
      if (name.key !== n || name.spec.kind.kind !== 'schema') continue;
      const shape = listItemShape(name.spec.kind.schema);
      if (shape) m.set(n.toUpperCase(), shape);
    }
    OBJECT_LISTS.set(scope, m);
  }
  return m;
}

/**
 * Applies `<prefix><NAME>` variables of every prefix in order (RTSP_ then MTX_, so the newer prefix wins, as in
 * MediaMTX); either era's name works. Two names of one setting under one prefix are refused, naming both. Lists of
 * objects also take MediaMTX's positional variables (`MTX_AUTHINTERNALUSERS_0_USER`, see overlayEnvList). Returns
 * the keys the variables set.
 */
export function applyEnv(scope: KeyScope, out: Record<string, unknown>, prefixes: readonly string[], ctx: { env: Env; where: string; origins: Map<string, string> }): Set<string> {
  let upper = UPPER_NAMES.get(scope);
  if (!upper) UPPER_NAMES.set(scope, upper = new Map(allNames(scope).map((k) => [k.toUpperCase(), k])));
  const lists = objectLists(scope);
  const setKeys = new Set<string>();
  // The variables are scanned rather than every name looked up: a 1,000-path file would otherwise cost 250,000
  // lookups per load (and per hot reload).
  const names = Object.keys(ctx.env).sort();
  for (const prefix of prefixes) {
    const setBy = new Map<string, string>();
    const positional = new Map<string, string>(); // upper-cased list name → its first positional variable
    for (const envName of names) {
      if (!envName.startsWith(prefix)) continue;
      const rest = envName.slice(prefix.length);
      const written = upper.get(rest);
      const v = ctx.env[envName];
      if (v === undefined) continue;
      if (written === undefined) {
        const m = /^([A-Z0-9]+)_\d+_/.exec(rest);
        if (m && lists.has(m[1]!) && !positional.has(m[1]!)) positional.set(m[1]!, envName);
        continue;
      }
      const name = keyName(scope, written)!;
      const loc = ` in environment variable ${envName}`;
      const other = setBy.get(name.key);
      if (other !== undefined) throw new ConfError(`environment variables ${other} and ${envName} are two names (MediaMTX v0.22 and v1.x) of one setting: keep one`);
      setBy.set(name.key, envName);
      const dotted = `${ctx.where}${written}`;
      out[name.key] = convertOrThrow(name.convert, parseOrThrow(name.spec, v, dotted, loc, true), name.spec, dotted, loc);
      ctx.origins.set(`${ctx.where}${name.key}`, loc);
      setKeys.add(name.key);
    }
    for (const [listName, firstVar] of positional) {
      const written = upper.get(listName)!;
      // `<NAME>=` (the whole list) is upstream's way to empty it; positional variables then add nothing.
      if (setBy.has(written)) continue;
      const name = keyName(scope, written)!;
      const loc = ` in environment variable ${firstVar}`;
      const dotted = `${ctx.where}${written}`;
      const raw = overlayEnvList(lists.get(listName)!, out[name.key], ctx.env, `${prefix}${listName}`);
      out[name.key] = convertOrThrow(name.convert, parseOrThrow(name.spec, raw, dotted, loc), name.spec, dotted, loc);
      ctx.origins.set(`${ctx.where}${name.key}`, loc);
      setKeys.add(name.key);
    }
  }
  return setKeys;
}

/** The variables that can configure the server (RTSP_*, MTX_*), copied once: process.env is slow to enumerate and read. */
export function confEnv(env: Env): Env {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && (k.startsWith('MTX_') || k.startsWith('RTSP_'))) out[k] = v;
  return out;
}
