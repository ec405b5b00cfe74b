import { createHmac, randomBytes } from 'node:crypto';
import { splitIceServerEntry } from '../../lib/index.ts';

/** An ICE server as RTCPeerConnection takes it (W3C webrtc-pc §4.2.1). */
export interface IceServer { readonly urls: string; readonly username?: string; readonly credential?: string }

// Lifetime of TURN credentials made from a shared secret (the TURN REST API draft, draft-uberti-behave-turn-rest §2.2).
const TURN_SECRET_TTL_S = 24 * 3600;

/**
 * Parses one `webrtcICEServers` entry (MediaMTX v0.22.2): `stun:host:port`, `turn:user:pass:host:port`, or
 * `turn:AUTH_SECRET:secret:host:port`, for which a time-limited username and HMAC-SHA1 password are made now
 * (coturn `use-auth-secret`). `turns:` works like `turn:`. Throws on other shapes, with the password masked.
 */
export function parseIceServer(entry: string, nowMs: number = Date.now()): IceServer {
  // The shape is checked by the same code the configuration loader uses, so a refused entry never gets this far.
  const e = splitIceServerEntry(entry);
  if (e.username === undefined) return { urls: e.url };
  if (e.username !== 'AUTH_SECRET') return { urls: e.url, username: e.username, credential: e.password ?? '' };
  const username = `${Math.floor(nowMs / 1000) + TURN_SECRET_TTL_S}:${randomBytes(8).toString('hex')}`;
  return { urls: e.url, username, credential: createHmac('sha1', e.password ?? '').update(username).digest('base64') };
}

/** Quotes a Link header parameter value (RFC 8288 §3, quoted-string). */
function quoted(v: string): string { return `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`; }

/**
 * The `Link` header values that give ICE servers to a WHIP/WHEP client (draft-ietf-wish-whip §4.4):
 * `<stun:host:port>; rel="ice-server"`, with username, credential and `credential-type="password"` for TURN.
 */
export function iceServerLinks(servers: readonly IceServer[]): string[] {
  return servers.map((s) => {
    let v = `<${s.urls}>; rel="ice-server"`;
    if (s.username !== undefined) v += `; username=${quoted(s.username)}; credential=${quoted(s.credential ?? '')}; credential-type="password"`;
    return v;
  });
}
