import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pinnedHttpsOptions, tlsErrorMessage } from '../lib/index.ts';
import type { AccessRequest } from './access-request.ts';

/**
 * Largest answer read from the external authentication server (docs/limits.md §Auth, MediaMTX maxInboundBodySize);
 * past it the request is aborted and the client denied.
 */
export const MAX_EXTERNAL_AUTH_RESPONSE = 128 * 1024;

/** MediaMTX v0.22.2's external authentication body (core/external_auth.go), field order included. */
export interface ExternalAuthBody {
  ip: string; user: string; password: string; path: string; protocol: string; id: string | null; action: string; query: string;
}

/**
 * Builds the JSON body for a request. Digest credentials carry no password, so `password` is '' for them; this
 * never matters in practice because the RTSP server offers only Basic when external authentication is on.
 */
export function externalAuthBody(req: AccessRequest): ExternalAuthBody {
  const c = req.credentials;
  return {
    ip: req.ip,
    user: c?.user ?? '',
    password: c?.kind === 'plain' ? c.pass : '',
    path: req.pathName,
    // v0.22.2 knows only rtsp, rtmp, hls and webrtc: the TLS variants are reported as their plain protocol.
    protocol: req.protocol === 'rtsps' ? 'rtsp' : req.protocol === 'rtmps' ? 'rtmp' : req.protocol,
    id: req.connId ?? null,
    action: req.action,
    query: req.query,
  };
}

/** POSTs bodies to an external authentication server; one connection per request, as MediaMTX does. */
export class ExternalAuthClient {
  private readonly inFlight = new Set<ClientRequest>();
  private readonly url: URL | undefined;
  private closed = false;

  /** `fingerprint`: MediaMTX v1.x's `authHTTPFingerprint`, the pinned SHA-256 of an https server's certificate. */
  constructor(url: string, private readonly timeoutMs: number, private readonly fingerprint = '') {
    this.url = URL.canParse(url) ? new URL(url) : undefined;
  }

  /**
   * POSTs `body` as JSON (the v0.22.2 ExternalAuthBody or the v1.x HttpAuthBodyV1). Resolves undefined when the server answered 2xx with a body of at most 128 KiB within the timeout,
   * otherwise the reason of the denial (never containing the body or the password).
   */
  check(body: object): Promise<string | undefined> {
    const url = this.url;
    if (this.closed) return Promise.resolve('external authentication stopped');
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return Promise.resolve('invalid externalAuthenticationURL');
    return new Promise((resolve) => {
      const payload = Buffer.from(JSON.stringify(body));
      let req: ClientRequest | undefined;
      let done = false;
      const finish = (reason: string | undefined): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (req) { this.inFlight.delete(req); if (reason !== undefined) req.destroy(); }
        resolve(reason);
      };
      // The timeout covers the whole exchange: connect, request, headers and body.
      const timer = setTimeout(() => finish('external authentication timed out'), this.timeoutMs);
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      try {
        req = request(url, {
          method: 'POST',
          agent: false,
          headers: { 'Content-Type': 'application/json', 'Content-Length': payload.length },
          ...pinnedHttpsOptions(url, { fingerprint: this.fingerprint, setting: 'authHTTPFingerprint', timeoutMs: this.timeoutMs }),
        });
      } catch (err) {
        finish(`external authentication failed: ${(err as Error).message}`);
        return;
      }
      this.inFlight.add(req);
      req.on('error', (err) => finish(`external authentication failed: ${tlsErrorMessage(err, 'authHTTPFingerprint')}`));
      req.on('close', () => finish('external authentication failed: connection closed'));
      req.on('response', (res) => readResponse(res, finish));
      req.end(payload);
    });
  }

  /** Aborts in-flight requests (their clients are denied) and refuses new ones. */
  close(): void {
    this.closed = true;
    for (const r of this.inFlight) r.destroy(new Error('external authentication stopped'));
    this.inFlight.clear();
  }
}

/** Counts the body without keeping it, and decides once it ended. */
function readResponse(res: IncomingMessage, finish: (reason: string | undefined) => void): void {
  let size = 0;
  const code = res.statusCode ?? 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_EXTERNAL_AUTH_RESPONSE) finish('external authentication response too large');
  });
  res.on('end', () => finish(code >= 200 && code <= 299 ? undefined : `external authentication replied with code ${code}`));
  res.on('error', (err) => finish(`external authentication failed: ${err.message}`));
  res.on('close', () => finish('external authentication failed: response truncated'));
}
