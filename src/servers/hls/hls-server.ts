import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  Http1FastPath, lazyModule, parseListenAddress, readStartupFile, trackTlsHandshakes, type Logger, type PendingTlsHandshakes, type TypedEmitter,
} from '../../lib/index.ts';
import type { AccessRequest, ConnectionInfo, PathAccess, PathEvents, ProtocolServer } from '../../core/index.ts';
import type { Stream } from '../../stream/index.ts';
import type { HlsMuxerFactory, HlsMuxerSettings } from './hls-muxer-port.ts';
import type { HlsPathMuxer, HlsMuxerSource } from './hls-path-muxer.ts';
import type { HlsRequestHandler } from './hls-request-handler.ts';
import type { TrustedProxyCheck } from '../http-request-identity.ts';

/** The request code of the HLS listener, imported on the first request (hls-request-kit.ts says why). */
const requestKit = lazyModule('the HLS request code', () => import('./hls-request-kit.ts'));

// MediaMTX's hlsMuxer: closed after this long without a request, checked every second; an always-remux muxer that
// failed is made again after a pause.
const CLOSE_AFTER_INACTIVITY_MS = 60_000;
const CLOSE_CHECK_PERIOD_MS = 1000;
const RECREATE_PAUSE_MS = 10_000;
// Node checks request deadlines on this tick; its default (30 s) would let a slowloris hold a socket 3× readTimeout.
const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;
const KEEP_ALIVE_TIMEOUT_MS = 30_000;
// Node's default header limit, set explicitly: the request line and headers together.
const MAX_HEADER_BYTES = 16 * 1024;

/** What the HLS server takes while running (hlsAllowOrigin applies to the next response). */
export interface HlsLiveSettings { allowOrigin: string }

/** Options of the HLS server. */
export interface HlsServerOptions extends HlsLiveSettings {
  address: string;
  tls?: { keyFile: string; certFile: string };
  isTrustedProxy: TrustedProxyCheck;
  alwaysRemux: boolean;
  muxer: HlsMuxerSettings;
  readTimeoutMs: number;
  writeTimeoutMs: number;
  readBufferCount: number;
  paths: PathAccess;
  /** The path manager's events, for hlsAlwaysRemux (pathReady / pathNotReady). */
  pathEvents?: TypedEmitter<PathEvents>;
  createMuxer: HlsMuxerFactory;
  log: Logger;
  /** For tests: idle time after which an on-demand muxer closes (60 s). */
  muxerCloseAfterMs?: number;
  /** For measurements only: false starts muxers at the next key frame instead of the GOP cache. */
  gopReplay?: boolean;
  /** For measurements and tests: false serves every request through node:http alone (lib/http1-fast-path.ts). */
  fastPath?: boolean;
}

/** One muxer as the API lists it (MediaMTX v1 `hlsmuxers/list`). */
export interface HlsMuxerInfo { readonly name: string; readonly created: Date; readonly lastRequest: Date; readonly bytesSent: number }

/**
 * HLS server (MediaMTX's hlsServer): one HTTP(S) listener; one muxer per path, made on the first request for a path
 * whose stream is ready (or as soon as it is ready, with hlsAlwaysRemux) and closed after a minute without requests.
 */
export class HlsServer implements ProtocolServer<HlsLiveSettings> {
  private readonly muxers = new Map<string, HlsPathMuxer>();
  /** Made with the first request, once the request code is loaded. */
  private handler: HlsRequestHandler | undefined;
  private allowOrigin: string;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly recreateTimers = new Set<NodeJS.Timeout>();
  private readonly checkTimer: NodeJS.Timeout;
  private http: Server | undefined;
  /** With hlsEncryption: clients still in their TLS handshake, which close() cuts (node:http's closeAllConnections does not). */
  private handshakes: PendingTlsHandshakes | undefined;
  private fast: Http1FastPath | undefined;
  private closed = false;

  private constructor(private readonly opts: HlsServerOptions, private readonly log: Logger) {
    this.allowOrigin = opts.allowOrigin;
    const closeAfter = opts.muxerCloseAfterMs ?? CLOSE_AFTER_INACTIVITY_MS;
    this.checkTimer = setInterval(() => this.closeIdle(closeAfter), Math.min(CLOSE_CHECK_PERIOD_MS, closeAfter));
    this.checkTimer.unref();
    if (opts.alwaysRemux && opts.pathEvents) {
      this.unsubscribe.push(
        opts.pathEvents.on('pathReady', (name, stream) => this.onPathReady(name, stream)),
        opts.pathEvents.on('pathNotReady', (name) => this.onPathNotReady(name)),
      );
    }
  }

