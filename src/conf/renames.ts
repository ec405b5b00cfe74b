import { GLOBAL_KEYS, PATH_KEYS, type KeySpec } from './keys.ts';
import { V1_GLOBAL_KEYS, V1_PATH_KEYS, ICE_SERVERS2 } from './keys-v1.ts';
import { ValueError } from './value-parsers.ts';
import { maskIceServerEntry } from '../lib/index.ts';

/** Where a key lives: the top level (and `pathDefaults`' siblings) or a path section (`pathDefaults`, `paths.<name>`). */
export type KeyScope = 'global' | 'path';

/** How a value written under the old name becomes the new one (and back). */
type Conversion = 'copy' | 'negate' | 'wrap' | 'iceServers';

/**
 * The renames of MediaMTX v1.x (MEDIAMTX-COMPAT.md §2.3), old name first, as data. The configuration keeps one key per
 * setting: the v0.22.2 name when there is one (the rest of the code reads it), else the v1.x name; the other is an alias.
 */
const RENAMES: readonly (readonly [KeyScope, string, string, Conversion])[] = [
  ['global', 'readBufferCount', 'writeQueueSize', 'copy'],
  ['global', 'rtspDisable', 'rtsp', 'negate'],
  ['global', 'protocols', 'rtspTransports', 'copy'],
  ['global', 'encryption', 'rtspEncryption', 'copy'],
  ['global', 'serverKey', 'rtspServerKey', 'copy'],
  ['global', 'serverCert', 'rtspServerCert', 'copy'],
  ['global', 'authMethods', 'rtspAuthMethods', 'copy'],
  ['global', 'rtmpDisable', 'rtmp', 'negate'],
  ['global', 'hlsDisable', 'hls', 'negate'],
  ['global', 'hlsAllowOrigin', 'hlsAllowOrigins', 'wrap'],
  ['global', 'webrtcDisable', 'webrtc', 'negate'],
  ['global', 'webrtcAllowOrigin', 'webrtcAllowOrigins', 'wrap'],
  ['global', 'webrtcICEServers', 'webrtcICEServers2', 'iceServers'],
  ['global', 'webrtcICEUDPMuxAddress', 'webrtcLocalUDPAddress', 'copy'],
  ['global', 'webrtcICETCPMuxAddress', 'webrtcLocalTCPAddress', 'copy'],
  ['global', 'webrtcICEHostNAT1To1IPs', 'webrtcAdditionalHosts', 'copy'],
  ['global', 'apiAllowOrigin', 'apiAllowOrigins', 'wrap'],
  ['global', 'metricsAllowOrigin', 'metricsAllowOrigins', 'wrap'],
  ['global', 'pprofAllowOrigin', 'pprofAllowOrigins', 'wrap'],
  ['global', 'playbackAllowOrigin', 'playbackAllowOrigins', 'wrap'],
  ['global', 'rtspUDPReadBufferSize', 'udpReadBufferSize', 'copy'],
  ['global', 'moqHTTPS2Address', 'moqHTTP2Address', 'copy'],
  ['global', 'moqHTTPS3Address', 'moqHTTP3Address', 'copy'],
  ['path', 'disablePublisherOverride', 'overridePublisher', 'negate'],
  ['path', 'sourceProtocol', 'rtspTransport', 'copy'],
  ['path', 'sourceAnyPortEnable', 'rtspAnyPort', 'copy'],
  ['path', 'runOnReady', 'runOnAvailable', 'copy'],
  ['path', 'runOnReadyRestart', 'runOnAvailableRestart', 'copy'],
  ['path', 'runOnNotReady', 'runOnUnavailable', 'copy'],
  ['path', 'rpiCameraProfile', 'rpiCameraH264Profile', 'copy'],
  ['path', 'rpiCameraLevel', 'rpiCameraH264Level', 'copy'],
  // Intermediate names (v1.14–v1.19.1) of the same two settings.
  ['path', 'rpiCameraHardwareH264Profile', 'rpiCameraH264Profile', 'copy'],
  ['path', 'rpiCameraSoftwareH264Profile', 'rpiCameraH264Profile', 'copy'],
  ['path', 'rpiCameraHardwareH264Level', 'rpiCameraH264Level', 'copy'],
  ['path', 'rpiCameraSoftwareH264Level', 'rpiCameraH264Level', 'copy'],
  ['path', 'rpiCameraJPEGQuality', 'rpiCameraMJPEGQuality', 'copy'],
];

