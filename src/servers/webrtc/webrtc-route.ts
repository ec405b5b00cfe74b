import { isValidPathName } from '../../conf/index.ts';

/** Longest raw path and query the server reads; longer ones are answered 414. */
export const WEBRTC_MAX_TARGET_BYTES = 2048;

/** What a request URL of the WebRTC server asks for. */
export type WebRtcRoute =
  | { readonly kind: 'notFound' }
  | { readonly kind: 'bad'; readonly status: 400 | 414; readonly reason: string }
  /** `/cam` → `/cam/` (the reader page's relative URLs need the slash). */
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'readerPage'; readonly pathName: string; readonly query: string }
  | { readonly kind: 'publishPage'; readonly pathName: string; readonly query: string }
  /** `POST /{path}/whep|whip` (draft-ietf-wish-whep §4.1, draft-ietf-wish-whip §4.2) and OPTIONS on it. */
  | { readonly kind: 'endpoint'; readonly role: 'whep' | 'whip'; readonly pathName: string; readonly query: string }
  /** The session resource a 201 pointed at (`Location`): PATCH (trickle ICE) and DELETE. */
  | { readonly kind: 'session'; readonly role: 'whep' | 'whip'; readonly pathName: string; readonly sessionId: string; readonly query: string };

const ENCODED_SEPARATOR = /%(2f|5c|00)/i;
const PRINTABLE = /^[\x21-\x7e]+$/;
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function withPath(pathName: string, make: (p: string) => WebRtcRoute): WebRtcRoute {
  const invalid = isValidPathName(pathName);
  return invalid !== undefined ? { kind: 'bad', status: 400, reason: `invalid path name: ${invalid}` } : make(pathName);
}

/**
 * Parses the request target (origin-form path and query) into a route, refusing what could escape a path name or
 * forge a redirect, as the HLS server does: encoded separators, backslashes, names outside MediaMTX's set (400),
 * overlong targets (414). Leading slashes collapse, so `//evil.com` redirects on this host.
 */
export function parseWebRtcRoute(target: string): WebRtcRoute {
  if (!target.startsWith('/')) return { kind: 'bad', status: 400, reason: 'the request target must be a path' };
  if (target.length > WEBRTC_MAX_TARGET_BYTES) return { kind: 'bad', status: 414, reason: 'request target too long' };
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);
  if (ENCODED_SEPARATOR.test(rawPath) || rawPath.includes('\\')) return { kind: 'bad', status: 400, reason: 'encoded separators are not allowed' };
  let pa: string;
  try {
    pa = decodeURIComponent(rawPath).replace(/^\/+/, '');
  } catch {
    return { kind: 'bad', status: 400, reason: 'malformed percent-encoding' };
  }
  if (pa === '' || pa === 'favicon.ico') return { kind: 'notFound' };
  const parts = pa.split('/');
  const last = parts[parts.length - 1]!;
  const prev = parts[parts.length - 2];
  if (parts.length >= 3 && (prev === 'whep' || prev === 'whip') && SESSION_ID.test(last)) {
    return withPath(parts.slice(0, -2).join('/'), (pathName) => ({ kind: 'session', role: prev, pathName, sessionId: last, query }));
  }
  if (parts.length >= 2 && (last === 'whep' || last === 'whip')) {
    return withPath(parts.slice(0, -1).join('/'), (pathName) => ({ kind: 'endpoint', role: last, pathName, query }));
  }
  if (parts.length >= 2 && last === 'publish') {
    return withPath(parts.slice(0, -1).join('/'), (pathName) => ({ kind: 'publishPage', pathName, query }));
  }
  const pathName = pa.endsWith('/') ? pa.slice(0, -1) : pa;
  return withPath(pathName, (p) => (pa.endsWith('/')
    ? { kind: 'readerPage', pathName: p, query }
    : { kind: 'redirect', location: `/${p}/${PRINTABLE.test(query) ? `?${query}` : ''}` }));
}
