import type { HlsBody } from './hls-storage.ts';

/** One request for a file of a muxer, as the HTTP server hands it over (the path's prefix already taken off). */
export interface HlsRequest {
  /** File name: `index.m3u8`, `stream.m3u8`, `init.mp4`, `<prefix>_seg7.mp4`, `<prefix>_part12.mp4`, `<prefix>_seg3.ts`. */
  readonly file: string;
  readonly query: URLSearchParams;
  /** The If-None-Match header: a file whose ETag it names is answered 304 without its body (RFC 9110 §13.1.2). */
  readonly ifNoneMatch?: string;
  /** Hooks the request's end (the client went away): a blocked request then ends at once (AbortSource). */
  onAbort(cb: () => void): (() => void) | undefined;
}

/** The answer to an HlsRequest; the server writes it as is (and may gzip playlists). */
export interface HlsResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** The bytes, shared by every request for the same file; or a stream read from disk as it is sent. */
  readonly body?: HlsBody;
}

/** RFC 8216bis §4: playlists are `application/vnd.apple.mpegurl`; segments `video/mp4` or `video/MP2T` (§3.2, §3.3). */
export const HLS_CONTENT_TYPE = { playlist: 'application/vnd.apple.mpegurl', mp4: 'video/mp4', ts: 'video/MP2T' } as const;

/**
 * A bodiless answer: 400, 404, 503. Never cached: a CDN that kept a 404 for a part asked before it existed would
 * keep serving it after.
 */
export function statusResponse(status: number, headers: Record<string, string> = {}): HlsResponse {
  return { status, headers: { 'Cache-Control': 'no-cache', ...headers } };
}

/**
 * A playlist. Never cached by a CDN or browser: it changes with every part, and a blocking reload asks for the
 * next version anyway (RFC 8216bis §6.2.5.2 requests are told apart by their query).
 */
export function playlistResponse(text: Buffer): HlsResponse {
  return {
    status: 200,
    headers: { 'Content-Type': HLS_CONTENT_TYPE.playlist, 'Cache-Control': 'no-cache', 'Content-Length': String(text.length) },
    body: text,
  };
}

/**
 * How a file may be cached: segments and parts are `immutable` (their names are unique to their muxer, and their
 * bytes never change), the init segment is revalidated (rewritten under its name when the video parameters change).
 */
export interface FileCaching { readonly isImmutable: boolean; readonly etag: string }

// How long a CDN or browser may keep a segment or part. Long enough to outlive any playlist that lists it, short
// enough that a cache in front of a 24/7 stream does not keep every segment it ever saw.
const IMMUTABLE_MAX_AGE_S = 3600;

function cachingHeaders(caching: FileCaching): Record<string, string> {
  return { 'Cache-Control': caching.isImmutable ? `public, max-age=${IMMUTABLE_MAX_AGE_S}, immutable` : 'no-cache', ETag: caching.etag };
}

/** A segment, a part or the init segment. */
export function fileResponse(body: HlsBody, size: number, contentType: string, caching: FileCaching): HlsResponse {
  return { status: 200, headers: { 'Content-Type': contentType, 'Content-Length': String(size), ...cachingHeaders(caching) }, body };
}

/** 304 Not Modified for a file the client (or CDN) holds (RFC 9110 §15.4.5: the caching headers a 200 would carry). */
export function notModifiedResponse(caching: FileCaching): HlsResponse {
  return { status: 304, headers: cachingHeaders(caching) };
}

/**
 * True when If-None-Match names `etag` (RFC 9110 §13.1.2): `*`, or a list of entity tags compared weakly (a
 * `W/` prefix is ignored).
 */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** What a media playlist request asks (RFC 8216bis §6.2.5): a delta update, and to wait for a part. */
export type PlaylistDirectives =
  | { readonly kind: 'now'; readonly isDelta: boolean }
  | { readonly kind: 'block'; readonly msn: number; readonly part: number | undefined; readonly isDelta: boolean }
  | { readonly kind: 'bad' };

const INDEX = /^\d{1,15}$/;

/**
 * Reads `_HLS_msn`, `_HLS_part` and `_HLS_skip` (§6.2.5.1, §6.2.5.2). `_HLS_part` without `_HLS_msn`, or a value that
 * is not a decimal integer, is a bad request; `_HLS_skip` is YES (or v2, which also skips date ranges: there are none).
 */
export function parsePlaylistDirectives(q: URLSearchParams): PlaylistDirectives {
  const msn = q.get('_HLS_msn');
  const part = q.get('_HLS_part');
  const skip = q.get('_HLS_skip');
  const isDelta = skip === 'YES' || skip === 'v2';
  if (msn === null) return part === null ? { kind: 'now', isDelta } : { kind: 'bad' };
  if (!INDEX.test(msn) || (part !== null && !INDEX.test(part))) return { kind: 'bad' };
  return { kind: 'block', msn: Number(msn), part: part === null ? undefined : Number(part), isDelta };
}