/** Every key of the configuration (v0.22.2 keys, then v1.x additions), per scope. */
export const CONF_KEYS: Readonly<Record<KeyScope, Readonly<Record<string, KeySpec>>>> = {
  global: { ...GLOBAL_KEYS, ...V1_GLOBAL_KEYS },
  path: { ...PATH_KEYS, ...V1_PATH_KEYS },
};

/** Names MediaMTX v0.22.2 knew: a file using any other name is a v1.x file. */
const V022_NAMES: Readonly<Record<KeyScope, ReadonlySet<string>>> = { global: new Set(Object.keys(GLOBAL_KEYS)), path: new Set(Object.keys(PATH_KEYS)) };

/** How one name written in a file is read: the key it sets, how its value is parsed and turned into that key's value. */
export interface KeyName {
  readonly key: string;
  readonly spec: KeySpec;
  readonly convert: (v: unknown) => unknown;
  /** Upstream's warning when this name is the deprecated one of a rename. */
  readonly deprecation?: string;
}

const identity = (v: unknown): unknown => v;

function replaced(old: string, by: string): string { return `parameter '${old}' is deprecated and has been replaced with '${by}'`; }

/** Turns `webrtcICEServers2` objects into v0.22.2's strings (`turn:user:pass:host:port` when there are credentials). */
function iceServersToStrings(v: unknown): string[] {
  // The key is secret, so only a ValueError's `expected` reaches the message (the value would show passwords); the
  // strings made here are checked with every other ICE server by validateConf, naming the key and its line.
  return (v as { url: string; username: string; password: string; clientOnly: boolean }[]).map((s, i) => {
    const server = `entry ${i + 1}, url '${maskIceServerEntry(s.url)}'`;
    // v0.22.2's form has no place for these: refused rather than dropped.
    if (s.clientOnly) throw new ValueError(`no 'clientOnly', which is not supported yet (${server})`, v);
    if (s.username === '' && s.password === '') return s.url;
    const parts = s.url.split(':');
    if (parts.length !== 3 || `${s.username}${s.password}`.includes(':')) throw new ValueError(`a url type:host:port and a username and password without ':' (${server})`, v);
    return [parts[0], s.username, s.password, parts[1], parts[2]].join(':');
  });
}

function firstOrigin(v: unknown): string {
  const l = v as string[];
  // v0.22.2's single Access-Control-Allow-Origin value: a list of several can't be honoured yet, so it is refused.
  if (l.length > 1) throw new Error('more than one origin is not supported yet: give one origin or \'*\'');
  return l[0] ?? '';
}

