import type { IncomingMessage, ServerResponse } from 'node:http';
import { prepareHttpHead, type FastHttpRequest, type Logger, type PreparedHttpHead } from '../../lib/index.ts';
import {
  InvalidPathNameError, InvalidStateError, NoStreamAvailableError, PathNotConfiguredError,
  type AccessRequest, type PathAccess,
} from '../../core/index.ts';
import { AuthError } from '../../auth/index.ts';
import type { Stream } from '../../stream/index.ts';
import { loadHlsJs, warmHlsJs } from './hls-js-asset.ts';
import { HLS_PAGE_HTML } from './hls-page.ts';
import type { HlsPathMuxer } from './hls-path-muxer.ts';
import type { HlsFileRequest } from './hls-muxer-port.ts';
import { httpRequestIdentity, type HttpRequestLike, type TrustedProxyCheck } from '../http-request-identity.ts';
import { acceptsGzip, hlsWireResponse, writeHlsResponse, type HlsResponseLike } from './hls-response-writer.ts';
import { HlsRouteCache } from './hls-route.ts';

/** What the request handler needs from its server. */
export interface HlsRequestHandlerOptions {
  paths: PathAccess;
  log: Logger;
  isTrustedProxy: TrustedProxyCheck;
  writeTimeoutMs: number;
  allowOrigin: string;
  /** The muxer of a path whose stream is ready, made on the first request. */
  muxerFor(pathName: string, stream: Stream, access: AccessRequest): Promise<HlsPathMuxer>;
  /** muxerFor when it has nothing to wait for (the muxer of that stream is there and ready), else undefined. */
  readyMuxerFor?(pathName: string, stream: Stream): HlsPathMuxer | undefined;
}

const PAGE = Buffer.from(HLS_PAGE_HTML);

/** What the requests of one handler share: the requests waiting now, and a count of close() calls. */
interface AbortScope {
  readonly waiting: Set<RequestAbort>;
  closes: number;
}

/** Where the end of an exchange is seen: a node:http response (responseEnd), or a request of the fast path. */
interface ExchangeEnd {
  /** True when the exchange ended before its answer. */
  readonly isGone: boolean;
  /** Calls `cb` once if it ends before its answer; returns the unhook. */
  onGone(cb: () => void): () => void;
}

/** The end of a node:http exchange: its response closed before it finished (the client went away). */
function responseEnd(res: ServerResponse): ExchangeEnd {
  return {
    get isGone() { return res.destroyed && !res.writableFinished; },
    onGone(cb) {
      const onClose = (): void => { if (!res.writableFinished) cb(); };
      res.on('close', onClose);
      return () => { res.off('close', onClose); };
    },
  };
}

/**
 * A request's cancellation (the client went away, the server closes). Nothing is hooked per request until a wait
 * calls `hook`: most requests are answered at once, and a close listener and a place in the handler's set per
 * request are a measurable part of their cost. Until then `isAborted` reads the exchange's state and whether close()
 * ran since it began.
 */
class RequestAbort {
  private unhookEnd: (() => void) | undefined;
  /** What the waits of this request hooked (one at a time in practice); made by the first hook. */
  private hooked: Set<() => void> | undefined;
  private aborted = false;
  private readonly closesAtStart: number;

  constructor(private readonly end: ExchangeEnd, private readonly scope: AbortScope) {
    this.closesAtStart = scope.closes;
  }

  get isAborted(): boolean {
    return this.aborted || this.scope.closes !== this.closesAtStart || this.end.isGone;
  }

  /** Calls `cb` once when the request ends before its answer; returns the unhook, or undefined if it has ended. */
  hook(cb: () => void): (() => void) | undefined {
    if (this.isAborted) {
      this.aborted = true;
      return undefined;
    }
    if (!this.unhookEnd) {
      this.unhookEnd = this.end.onGone(() => this.abort());
      this.scope.waiting.add(this);
    }
    const hooked = (this.hooked ??= new Set());
    hooked.add(cb);
    return () => { hooked.delete(cb); };
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const hooked = this.hooked;
    this.hooked = undefined;
    if (hooked) for (const cb of hooked) cb();
  }

  /** Unhooks what `hook` hooked (the request is answered). */
  release(): void {
    if (!this.unhookEnd) return;
    this.unhookEnd();
    this.scope.waiting.delete(this);
  }
}

/** A file request as the muxer reads it; the query is parsed only when read (a blocking reload's directives). */
class FileRequest implements HlsFileRequest {
  private params: URLSearchParams | undefined;

