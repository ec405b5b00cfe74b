import { createHmac, randomBytes } from 'node:crypto';

/** An ICE server as RTCPeerConnection takes it (W3C webrtc-pc §4.2.1). */
export interface IceServer { readonly urls: string; readonly username?: string; readonly credential?: string }

// Lifetime of TURN credentials made from a shared secret (the TURN REST API draft, draft-uberti-behave-turn-rest §2.2).
const TURN_SECRET_TTL_S = 24 * 3600;

/**
 * Parses one `webrtcICEServers` entry (MediaMTX v0.22.2): `stun:host:port`, `turn:user:pass:host:port`, or
 * `turn:AUTH_SECRET:secret:host:port`, for which a time-limited username and HMAC-SHA1 password are made now
 * (coturn `use-auth-secret`). `turns:` works like `turn:`. Throws on other shapes.
 */
export function parseIceServer(entry: string, nowMs: number = Date.now()): IceServer {
  const parts = entry.split(':');
  const scheme = parts[0];
  if (scheme !== 'stun' && scheme !== 'stuns' && scheme !== 'turn' && scheme !== 'turns') throw new Error(`invalid ICE server '${entry}': unknown scheme`);
  if (parts.length === 3 || (parts.length === 2 && scheme.startsWith('stun'))) return { urls: entry };
  if (parts.length !== 5) throw new Error(`invalid ICE server '${scheme}:…': expected ${scheme}:host:port or ${scheme}:user:pass:host:port`);
  const [, user, pass, host, port] = parts as [string, string, string, string, string];
  const urls = `${scheme}:${host}:${port}`;
  if (user !== 'AUTH_SECRET') return { urls, username: user, credential: pass };
  const username = `${Math.floor(nowMs / 1000) + TURN_SECRET_TTL_S}:${randomBytes(8).toString('hex')}`;
  return { urls, username, credential: createHmac('sha1', pass).update(username).digest('base64') };
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