function build(): Record<KeyScope, Map<string, KeyName>> {
  const out: Record<KeyScope, Map<string, KeyName>> = { global: new Map(), path: new Map() };
  for (const scope of ['global', 'path'] as const) {
    const keys = CONF_KEYS[scope];
    for (const [k, spec] of Object.entries(keys)) out[scope].set(k, { key: k, spec, convert: identity });
  }
  for (const [scope, old, next, conv] of RENAMES) {
    const m = out[scope];
    const oldIsKey = Object.hasOwn(CONF_KEYS[scope], old);
    if (oldIsKey) {
      // The v1.x name is the alias: its value is read in the v1.x form and turned into the v0.22.2 one.
      const target = m.get(old)!;
      m.set(old, { ...target, deprecation: replaced(old, next) });
      const spec: KeySpec = conv === 'wrap' ? { kind: { kind: 'stringList' }, def: [] }
        : conv === 'iceServers' ? { kind: { kind: 'schema', schema: ICE_SERVERS2, expected: 'a list of {url, username, password}' }, def: [], isSecret: true }
          : target.spec;
      const convert = conv === 'negate' ? (v: unknown) => !v : conv === 'wrap' ? firstOrigin : conv === 'iceServers' ? iceServersToStrings : identity;
      if (!m.has(next)) m.set(next, { key: old, spec, convert });
    } else {
      // The old name is the alias (the setting is new in v1.x, or both names are aliases of a v0.22.2 key).
      const target = m.get(next)!;
      const spec: KeySpec = conv === 'wrap' ? { kind: { kind: 'string' }, def: '' } : target.spec;
      const convert = conv === 'negate' ? (v: unknown) => target.convert(!v) : conv === 'wrap' ? (v: unknown) => target.convert([v]) : target.convert;
      m.set(old, { key: target.key, spec, convert, deprecation: replaced(old, next) });
    }
  }
  // Deprecated without a one-to-one rename: upstream's own words.
  const note = (scope: KeyScope, k: string, deprecation: string): void => { out[scope].set(k, { ...out[scope].get(k)!, deprecation }); };
  note('global', 'externalAuthenticationURL', `${replaced('externalAuthenticationURL', 'authMethod')} and 'authHTTPAddress'`);
  note('path', 'fallback', 'the \'fallback\' feature is deprecated, use \'alwaysAvailable\' instead');
  const credentials = ['publishUser', 'publishPass', 'publishIPs', 'readUser', 'readPass', 'readIPs'];
  for (const k of credentials) {
    note('path', k, `you are using one or more authentication-related deprecated parameters (${credentials.join(', ')}). These have been replaced by 'authInternalUsers'`);
  }
  return out;
}

const NAMES = build();

/** How `name` is read in `scope`, or undefined for an unknown key. */
export function keyName(scope: KeyScope, name: string): KeyName | undefined {
  return NAMES[scope].get(name);
}

/** Every name (key and aliases) of `scope`, for matching environment variables. */
export function allNames(scope: KeyScope): readonly string[] { return [...NAMES[scope].keys()]; }

/** True when `name` is not a MediaMTX v0.22.2 name: its file is a v1.x file. */
export function isV1Name(scope: KeyScope, name: string): boolean { return !V022_NAMES[scope].has(name); }

/** Every (old, new) rename pair of a scope, for tests and documentation. */
export function renamePairs(scope: KeyScope): readonly (readonly [string, string])[] {
  return RENAMES.filter((r) => r[0] === scope).map((r) => [r[1], r[2]] as const);
}

/** Deprecated keys that are read (their value checked) and then dropped, with upstream's warning. */
const IGNORED: readonly (readonly [KeyScope, string, KeySpec, string])[] = [
  ['global', 'authJWTInHTTPQuery', { kind: { kind: 'bool' }, def: false }, 'parameter \'authJWTInHTTPQuery\' is deprecated and will be removed in a future release'],
  ['path', 'playback', { kind: { kind: 'bool' }, def: false }, 'parameter \'playback\' is deprecated and has no effect'],
  ...(['rtspUDPReadBufferSize', 'mpegtsUDPReadBufferSize', 'rtpUDPReadBufferSize'] as const).map((k) =>
    ['path', k, { kind: { kind: 'int', min: 0 }, def: 0 }, replaced(k, 'udpReadBufferSize')] as const),
];

/** How a deprecated key with no effect is read: its value is checked, then dropped. */
export function ignoredName(scope: KeyScope, name: string): { readonly spec: KeySpec; readonly deprecation: string } | undefined {
  const row = IGNORED.find((r) => r[0] === scope && r[1] === name);
  return row ? { spec: row[2], deprecation: row[3] } : undefined;
}

/** v1.1's global recording keys, moved into `pathDefaults` by v1.2. */
export const MOVED_TO_PATH_DEFAULTS: readonly string[] = ['record', 'recordPath', 'recordFormat', 'recordPartDuration', 'recordSegmentDuration', 'recordDeleteAfter'];

/** Upstream's warning for a v1.1 global recording key. */
export function movedWarning(k: string): string { return replaced(k, `pathDefaults.${k}`); }

/** Every name a file may give configuration key `key` (itself first), e.g. for a writer to find `rtspTransports` for `protocols`. */
export function namesOfKey(scope: KeyScope, key: string): readonly string[] {
  return [key, ...[...NAMES[scope]].filter(([n, k]) => k.key === key && n !== key).map(([n]) => n)];
}