  constructor(readonly file: string, private readonly rawQuery: string, readonly ifNoneMatch: string | undefined, private readonly abort: RequestAbort) {}

  get query(): URLSearchParams { return (this.params ??= new URLSearchParams(this.rawQuery)); }

  onAbort(cb: () => void): (() => void) | undefined { return this.abort.hook(cb); }
}

/** The muxer of the path could not be made; `cause` says why. */
class MuxerUnavailable extends Error {
  override readonly name = 'MuxerUnavailable';
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}
// Header names a preflight may ask for, echoed as MediaMTX does; anything else is left out of the answer.
const HEADER_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;

/**
 * Answers the HLS server's HTTP requests: CORS (preflight included), the redirect to the page's folder, the page and
 * hls.js, and, after the path's read authentication (every request, as MediaMTX), the muxer's files.
 */
export class HlsRequestHandler {
  private readonly aborts: AbortScope = { waiting: new Set(), closes: 0 };
  private readonly routes = new HlsRouteCache();
  /** Fast-path answers by the muxer's body Buffer (preparedAnswer). */
  private readonly prepared = new WeakMap<Buffer, PreparedEntry>();
  /** Server and CORS headers of every response, given to writeHead with the response's own (one header pass). */
  private common: Record<string, string> = {};
  private origin = '';

  constructor(private readonly opts: HlsRequestHandlerOptions) {
    this.allowOrigin = opts.allowOrigin;
  }

  /** hlsAllowOrigin; live-updatable. */
  get allowOrigin(): string { return this.origin; }
  set allowOrigin(origin: string) {
    this.origin = origin;
    // With `*` browsers refuse credentialed responses anyway; the literal `*` is sent, never the caller's Origin
    // (MediaMTX #5975: a reflected origin with credentials let any site read authenticated streams).
    this.common = { Server: 'mediamtx', 'Access-Control-Allow-Origin': origin, ...(origin !== '*' ? { 'Access-Control-Allow-Credentials': 'true' } : {}) };
  }

  /** Ends blocked requests (server closing). */
  close(): void {
    this.aborts.closes++;
    for (const c of this.aborts.waiting) c.abort();
  }

  /** Handles one request. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const { log } = this.opts;
    if (log.enabled('debug')) log.debug(`[conn ${req.socket.remoteAddress}:${req.socket.remotePort}] ${req.method} ${req.url}`);
    const route = req.method === 'GET' || req.method === 'HEAD' ? this.routes.route(req.url ?? '') : undefined;
    // The muxer files (nearly every request) get these headers in writeHead; every other answer here.
    if (route?.kind !== 'file') this.setCommonHeaders(res);
    if (req.method === 'OPTIONS') { this.preflight(req, res); return; }
    if (!route) {
      res.setHeader('Allow', 'GET, HEAD, OPTIONS');
      this.text(res, 405, 'method not allowed');
      return;
    }
    switch (route.kind) {
      case 'notFound': this.text(res, 404, 'not found'); return;
      case 'bad': this.text(res, route.status, route.reason); return;
      case 'redirect':
        res.writeHead(301, { Location: route.location, 'Content-Length': 0 });
        res.end();
        return;
      case 'asset': void warmHlsJs().then(() => this.serveHlsJs(req, res)); return;
      case 'page': void this.serveStream(req, res, route.pathName, route.query, undefined); return;
      case 'file': void this.serveStream(req, res, route.pathName, route.query, route.file); return;
    }
  }

  private setCommonHeaders(res: ServerResponse): void {
    for (const [k, v] of Object.entries(this.common)) res.setHeader(k, v);
  }

  private preflight(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('Access-Control-Allow-Methods', 'GET, OPTIONS');
    const asked = req.headers['access-control-request-headers'];
    if (typeof asked === 'string' && asked.length <= 1024 && HEADER_LIST.test(asked)) res.setHeader('Access-Control-Allow-Headers', asked);
    res.writeHead(200, { 'Content-Length': 0 });
    res.end();
  }

  private serveHlsJs(req: IncomingMessage, res: ServerResponse): void {
    if (res.destroyed) return;
    let asset;
    try {
      asset = loadHlsJs();
    } catch (err) {
      this.opts.log.error(`hls.js is not installed (npm ci): ${(err as Error).message}`);
      this.text(res, 500, 'hls.js is not installed');
      return;
    }
    const headers: Record<string, string> = {
      'Content-Type': 'application/javascript', 'Cache-Control': 'public, max-age=86400', ETag: asset.etag, Vary: 'Accept-Encoding',
    };
    if (req.headers['if-none-match'] === asset.etag) { res.writeHead(304, headers); res.end(); return; }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? asset.gzip : asset.body;
    if (gzip) headers['Content-Encoding'] = 'gzip';
    void writeHlsResponse(req, res, { status: 200, headers, body }, { writeTimeoutMs: this.opts.writeTimeoutMs });
  }

  /**
   * Handles a request of the fast path (lib/http1-fast-path.ts): the muxer files, nearly every request of a player.
   * Anything else (the page, hls.js, redirects, refusals of the route) is left to node:http: false.
   */
  handleFast(req: FastHttpRequest): boolean {
    const route = this.routes.route(req.target);
    if (route.kind !== 'file') return false;
    const { log } = this.opts;
    if (log.enabled('debug')) log.debug(`[conn ${req.remoteAddress}:${req.remotePort}] ${req.method} ${req.target}`);
    void this.serveFileFast(req, route.pathName, route.query, route.file);
    return true;
  }

