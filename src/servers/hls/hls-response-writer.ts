import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

/** A response as muxers give it (HlsResponse of protocols/hls has this shape). */
export interface HlsResponseLike {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body?: Buffer | (() => AsyncIterable<Buffer>);
}

/** Options of writeHlsResponse. */
export interface HlsWriteOptions {
  /** The body must make progress within this time, or the connection is closed (a client reading at 1 byte/s). */
  writeTimeoutMs: number;
  /** Its `bytesSent` grows by the size of each part of the body handed to the socket (a muxer's count). */
  sent?: { bytesSent: number };
  /** Headers every response of the server carries (Server, CORS), sent with the response's own in one writeHead. */
  headers?: Readonly<Record<string, string>>;
}

// Playlists change every part, so each one is compressed once and the same bytes go to every client: muxers hand
// out the same Buffer for the same playlist, which keys this cache and lets it go with the playlist.
const gzipped = new WeakMap<Buffer, Buffer>();
const MIN_GZIP_BYTES = 512;

// The last Accept-Encoding seen and what it said: every request of a player sends the same.
let lastAcceptEncoding: string | undefined;
let lastTakesGzip = false;

/** True when the client takes gzip (a q=0 refusal counts as not). */
export function acceptsGzip(h: string | string[] | undefined): boolean {
  if (typeof h !== 'string') return false;
  if (h === lastAcceptEncoding) return lastTakesGzip;
  lastAcceptEncoding = h;
  lastTakesGzip = /(^|,)\s*gzip\s*(;\s*q=(?!0(\.0*)?\s*(,|$))[\d.]+)?\s*(,|$)/i.test(h);
  return lastTakesGzip;
}

/** Gzip of a playlist, made once per Buffer. */
function gzipOf(body: Buffer): Buffer {
  let z = gzipped.get(body);
  if (!z) { z = gzipSync(body); gzipped.set(body, z); }
  return z;
}

/** Arms the write deadline: any progress of the socket pushes it back, a stalled one ends the response. */
function armWriteTimeout(res: ServerResponse, ms: number): void {
  if (res.writableFinished) return;
  res.setTimeout(ms, () => res.destroy(new Error('write timeout')));
}

/** Waits until the response can take more, or has closed; false when closed. */
function drained(res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => { res.off('drain', onDrain); res.off('close', onClose); resolve(ok); };
    const onDrain = (): void => done(true);
    const onClose = (): void => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

// The playlist type as muxers spell it, compared before the case-insensitive test.
const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';

/** True for a playlist's Content-Type. */
function isPlaylistType(type: string | undefined): boolean {
  return type === PLAYLIST_TYPE || (type !== undefined && /mpegurl/i.test(type));
}

/** A response as it goes on the wire: its final headers, and the body a GET gets. */
export interface HlsWireResponse {
  readonly status: number;
  readonly headers: Record<string, string | number>;
  readonly body: Buffer | (() => AsyncIterable<Buffer>) | undefined;
}

/**
 * The wire form of a muxer's response: the server's headers added, a playlist gzip-compressed when the client takes
 * it (`acceptEncoding`), Content-Length set.
 */
export function hlsWireResponse(r: HlsResponseLike, acceptEncoding: string | string[] | undefined, common: Readonly<Record<string, string>> | undefined): HlsWireResponse {
  let body = r.body;
  const headers: Record<string, string | number> = { ...common, ...r.headers };
  const isPlaylist = isPlaylistType(r.headers['Content-Type'] ?? r.headers['content-type']);
  if (isPlaylist && Buffer.isBuffer(body)) {
    headers.Vary = 'Accept-Encoding';
    if (body.length >= MIN_GZIP_BYTES && acceptsGzip(acceptEncoding) && !hasHeader(headers, 'content-encoding')) {
      body = gzipOf(body);
      headers['Content-Encoding'] = 'gzip';
      for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-length') delete headers[k];
    }
  }
  if (Buffer.isBuffer(body) && !hasContentLength(headers)) headers['Content-Length'] = body.length;
  // A 304 has no body, and a Content-Length there would describe the body a 200 carries (RFC 9110 §8.6).
  if (body === undefined && r.status !== 304 && !hasContentLength(headers)) headers['Content-Length'] = 0;
  return { status: r.status, headers, body };
}

/**
 * Writes a muxer's response: playlists gzip-compressed when the client takes it, bodies under a write deadline that
 * each write renews (MediaMTX's writeTimeout), streamed bodies at the pace the socket drains. HEAD gets the headers only.
 * A promise only for a streamed body: the others are written at once, and an async function would cost each of them
 * a promise and its microtasks.
 */
export function writeHlsResponse(req: IncomingMessage, res: ServerResponse, r: HlsResponseLike, o: HlsWriteOptions): Promise<void> | undefined {
  if (res.destroyed) return undefined;
  const { status, headers, body } = hlsWireResponse(r, req.headers['accept-encoding'], o.headers);
  res.writeHead(status, headers);
  // A body given whole is armed after end(): there is nothing to wait for before it, and most often end() hands
  // everything to the kernel at once, which finishes the response and leaves no deadline to arm.
  if (body === undefined || req.method === 'HEAD') {
    res.end();
    armWriteTimeout(res, o.writeTimeoutMs);
    return undefined;
  }
  if (Buffer.isBuffer(body)) {
    if (o.sent) o.sent.bytesSent += body.length;
    res.end(body);
    armWriteTimeout(res, o.writeTimeoutMs);
    return undefined;
  }
  armWriteTimeout(res, o.writeTimeoutMs);
  return writeStream(res, body, o.sent);
}

/** Writes a body read as it is sent (hlsDirectory), at the pace the socket drains. */
async function writeStream(res: ServerResponse, body: () => AsyncIterable<Buffer>, sent: { bytesSent: number } | undefined): Promise<void> {
  for await (const chunk of body()) {
    if (res.destroyed) return;
    if (sent) sent.bytesSent += chunk.length;
    if (!res.write(chunk) && !(await drained(res))) return;
  }
  res.end();
}

function hasHeader(h: Record<string, unknown>, name: string): boolean {
  return Object.keys(h).some((k) => k.toLowerCase() === name);
}

/** hasHeader for Content-Length, first as muxers spell it. */
function hasContentLength(h: Record<string, unknown>): boolean {
  return 'Content-Length' in h || hasHeader(h, 'content-length');
}
