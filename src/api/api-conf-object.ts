import {
  GLOBAL_KEYS, PATH_KEYS, V1_GLOBAL_KEYS, V1_PATH_KEYS, explicitPathKeys, formatByteSize, formatGoDuration, namesOfKey, usesV1Auth,
  type Conf, type KeyScope, type KeySpec, type PathConf,
} from '../conf/index.ts';

// Every setting of both eras, per scope, under its configuration key (the v0.22.2 name when it has one).
const SPECS: Readonly<Record<KeyScope, Readonly<Record<string, KeySpec>>>> = {
  global: { ...GLOBAL_KEYS, ...V1_GLOBAL_KEYS },
  path: { ...PATH_KEYS, ...V1_PATH_KEYS },
};

/** Every configuration key of a scope (v0.22.2 keys, then v1.x ones). */
export function confKeys(scope: KeyScope): readonly string[] { return Object.keys(SPECS[scope]); }

/** The key table entry of a configuration key. */
export function keySpec(scope: KeyScope, key: string): KeySpec | undefined { return SPECS[scope][key]; }

// Any name a file may use (key or alias of either era) → the configuration key it sets.
const KEY_OF: Readonly<Record<KeyScope, ReadonlyMap<string, string>>> = {
  global: new Map(confKeys('global').flatMap((k) => namesOfKey('global', k).map((n) => [n, k] as const))),
  path: new Map(confKeys('path').flatMap((k) => namesOfKey('path', k).map((n) => [n, k] as const))),
};

/** Every name a section may use: each key and its aliases of either era. */
export function confNames(scope: KeyScope): readonly string[] { return [...KEY_OF[scope].keys()]; }

/** The configuration key a name sets (`rtsp` → `rtspDisable`, `maxReaders` → itself), or undefined for an unknown name. */
export function keyOfName(scope: KeyScope, name: string): string | undefined { return KEY_OF[scope].get(name); }

/** One value as the file writes it: durations and sizes as text, lists copied. */
export function fileForm(spec: KeySpec, v: unknown): unknown {
  switch (spec.kind.kind) {
    case 'duration': return formatGoDuration(v as number);
    case 'size': return formatByteSize(v as number);
    default: return Array.isArray(v) ? [...(v as unknown[])] : v;
  }
}

type Obj = Record<string, unknown>;

/** Sets an own entry, also for a name like `__proto__`. */
export function setEntry(o: Obj, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

function section(scope: KeyScope, values: Readonly<Obj>, skip?: (k: string, v: unknown) => boolean): Obj {
  const out: Obj = {};
  for (const [k, spec] of Object.entries(SPECS[scope])) {
    const v = fileForm(spec, values[k]);
    if (!skip?.(k, v)) out[k] = v;
  }
  return out;
}

/** Every key of a path configuration (both eras) in file form, under configuration keys. */
export function fullPathObject(p: Omit<PathConf, 'name' | 'regexp'>): Obj {
  return section('path', p as unknown as Obj);
}

/** Every global key (both eras) in file form, under configuration keys. */
export function fullGlobalsObject(conf: Conf): Obj {
  return section('global', conf as unknown as Obj);
}

/**
 * Keys whose presence (not value) turns MediaMTX v1.x authentication on (conf's auth-conf.ts): written into a change
 * only when the configuration uses it already, or when the change names one of them.
 */
export const V1_AUTH_KEYS: readonly string[] = [
  'authMethod', 'authInternalUsers', 'authHTTPAddress', 'authHTTPExclude', 'authJWTJWKS', 'authJWTClaimKey', 'authJWTExclude', 'authJWTIssuer', 'authJWTAudience',
];

/**
 * The configuration as an object `confFromObject` reads back to the same configuration, to merge an API change into:
 * every global key of both eras, the whole `pathDefaults`, and each path with the keys it set itself or that differ
 * from `pathDefaults` (so a `pathDefaults` change reaches the paths that did not set the key, as upstream's does).
 * HTTP authentication is written in one form only (both are refused): v1.x's `authMethod` + `authHTTPAddress` when
 * v1.x authentication is on, else v0.22.2's `externalAuthenticationURL` without the v1.x authentication keys.
 */
export function confBaseObject(conf: Conf): Obj & { paths: Record<string, Obj>; pathDefaults: Obj } {
  const globals = fullGlobalsObject(conf);
  if (usesV1Auth(conf)) delete globals.externalAuthenticationURL;
  else for (const k of V1_AUTH_KEYS) delete globals[k];
  const pathDefaults = fullPathObject(conf.pathDefaults);
  const paths: Record<string, Obj> = {};
  for (const [name, p] of Object.entries(conf.paths)) {
    const own = explicitPathKeys(p);
    setEntry(paths, name, section('path', p as unknown as Obj, (k, v) => !own.has(k) && JSON.stringify(v) === JSON.stringify(pathDefaults[k])));
  }
  return { ...globals, pathDefaults, paths };
}

/**
 * Sets `name` (any era's name of a key) to `value` in a section, first removing every other name of the same key, so
 * the section never holds two names of one setting (which the parser refuses). Returns the configuration key.
 */
export function setByName(scope: KeyScope, section: Obj, name: string, value: unknown): string {
  const key = keyOfName(scope, name) ?? name;
  for (const n of namesOfKey(scope, key)) if (n !== name) delete section[n];
  setEntry(section, name, value);
  return key;
}
