import { confToObject, pathConfToObject, type Conf, type PathConf } from '../conf/index.ts';
import { redactUrl } from '../lib/index.ts';

/** What a password is shown as (MediaMTX v1's mask), hashed (`sha256:`, `argon2:`) or not. */
export const PASSWORD_MASK = '<redacted>';

const PASSWORD_KEYS = new Set(['publishPass', 'readPass']);
// Go's JSON encoders of these types sort them, so v0.22.2 answered them sorted.
const SORTED_KEYS = new Set(['logDestinations', 'protocols', 'authMethods', 'hlsTrustedProxies', 'webrtcTrustedProxies', 'publishIPs', 'readIPs']);

/** `turn:user:pass:host:port` (v0.22.2's ICE server form) with the password masked. */
function maskIceServer(s: string): string {
  const parts = s.split(':');
  return parts.length === 5 ? [parts[0], parts[1], PASSWORD_MASK, parts[3], parts[4]].join(':') : s;
}

/**
 * How the API shows one configuration value: passwords masked (hashes too: an unsalted sha256 of a weak password is
 * easily reversed, and upstream masks them), passwords in URLs and commands (`rtsp://user:xxxxx@cam`, `?pass=xxxxx`)
 * and in ICE servers masked, lists sorted as Go sorted them.
 */
export function maskValue(key: string, v: unknown): unknown {
  if (PASSWORD_KEYS.has(key)) return typeof v === 'string' && v !== '' ? PASSWORD_MASK : v;
  if (typeof v === 'string') return redactUrl(v);
  if (!Array.isArray(v)) return v;
  const list = (v as unknown[]).map((x) => (typeof x !== 'string' ? x : key === 'webrtcICEServers' ? maskIceServer(x) : redactUrl(x)));
  return SORTED_KEYS.has(key) ? list.sort() : list;
}

function maskAll(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = maskValue(k, v);
  return out;
}

/** A path configuration as the API shows it (`PathConf`). */
export function pathConfView(p: PathConf): Record<string, unknown> {
  return maskAll(pathConfToObject(p));
}

/** The configuration as `GET /v1/config/get` shows it: every key in MediaMTX's order, secrets masked, paths by name. */
export function confView(conf: Conf): Record<string, unknown> {
  const { paths, ...globals } = confToObject(conf);
  const out = maskAll(globals);
  const shown: Record<string, unknown> = {};
  // Go writes map keys sorted.
  for (const name of Object.keys(paths).sort()) Object.defineProperty(shown, name, { value: maskAll(paths[name]!), enumerable: true });
  out.paths = shown;
  return out;
}

/** Deep equality of JSON values. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * True when a client sent back what the API showed instead of the stored value (a masked password, a URL with
 * `xxxxx`): the stored value is kept, so reading the configuration, editing one key and sending it all back works.
 */
export function isMaskedEcho(key: string, sent: unknown, stored: unknown): boolean {
  return !sameJson(sent, stored) && sameJson(sent, maskValue(key, stored));
}
