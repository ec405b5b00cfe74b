import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { parseListenAddress } from './net-address.ts';
import { trackTlsHandshakes } from './tls-handshakes.ts';

/** Handles one request; a throw or rejection becomes a 500 (when nothing was sent yet). */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Options of openHttpListener. */
export interface HttpListenerOptions {
  /** MediaMTX listen address (`127.0.0.1:9997`, `:9998`). */
  address: string;
  /** Time a client has to send a whole request, headers and body (MediaMTX `readTimeout`). */
  readTimeoutMs: number;
  handler: HttpHandler;
  /** Called when a handler fails (the client got a 500). */
  onError?: (err: Error) => void;
  /** Serves HTTPS (TLS 1.2 at least) with this key and certificate (PEM). */
  tls?: { key: Buffer; cert: Buffer };
}

/** An open HTTP listener (API, metrics, pprof). */
export interface HttpListener {
  /** The bound port (useful with port 0). */
  readonly port: number;
  /** Stops accepting, lets requests in flight finish for up to `graceMs`, then cuts the rest; idempotent. */
  close(graceMs?: number): Promise<void>;
}

/** True when a listen address accepts only local clients (`127.0.0.1:9997`, `[::1]:9997`, `localhost:9997`). */
export function isLoopbackAddress(address: string): boolean {
  const { host } = parseListenAddress(address);
  return host !== undefined && (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host));
}

// Idle keep-alive connections are closed after this (upstream's value).
const KEEP_ALIVE_MS = 30_000;
const SHUTDOWN_GRACE_MS = 2000;

/**
 * Opens an HTTP/1.1 listener with the limits of docs/limits.md: the whole request must arrive within readTimeout
 * (headers included, so slow-header clients are cut), checked every ≤ 1 s because Node only checks expiry at that
 * interval (30 s by default: RELIABILITY §1.6); request targets must be origin-form paths (`/…`).
 */
export async function openHttpListener(opts: HttpListenerOptions): Promise<HttpListener> {
  const { host, port } = parseListenAddress(opts.address);
  const serverOpts = {
    requestTimeout: opts.readTimeoutMs,
    headersTimeout: opts.readTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(opts.readTimeoutMs / 4))),
    keepAliveTimeout: KEEP_ALIVE_MS,
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    // `GET * HTTP/1.1` and absolute-form targets (`GET http://x/y`) name no path of ours.
    if (!req.url?.startsWith('/')) { res.writeHead(400).end(); return; }
    void (async () => opts.handler(req, res))().catch((err: unknown) => {
      opts.onError?.(err as Error);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal server error');
      else res.destroy();
    });
  };
  const httpsServer = opts.tls ? createHttpsServer({ ...serverOpts, minVersion: 'TLSv1.2', key: opts.tls.key, cert: opts.tls.cert }, onRequest) : undefined;
  const server: Server = httpsServer ?? createServer(serverOpts, onRequest);
  // node:http's closeAllConnections() does not reach a client still in its TLS handshake: close() cuts those itself.
  const handshakes = httpsServer ? trackTlsHandshakes(httpsServer) : undefined;
  if (opts.tls) server.on('tlsClientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => { server.off('error', reject); resolve(); });
  });
  const address = server.address();
  let closing: Promise<void> | undefined;
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: (graceMs = SHUTDOWN_GRACE_MS) => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        handshakes?.destroyAll();
        // Responses still being written (a profile being taken) get the grace period, then are cut.
        const t = setTimeout(() => server.closeAllConnections(), graceMs);
        t.unref();
        server.once('close', () => clearTimeout(t));
      });
      return closing;
    },
  };
}