  /** serveStream for a muxer file asked through the fast path. */
  private async serveFileFast(req: FastHttpRequest, pathName: string, query: string, file: string): Promise<void> {
    const access = this.accessOf(pathName, query, req);
    const abort = new RequestAbort(req, this.aborts);
    try {
      const muxer = this.muxerNow(access) ?? await this.muxerLater(access, abort);
      if (muxer === undefined) return;
      const r = await muxer.handle(new FileRequest(file, query, req.headers['if-none-match'], abort));
      if (r.status === 200 && Buffer.isBuffer(r.body)) {
        const p = this.preparedAnswer(r, r.body, acceptsGzip(req.headers['accept-encoding']));
        if (req.method === 'GET') muxer.bytesSent += p.body.length;
        req.respondPrepared(p.head, p.body);
        return;
      }
      const w = hlsWireResponse(r, req.headers['accept-encoding'], this.common);
      // Bodies read from hlsDirectory are streamed by node:http's path; the fast path is off with hlsDirectory.
      if (w.body !== undefined && !Buffer.isBuffer(w.body)) throw new Error('a streamed body on the fast path');
      if (w.body !== undefined && req.method === 'GET') muxer.bytesSent += w.body.length;
      req.respond(w.status, w.headers, w.body);
    } catch (err) {
      const r = this.refusal(err, false);
      req.respond(r.status, { ...this.common, ...r.headers }, r.body);
    } finally {
      abort.release();
    }
  }

  /**
   * The head and body of a muxer's 200 answer, made once per body and encoding: every reader asks for the same part
   * or playlist version, and the muxer hands them all the same Buffer. Made again when the server's headers change
   * (hlsAllowOrigin) or the muxer's do for that Buffer (they do not: a new version is a new Buffer).
   */
  private preparedAnswer(r: HlsResponseLike, body: Buffer, gzip: boolean): PreparedAnswer {
    let e = this.prepared.get(body);
    if (e === undefined || e.common !== this.common || e.etag !== r.headers.ETag || e.type !== r.headers['Content-Type']) {
      e = { common: this.common, etag: r.headers.ETag, type: r.headers['Content-Type'] };
      this.prepared.set(body, e);
    }
    const slot = gzip ? 'gzip' : 'plain';
    let p = e[slot];
    if (p === undefined) {
      const w = hlsWireResponse(r, gzip ? 'gzip' : undefined, this.common);
      p = { head: prepareHttpHead(w.status, w.headers), body: w.body as Buffer };
      e[slot] = p;
    }
    return p;
  }

  /** The AccessRequest of a request for a path. */
  private accessOf(pathName: string, query: string, req: IncomingMessage | HttpRequestLike): AccessRequest {
    return { pathName, query, protocol: 'hls', action: 'read', ...httpRequestIdentity(req, this.opts.isTrustedProxy) };
  }

  /** The path's stream, after its read authentication. */
  private async streamOf(access: AccessRequest): Promise<Stream> {
    const d = await this.opts.paths.describe(access);
    if (!('stream' in d)) throw new NoStreamAvailableError(access.pathName);
    return d.stream;
  }

  /**
   * The path's muxer when nothing has to be waited for (most requests): authentication allowed at once, the stream
   * and its muxer ready. Undefined otherwise (muxerLater).
   */
  private muxerNow(access: AccessRequest): HlsPathMuxer | undefined {
    const d = this.opts.paths.describeNow?.(access);
    return d !== undefined && 'stream' in d ? this.opts.readyMuxerFor?.(access.pathName, d.stream) : undefined;
  }

