import type { IncomingMessage } from 'node:http';
import type { HttpHandler } from './http-listener.ts';

/** What an authentication guard decided about one HTTP request. */
export type HttpAuthVerdict = { readonly allowed: true } | { readonly allowed: false; readonly askCredentials: boolean };

/**
 * Decides whether an HTTP request to the API, metrics or pprof may go on (MediaMTX v1.x `api`/`metrics`/`pprof`
 * permissions). It is made by the app from the authentication manager, which these servers can't import.
 */
export type HttpAuthGuard = (req: IncomingMessage) => Promise<HttpAuthVerdict>;

/**
 * Runs `guard` before `handler`: a refused request gets MediaMTX's answer, 401 with
 * `{"status":"error","error":"authentication error"}`, and `WWW-Authenticate: Basic realm="mediamtx"` when the client
 * sent no credentials. Without a guard, the handler itself.
 */
export function withAuthGuard(guard: HttpAuthGuard | undefined, handler: HttpHandler): HttpHandler {
  if (!guard) return handler;
  return async (req, res) => {
    const verdict = await guard(req);
    if (verdict.allowed) { await handler(req, res); return; }
    const body = JSON.stringify({ status: 'error', error: 'authentication error' });
    res.writeHead(401, {
      'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Server: 'mediamtx',
      ...(verdict.askCredentials ? { 'WWW-Authenticate': 'Basic realm="mediamtx"' } : {}),
    }).end(body);
  };
}
