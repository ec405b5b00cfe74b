import { namesOfKey, type Conf, type KeyScope, type PathConf } from '../conf/index.ts';
import { redactUrl } from '../lib/index.ts';
import { confKeys, fullGlobalsObject, fullPathObject, keySpec } from './api-conf-object.ts';
import { PASSWORD_MASK } from './api-conf-view.ts';
import { V3GlobalConfSchema, V3PathConfSchema } from './v3-schemas.ts';

type Obj = Record<string, unknown>;

const SHAPES: Readonly<Record<KeyScope, Readonly<Record<string, { safeParse(v: unknown): { success: boolean } }>>>> = {
  global: V3GlobalConfSchema.shape, path: V3PathConfSchema.shape,
};

/** True when upstream's document names `name` as a current (not deprecated) field of the scope. */
function isCurrentName(scope: KeyScope, name: string): boolean {
  const s = SHAPES[scope][name];
  // Deprecated fields are Go pointers, optional in our schema.
  return s !== undefined && !s.safeParse(undefined).success;
}

/** Settings whose v1.x name means the opposite (`rtspDisable` → `rtsp`). */
const NEGATED = new Set(['rtspDisable', 'rtmpDisable', 'hlsDisable', 'webrtcDisable', 'disablePublisherOverride']);
/** Settings whose v1.x name takes a list (`hlsAllowOrigin` → `hlsAllowOrigins`). */
const WRAPPED = new Set(['hlsAllowOrigin', 'webrtcAllowOrigin']);
/** Path settings upstream keeps only as deprecated fields, shown (as upstream's pointers are) when set. */
const DEPRECATED_SHOWN_WHEN_SET = new Set(['publishUser', 'publishPass', 'publishIPs', 'readUser', 'readPass', 'readIPs', 'fallback']);
/** Fields holding a secret, masked wherever they appear (top level or inside list entries). */
const SECRET_FIELDS = new Set(['pass', 'password', 'publishPass', 'readPass', 'whipBearerToken']);

/** v0.22.2's `type:user:pass:host:port` ICE server as a v1.x `webrtcICEServers2` entry. */
function iceServer(s: string): Obj {
  const p = s.split(':');
  if (p.length === 5) return { url: [p[0], p[3], p[4]].join(':'), username: p[1], password: p[2], clientOnly: false };
  return { url: s, username: '', password: '', clientOnly: false };
}

// Configuration key → its current v1.x name (undefined: none), per scope, found once: a 1,000-path list asks it 150,000 times.
const V3_NAMES: Readonly<Record<KeyScope, ReadonlyMap<string, string | undefined>>> = {
  global: new Map(confKeys('global').map((k) => [k, namesOfKey('global', k).find((n) => isCurrentName('global', n))])),
  path: new Map(confKeys('path').map((k) => [k, namesOfKey('path', k).find((n) => isCurrentName('path', n))])),
};

/** The name and value a configuration key has in the v3 API, or undefined when v3 does not show it. */
function v3Entry(scope: KeyScope, key: string, v: unknown): [string, unknown] | undefined {
  if (key === 'apiPersist') return [key, v]; // our extension
  const name = V3_NAMES[scope].get(key);
  if (name === undefined) {
    if (!DEPRECATED_SHOWN_WHEN_SET.has(key)) return undefined;
    const isSet = Array.isArray(v) ? v.length > 0 : v !== '';
    return isSet ? [key, v] : undefined;
  }
  if (NEGATED.has(key)) return [name, !v];
  if (WRAPPED.has(key)) return [name, v === '' ? [] : [v]];
  if (key === 'webrtcICEServers') return [name, (v as string[]).map(iceServer)];
  return [name, v];
}

/** Masks secrets in a value: fields named as secrets, `isSecret` keys, and credentials in URLs. */
function mask(name: string, v: unknown, isSecret: boolean): unknown {
  if (typeof v === 'string') return v !== '' && (isSecret || SECRET_FIELDS.has(name)) ? PASSWORD_MASK : redactUrl(v);
  if (Array.isArray(v)) return v.map((x) => mask(name, x, isSecret));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(k, x, false)]));
  return v;
}

/** A section in v3 names, unmasked (for comparisons) or masked (what is shown). */
function v3Section(scope: KeyScope, fileForm: Readonly<Obj>, isMasked: boolean): Obj {
  const out: Obj = {};
  for (const key of confKeys(scope)) {
    const e = v3Entry(scope, key, fileForm[key]);
    if (!e) continue;
    out[e[0]] = isMasked ? mask(e[0], e[1], keySpec(scope, key)?.isSecret === true) : e[1];
  }
  return out;
}

/** `GET /v3/config/global/get`: every global setting under its v1.x name, secrets masked. */
export function v3GlobalView(conf: Conf, isMasked = true): Obj {
  return v3Section('global', fullGlobalsObject(conf), isMasked);
}

// Configurations are frozen and replaced, never changed, by a reload: each one's masked view is made once (a list of
// 1,000 paths would otherwise take a fifth of a second per request).
const shown = new WeakMap<object, Obj>();

/** A path configuration (or `pathDefaults`, name '') as v3 shows it: v1.x names, secrets masked. */
export function v3PathView(name: string, p: Omit<PathConf, 'name' | 'regexp'>, isMasked = true): Obj {
  if (!isMasked) return { name, ...v3Section('path', fullPathObject(p), false) };
  let view = shown.get(p);
  if (view === undefined) { view = v3Section('path', fullPathObject(p), true); shown.set(p, view); }
  return { name, ...view };
}

/**
 * Changed values (configuration keys, file form) under the names and in the form v1.x files use, for writing a v3
 * change back to the file: `{rtspDisable: true}` → `{rtsp: false}`. Keys with no v1.x name keep theirs.
 */
export function v3FileValues(scope: KeyScope, values: Readonly<Obj>): Obj {
  const out: Obj = {};
  for (const [key, v] of Object.entries(values)) {
    const e = v3Entry(scope, key, v);
    if (e) out[e[0]] = e[1]; else out[key] = v;
  }
  return out;
}
