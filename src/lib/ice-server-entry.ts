import { REDACTED } from './redact-url.ts';

/** One `webrtcICEServers` entry split into its parts (MediaMTX v0.22.2's `scheme:host:port` or `scheme:user:pass:host:port`). */
export interface IceServerEntry {
  /** `stun`, `stuns`, `turn` or `turns` (RFC 7064 §3.1, RFC 7065 §3.1). */
  readonly scheme: string;
  /** The URL without credentials, `scheme:host[:port]`, as an RTCIceServer's `urls` takes it. */
  readonly url: string;
  readonly username?: string;
  /** The TURN password, or the shared secret when `username` is `AUTH_SECRET`. */
  readonly password?: string;
}

/** Thrown for an entry of the wrong shape; the message never repeats a password (it reaches a terminal or a log). */
export class IceServerEntryError extends Error {
  override readonly name = 'IceServerEntryError';
}

const SCHEMES = new Set(['stun', 'stuns', 'turn', 'turns']);
// A host name or IPv4 address; IPv6 can't be written in this colon-separated form.
const HOST = /^[A-Za-z0-9._-]+$/;
// RFC 7065 §3.1: a TURN URI may end in `?transport=udp|tcp`.
const PORT = /^(\d{1,5})(\?transport=[a-z]+)?$/;

/**
 * An entry as it may be shown: the password of the credentials form is masked, and of an entry whose shape is not
 * known (`turn:a:b:c`, where any part may be the password) only the scheme is kept.
 */
export function maskIceServerEntry(entry: string): string {
  const parts = entry.split(':');
  if (parts.length === 5) return [parts[0], parts[1], REDACTED, parts[3], parts[4]].join(':');
  return parts.length <= 3 ? entry : `${parts[0]}:…`;
}

/**
 * Splits one `webrtcICEServers` entry: `stun:host[:port]`, `turn:host:port`, `turn:user:pass:host:port`, or
 * `turn:AUTH_SECRET:secret:host:port` (the secret stays in `password`; the caller makes credentials from it).
 * Throws IceServerEntryError naming the masked entry for any other shape.
 */
export function splitIceServerEntry(entry: string): IceServerEntry {
  const parts = entry.split(':');
  const scheme = parts[0]!;
  const fail = (reason: string): never => { throw new IceServerEntryError(`invalid ICE server '${maskIceServerEntry(entry)}': ${reason}`); };
  if (!SCHEMES.has(scheme)) fail('unknown scheme (expected stun:, stuns:, turn: or turns:)');
  const shapes = `expected ${scheme}:host:port or ${scheme}:user:pass:host:port`;
  // pion (and so MediaMTX) takes `stun:host` with the default port 3478; this form has no credentials.
  const hasCredentials = parts.length === 5;
  if (!(parts.length === 3 || hasCredentials || (parts.length === 2 && scheme.startsWith('stun')))) fail(shapes);
  const [host, port] = hasCredentials ? [parts[3]!, parts[4]] : [parts[1]!, parts[2]];
  if (!HOST.test(host)) fail(`invalid host (${shapes})`);
  const m = port === undefined ? undefined : PORT.exec(port);
  if (port !== undefined && (!m || Number(m[1]) < 1 || Number(m[1]) > 65535)) fail(`invalid port (${shapes})`);
  if (!hasCredentials) return { scheme, url: entry };
  if (parts[1] === '') fail(`empty user name (${shapes})`);
  return { scheme, url: `${scheme}:${host}:${port!}`, username: parts[1]!, password: parts[2]! };
}
