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
  /** Called with the size of each part of the body handed to the socket. */
  onBytes?: (n: number) => void;
  /** Headers every response of the server carries (Server, CORS), sent with the response's own in one writeHead. */
  headers?: Readonly<Record<string, string>>;
}

// Playlists change every part, so each one is compressed once and the same bytes go to every client: muxers hand
// out the same Buffer for the same playlist, which keys this cache and lets it go with the playlist.
const gzipped = new WeakMap<Buffer, Buffer>();
const MIN_GZIP_BYTES = 512;

/** True when the client takes gzip (a q=0 refusal counts as not). */
function acceptsGzip(req: IncomingMessage): boolean {
  const h = req.headers['accept-encoding'];
  return typeof h === 'string' && /(^|,)\s*gzip\s*(;\s*q=(?!0(\.0*)?\s*(,|$))[\d.]+)?\s*(,|$)/i.test(h);
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

/**
 * Writes a muxer's response: playlists gzip-compressed when the client takes it, bodies under a write deadline that
 * each write renews (MediaMTX's writeTimeout), streamed bodies at the pace the socket drains. HEAD gets the headers only.
 */
export async function writeHlsResponse(req: IncomingMessage, res: ServerResponse, r: HlsResponseLike, o: HlsWriteOptions): Promise<void> {
  if (res.destroyed) return;
  let body = r.body;
  const headers: Record<string, string | number> = { ...o.headers, ...r.headers };
  const isPlaylist = /mpegurl/i.test(r.headers['Content-Type'] ?? r.headers['content-type'] ?? '');
  if (isPlaylist && Buffer.isBuffer(body)) {
    headers.Vary = 'Accept-Encoding';
    if (body.length >= MIN_GZIP_BYTES && acceptsGzip(req) && !hasHeader(headers, 'content-encoding')) {
      body = gzipOf(body);
      headers['Content-Encoding'] = 'gzip';
      for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-length') delete headers[k];
    }
  }
  if (Buffer.isBuffer(body) && !hasHeader(headers, 'content-length')) headers['Content-Length'] = body.length;
  // A 304 has no body, and a Content-Length there would describe the body a 200 carries (RFC 9110 §8.6).
  if (body === undefined && r.status !== 304 && !hasHeader(headers, 'content-length')) headers['Content-Length'] = 0;
  res.writeHead(r.status, headers);
  armWriteTimeout(res, o.writeTimeoutMs);
  if (body === undefined || req.method === 'HEAD') { res.end(); return; }
  if (Buffer.isBuffer(body)) {
    o.onBytes?.(body.length);
    res.end(body);
    armWriteTimeout(res, o.writeTimeoutMs);
    return;
  }
  for await (const chunk of body()) {
    if (res.destroyed) return;
    o.onBytes?.(chunk.length);
    if (!res.write(chunk) && !(await drained(res))) return;
  }
  res.end();
}

function hasHeader(h: Record<string, unknown>, name: string): boolean {
  return Object.keys(h).some((k) => k.toLowerCase() === name);
}
