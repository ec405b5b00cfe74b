import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pinnedHttpsOptions, tlsErrorMessage } from '../lib/index.ts';
import { jwkToEntry, JwtError, type JwkEntry } from './jwt-verify.ts';

/** Largest JWK Set read (MediaMTX maxInboundBodySize, docs/limits.md §Auth). */
export const MAX_JWKS_SIZE = 128 * 1024;
/** A fetched set is used this long before it is fetched again (MediaMTX jwksRefreshPeriod). */
export const JWKS_REFRESH_MS = 60 * 60 * 1000;

/** Options of the JWK Set cache. */
export interface JwksCacheOptions {
  /** `authJWTJWKS`: an http:// or https:// URL. */
  url: string;
  /** Bound of one whole fetch (`readTimeout`). */
  timeoutMs: number;
  /** `authJWTJWKSFingerprint`: the pinned SHA-256 of an https server's certificate; '' to validate it normally. */
  fingerprint?: string;
  /** Clock, for tests. */
  now?: () => number;
}

/** GETs a URL and resolves its body, refusing past `timeoutMs` or `MAX_JWKS_SIZE`. */
function fetchText(url: URL, o: { timeoutMs: number; fingerprint: string }, inFlight: Set<ClientRequest>): Promise<string> {
  const { timeoutMs } = o;
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let req: ClientRequest | undefined;
    let done = false;
    const finish = (err: Error | undefined, body?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (req) { inFlight.delete(req); if (err) req.destroy(); }
      if (err) reject(err); else resolve(body!);
    };
    const timer = setTimeout(() => finish(new JwtError('JWKS fetch timed out')), timeoutMs);
    req = request(url, {
      method: 'GET', agent: false, headers: { Accept: 'application/json' },
      ...pinnedHttpsOptions(url, { fingerprint: o.fingerprint, setting: 'authJWTJWKSFingerprint', timeoutMs }),
    });
    inFlight.add(req);
    req.on('error', (e) => finish(new JwtError(`JWKS fetch failed: ${tlsErrorMessage(e, 'authJWTJWKSFingerprint')}`)));
    req.on('close', () => finish(new JwtError('JWKS fetch failed: connection closed')));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) > 299) { finish(new JwtError(`JWKS server replied with code ${res.statusCode}`)); return; }
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_JWKS_SIZE) finish(new JwtError('JWKS too large'));
        else chunks.push(c);
      });
      res.on('end', () => finish(undefined, Buffer.concat(chunks).toString('utf8')));
      res.on('error', (e) => finish(new JwtError(`JWKS fetch failed: ${e.message}`)));
    });
    req.end();
  });
}

/** Parses a JWK Set document (RFC 7517 §5): keys this server can't use are skipped; none usable is an error. */
export function parseJwks(text: string): JwkEntry[] {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch { throw new JwtError('JWKS is not JSON'); }
  const keys = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new JwtError('JWKS has no "keys" list');
  const entries = keys.flatMap((k: unknown) => (typeof k === 'object' && k !== null ? [jwkToEntry(k as Record<string, unknown>)] : []))
    .filter((e): e is JwkEntry => e !== undefined);
  if (entries.length === 0) throw new JwtError('JWKS holds no usable signing key');
  return entries;
}

/**
 * The JWK Set of `authJWTJWKS`: fetched on first use, kept for an hour, fetched again after `refresh()` (the API's
 * `POST /v3/auth/jwks/refresh`). Concurrent requests share one fetch; a failed fetch is not cached.
 */
export class JwksCache {
  private keys: JwkEntry[] | undefined;
  private fetchedAt = 0;
  private pending: Promise<JwkEntry[]> | undefined;
  private readonly inFlight = new Set<ClientRequest>();
  private readonly url: URL | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: JwksCacheOptions) {
    this.url = URL.canParse(opts.url) ? new URL(opts.url) : undefined;
    this.now = opts.now ?? Date.now;
  }

  /** The keys, fetched when none are held or the held ones are older than an hour. */
  get(): Promise<JwkEntry[]> {
    if (this.keys && this.now() - this.fetchedAt < JWKS_REFRESH_MS) return Promise.resolve(this.keys);
    this.pending ??= this.load().finally(() => { this.pending = undefined; });
    return this.pending;
  }

  /** Makes the next get() fetch the set again. */
  refresh(): void { this.keys = undefined; }

  /** Aborts fetches in flight. */
  close(): void {
    for (const r of this.inFlight) r.destroy(new Error('authentication stopped'));
    this.inFlight.clear();
  }

  private async load(): Promise<JwkEntry[]> {
    const url = this.url;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new JwtError('invalid authJWTJWKS');
    const started = this.now();
    const keys = parseJwks(await fetchText(url, { timeoutMs: this.opts.timeoutMs, fingerprint: this.opts.fingerprint ?? '' }, this.inFlight));
    this.keys = keys;
    this.fetchedAt = started;
    return keys;
  }
}
