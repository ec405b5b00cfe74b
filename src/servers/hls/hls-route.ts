import { isValidPathName } from '../../conf/index.ts';

/** Longest raw path (before the query) and query the server reads; longer ones are answered 414. */
export const HLS_MAX_PATH_BYTES = 2048;
export const HLS_MAX_QUERY_BYTES = 2048;

/** The file of hls.js served beside every page (relative URL), so the page needs no third-party host. */
export const HLS_JS_FILE = 'hls.min.js';

/** What a request URL asks for. */
export type HlsRoute =
  | { readonly kind: 'notFound' }
  | { readonly kind: 'bad'; readonly status: 400 | 414; readonly reason: string }
  /** `/cam` → `/cam/` (the page's relative URLs need the slash). */
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'asset' }
  /** The player page of a path. */
  | { readonly kind: 'page'; readonly pathName: string; readonly query: string }
  /** A playlist, init section, segment or part of a path. */
  | { readonly kind: 'file'; readonly pathName: string; readonly file: string; readonly query: string };

// Files a muxer serves, by extension (MediaMTX v0.22.2 routes on these; `.mp` is a truncated `.mp4` it accepts).
const MUXER_FILE = /\.(m3u8|ts|mp4|mp)$/;
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;
// Encoded `/`, `\` and NUL: a decoded path must not gain separators or terminators the raw one did not show.
const ENCODED_SEPARATOR = /%(2f|5c|00)/i;
const PRINTABLE = /^[\x21-\x7e]+$/;

/**
 * Parses the request target (`req.url`: origin-form path and query) into a route, refusing what could escape a
 * path name or forge a redirect: encoded separators, backslashes, `.`/`..` segments, names outside MediaMTX's
 * character set (400), overlong paths or queries (414). Leading slashes are collapsed, so `//evil.com` redirects
 * to `/evil.com/` on this host, never to another one (MediaMTX #2772).
 */
export function parseHlsRoute(target: string): HlsRoute {
  if (!target.startsWith('/')) return bad(400, 'the request target must be a path');
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);
  if (rawPath.length > HLS_MAX_PATH_BYTES) return bad(414, 'path too long');
  if (query.length > HLS_MAX_QUERY_BYTES) return bad(414, 'query too long');
  if (ENCODED_SEPARATOR.test(rawPath) || rawPath.includes('\\')) return bad(400, 'encoded separators are not allowed');
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return bad(400, 'malformed percent-encoding');
  }
  const pa = decoded.replace(/^\/+/, '');
  if (pa === '' || pa === 'favicon.ico') return { kind: 'notFound' };

  const slash = pa.lastIndexOf('/');
  const base = pa.slice(slash + 1);
  if (base === HLS_JS_FILE) return { kind: 'asset' };
  if (MUXER_FILE.test(base)) {
    if (slash < 0) return { kind: 'notFound' }; // a file without a path (`/index.m3u8`)
    if (!FILE_NAME.test(base)) return bad(400, 'invalid file name');
    const pathName = pa.slice(0, slash);
    const invalid = isValidPathName(pathName);
    if (invalid !== undefined) return bad(400, `invalid path name: ${invalid}`);
    return { kind: 'file', pathName, file: base.endsWith('.mp') ? `${base}4` : base, query };
  }
  const pathName = pa.endsWith('/') ? pa.slice(0, -1) : pa;
  const invalid = isValidPathName(pathName);
  if (invalid !== undefined) return bad(400, `invalid path name: ${invalid}`);
  // Only a validated name (letters, digits, `_-./~`, no empty segment) reaches the Location header.
  // The query goes along (external authentication may read a token there) when it is printable ASCII.
  if (!pa.endsWith('/')) return { kind: 'redirect', location: `/${pathName}/${PRINTABLE.test(query) ? `?${query}` : ''}` };
  return { kind: 'page', pathName, query };
}

function bad(status: 400 | 414, reason: string): HlsRoute { return { kind: 'bad', status, reason }; }

// Targets longer than this are parsed every time: HLS players' URLs are far shorter, and the memory stays small.
const MAX_CACHED_TARGET = 256;

/**
 * parseHlsRoute with a memory of recent targets: every reader asks for the same playlists, parts and blocking
 * reloads (`stream.m3u8?_HLS_msn=…`), so most requests find their route here. Routes are immutable and depend only on
 * the target. When full it starts over, so a client sending only new targets costs a parse each, as without it.
 */
export class HlsRouteCache {
  private readonly routes = new Map<string, HlsRoute>();

  constructor(private readonly capacity = 512) {}

  /** Entries held now. */
  get size(): number { return this.routes.size; }

  /** The route of a request target. */
  route(target: string): HlsRoute {
    let r = this.routes.get(target);
    if (r !== undefined) return r;
    r = parseHlsRoute(target);
    if (target.length <= MAX_CACHED_TARGET) {
      if (this.routes.size >= this.capacity) this.routes.clear();
      this.routes.set(target, r);
    }
    return r;
  }
}