  /** The path's muxer after authentication, made if needed; undefined when the request ended meanwhile. */
  private async muxerLater(access: AccessRequest, abort: RequestAbort): Promise<HlsPathMuxer | undefined> {
    const stream = await this.streamOf(access);
    if (abort.isAborted) return undefined;
    let muxer = this.opts.readyMuxerFor?.(access.pathName, stream);
    if (muxer === undefined) {
      muxer = await this.opts.muxerFor(access.pathName, stream, access).catch((err: unknown) => { throw new MuxerUnavailable(err); });
      if (abort.isAborted) return undefined;
    }
    return muxer;
  }

  /** Authenticates, then serves the page (file undefined) or a muxer file. */
  private async serveStream(req: IncomingMessage, res: ServerResponse, pathName: string, query: string, file: string | undefined): Promise<void> {
    const access = this.accessOf(pathName, query, req);
    const abort = new RequestAbort(responseEnd(res), this.aborts);
    try {
      if (file === undefined) {
        const stream = await this.streamOf(access);
        if (abort.isAborted) return;
        // The page makes the muxer at once (as MediaMTX), so the playlist is under way while hls.js loads.
        this.opts.muxerFor(pathName, stream, access).catch((err: unknown) => this.opts.log.debug(`muxer of ${pathName}: ${(err as Error).message}`));
        this.send(res, pageResponse(200));
        return;
      }
      const muxer = this.muxerNow(access) ?? await this.muxerLater(access, abort);
      if (muxer === undefined) return;
      const tag = req.headers['if-none-match'];
      const r = await muxer.handle(new FileRequest(file, query, typeof tag === 'string' ? tag : undefined, abort));
      const streamed = writeHlsResponse(req, res, r, { writeTimeoutMs: this.opts.writeTimeoutMs, headers: this.common, sent: muxer });
      if (streamed) await streamed;
    } catch (err) {
      if (res.headersSent) { res.destroy(); return; }
      this.setCommonHeaders(res);
      this.send(res, this.refusal(err, file === undefined));
    } finally {
      abort.release();
    }
  }

  /** Maps a refusal to its answer: 401 with the Basic challenge, 404 for a missing stream (the page, for browsers), 400, 503. */
  private refusal(err: unknown, isPage: boolean): PlainResponse {
    if (err instanceof MuxerUnavailable) {
      // A muxer that could not start (no track HLS can carry, stream gone meanwhile): nothing to serve, as MediaMTX.
      if (!(err.cause instanceof AuthError || err.cause instanceof InvalidStateError)) return textResponse(404, err.message);
      err = err.cause;
    }
    if (err instanceof AuthError) {
      const r = textResponse(401, 'unauthorized');
      return { ...r, headers: { ...r.headers, 'WWW-Authenticate': 'Basic realm="mediamtx"' } };
    }
    // The page still goes to a browser, so it can say why and try again.
    if (err instanceof NoStreamAvailableError || err instanceof PathNotConfiguredError) return isPage ? pageResponse(404) : textResponse(404, err.message);
    if (err instanceof InvalidPathNameError) return textResponse(400, err.message);
    if (err instanceof InvalidStateError) return textResponse(503, err.message);
    const msg = err instanceof Error ? err.message : String(err);
    this.opts.log.warn(`request failed: ${msg}`);
    return isPage ? pageResponse(404) : textResponse(500, msg);
  }

  private send(res: ServerResponse, r: PlainResponse): void {
    if (r.body === PAGE) void warmHlsJs(); // the page asks for hls.js next
    res.writeHead(r.status, r.headers);
    res.end(r.body);
  }

  private text(res: ServerResponse, status: number, message: string): void {
    this.send(res, textResponse(status, message));
  }
}

/** A muxer's answer ready for the fast path: its serialized head, and the body as sent (gzip-compressed or not). */
interface PreparedAnswer { readonly head: PreparedHttpHead; readonly body: Buffer }

/** What preparedAnswer keeps per body: what the heads were made from, and one answer per encoding. */
interface PreparedEntry {
  readonly common: Record<string, string>;
  readonly etag: string | undefined;
  readonly type: string | undefined;
  plain?: PreparedAnswer;
  gzip?: PreparedAnswer;
}

/** A complete answer of the handler's own (not a muxer's). */
interface PlainResponse {
  readonly status: number;
  readonly headers: Record<string, string | number>;
  readonly body: Buffer;
}

/** The player page. */
function pageResponse(status: number): PlainResponse {
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Length': PAGE.length }, body: PAGE };
}

/** A short text answer. */
function textResponse(status: number, message: string): PlainResponse {
  const body = Buffer.from(`${message}\n`);
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length }, body };
}