  /** Opens the listener. */
  static async listen(opts: HlsServerOptions): Promise<HlsServer> {
    const log = opts.log.child('[HLS]');
    const server = new HlsServer(opts, log);
    try {
      await server.open();
    } catch (err) {
      await server.close();
      throw err;
    }
    log.info(`listener opened on ${opts.address}`);
    return server;
  }

  /** Port the listener is bound to. */
  get port(): number {
    const a = this.http?.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  /** Requests answered by the fast path (lib/http1-fast-path.ts), for tests and measurements. */
  get fastPathAnswered(): number { return this.fast?.answered ?? 0; }

  /** Muxers for the API (`hlsmuxers/list`). */
  muxerList(): HlsMuxerInfo[] {
    return [...this.muxers.values()].map((m) => ({ name: m.pathName, created: m.created, lastRequest: m.lastRequest, bytesSent: m.bytesSent }));
  }

  /** Muxers as connections: id, path, who asked for it ('' when automatic) and bytes sent. */
  connections(): ConnectionInfo[] {
    return [...this.muxers.values()].map((m) => ({
      id: m.id, created: m.created, remoteAddr: m.requestedBy, state: 'read', path: m.pathName, bytesReceived: 0, bytesSent: m.bytesSent,
    }));
  }

  /** Closes the muxer with this id. */
  kick(id: string): boolean {
    const m = [...this.muxers.values()].find((x) => x.id === id);
    m?.close(new Error('kicked'));
    return m !== undefined;
  }

  /** Takes a new hlsAllowOrigin. */
  update(next: HlsLiveSettings): void {
    this.allowOrigin = next.allowOrigin;
    if (this.handler) this.handler.allowOrigin = next.allowOrigin;
  }

  /** Closes the listener, every connection (blocked requests included) and every muxer. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.log.info('listener is closing');
    clearInterval(this.checkTimer);
    for (const u of this.unsubscribe) u();
    for (const t of this.recreateTimers) clearTimeout(t);
    this.handler?.close();
    this.fast?.close();
    for (const m of [...this.muxers.values()]) m.close(new Error('terminated'));
    const http = this.http;
    if (!http) return;
    await new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
      this.handshakes?.destroyAll();
    });
  }

  private async open(): Promise<void> {
    const { host, port } = parseListenAddress(this.opts.address);
    const serverOpts = {
      // D9 (RELIABILITY): a request (headers and body) must arrive within readTimeout, checked every second.
      requestTimeout: this.opts.readTimeoutMs, headersTimeout: this.opts.readTimeoutMs,
      connectionsCheckingInterval: Math.min(CONNECTIONS_CHECKING_INTERVAL_MS, this.opts.readTimeoutMs),
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, maxHeaderSize: MAX_HEADER_BYTES, insecureHTTPParser: false,
    };
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      if (this.handler) { this.handler.handle(req, res); return; }
      requestKit.load().then(() => {
        if (!this.closed) { this.requestHandler().handle(req, res); return; }
        res.writeHead(503, { Connection: 'close' }).end();
      }).catch((err: unknown) => {
        this.log.error(`request failed: ${(err as Error).message}`);
        if (!res.headersSent) res.writeHead(500, { Connection: 'close' });
        res.end();
      });
    };
    const tls = this.opts.tls;
    const https = tls
      ? createHttpsServer({ ...serverOpts, minVersion: 'TLSv1.2', key: readStartupFile(tls.keyFile, 'hlsServerKey'), cert: readStartupFile(tls.certFile, 'hlsServerCert') }, onRequest)
      : undefined;
    const http: Server = https ?? createHttpServer(serverOpts, onRequest);
    this.handshakes = https && trackTlsHandshakes(https);
    http.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    // Broken requests (bad syntax, oversized headers, timeouts) concern that client only: answer if possible, close.
    http.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      if (socket.writable && !(socket as { _httpMessage?: unknown })._httpMessage) {
        socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      }
      socket.destroy();
    });
    if (tls) http.on('tlsClientError', (_err, socket) => socket.destroy());
    // Player requests (playlists, parts, segments) skip node:http's per-request objects; bodies streamed from
    // hlsDirectory stay on node:http's path, which paces them.
    if (this.opts.fastPath !== false && this.opts.muxer.directory === '') {
      this.fast = new Http1FastPath(http, tls ? 'secureConnection' : 'connection', (req) => {
        if (this.handler) return this.handler.handleFast(req);
        // The first requests wait for the request code, as node:http's would, and stay on the fast path.
        return requestKit.load().then(() => !this.closed && this.requestHandler().handleFast(req));
      }, {
        keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS, firstRequestTimeoutMs: this.opts.readTimeoutMs, writeTimeoutMs: this.opts.writeTimeoutMs, maxHeaderBytes: MAX_HEADER_BYTES,
      });
    }
    this.http = http;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen({ host, port }, () => { http.off('error', reject); resolve(); });
    });
  }

  /** The handler of this listener's requests, made with the first one (the request code is loaded by then). */
  private requestHandler(): HlsRequestHandler {
    const { opts, log } = this;
    this.handler ??= new (requestKit.get().HlsRequestHandler)({
      paths: opts.paths, log, isTrustedProxy: opts.isTrustedProxy, writeTimeoutMs: opts.writeTimeoutMs, allowOrigin: this.allowOrigin,
      muxerFor: (pathName, stream, access) => this.muxerFor(pathName, stream, access),
      readyMuxerFor: (pathName, stream) => this.readyMuxerFor(pathName, stream),
    });
    return this.handler;
  }

  /**
   * muxerFor without the wait, for nearly every request: the path's muxer when it already serves `stream`, touched;
   * undefined when muxerFor has work to do (none yet, a replaced stream, still starting).
   */
  private readyMuxerFor(pathName: string, stream: Stream): HlsPathMuxer | undefined {
    const m = this.muxers.get(pathName);
    if (m === undefined || !m.isReady || m.stream !== stream) return undefined;
    m.touch();
    return m;
  }

  /** The muxer of a path whose stream is `stream`: the existing one, or a new one fed from that stream. */
  private async muxerFor(pathName: string, stream: Stream, access: AccessRequest): Promise<HlsPathMuxer> {
    let m = this.muxers.get(pathName);
    // A muxer of a stream that was replaced (a new publisher) goes; the path closes it too, this only saves the wait.
    if (m?.stream !== undefined && m.stream !== stream) { m.close(new Error('the stream changed')); m = undefined; }
    if (!m) {
      if (this.closed) throw new Error('terminated');
      // With hlsAlwaysRemux a ready path already has its muxer; one that was ready before this server started (a
      // restart on reload) gets it on its first request, and keeps it like the others.
      m = this.createMuxer(pathName, { kind: 'request', access, paths: this.opts.paths }, this.opts.alwaysRemux);
    }
    await m.ready;
    m.touch();
    return m;
  }

  /** Makes a path's muxer; the request code is loaded (a request, or onPathReady, waited for it). */
  private createMuxer(pathName: string, source: HlsMuxerSource, isAlways: boolean): HlsPathMuxer {
    const m = new (requestKit.get().HlsPathMuxer)({
      pathName, source, isAlways, settings: this.opts.muxer, createMuxer: this.opts.createMuxer, readBufferCount: this.opts.readBufferCount,
      gopReplay: this.opts.gopReplay ?? true, log: this.log,
      onClose: (closed) => this.onMuxerClosed(closed),
    });
    this.muxers.set(pathName, m);
    return m;
  }

  private onMuxerClosed(m: HlsPathMuxer): void {
    if (this.muxers.get(m.pathName) !== m) return;
    this.muxers.delete(m.pathName);
    // MediaMTX remakes a failed always-remux muxer after a pause, while its stream lasts.
    const stream = m.stream;
    if (!m.isAlways || !m.hasFailed || this.closed || !stream || stream.isClosed) return;
    const t = setTimeout(() => {
      this.recreateTimers.delete(t);
      if (!this.closed && !stream.isClosed && !this.muxers.has(m.pathName)) this.createMuxer(m.pathName, { kind: 'ready', stream }, true);
    }, RECREATE_PAUSE_MS);
    t.unref();
    this.recreateTimers.add(t);
  }

  private onPathReady(pathName: string, stream: Stream): void {
    if (this.closed) return;
    this.muxers.get(pathName)?.close(new Error('the stream changed'));
    if (requestKit.loaded) { this.createMuxer(pathName, { kind: 'ready', stream }, true); return; }
    requestKit.load().then(() => {
      // The path may have gone, or got a muxer from a request, while the code loaded.
      if (this.closed || stream.isClosed || this.muxers.get(pathName)?.stream === stream) return;
      this.muxers.get(pathName)?.close(new Error('the stream changed'));
      this.createMuxer(pathName, { kind: 'ready', stream }, true);
    }).catch((err: unknown) => this.log.error(`muxer of path '${pathName}' not started: ${(err as Error).message}`));
  }

  private onPathNotReady(pathName: string): void {
    this.muxers.get(pathName)?.close(new Error('the stream is not available anymore'));
  }

  private closeIdle(afterMs: number): void {
    const now = Date.now();
    for (const m of [...this.muxers.values()]) {
      if (!m.isAlways && m.idleMs(now) >= afterMs) m.close(new Error('not used anymore'));
    }
  }
}
