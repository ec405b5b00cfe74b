import { request, type IncomingMessage } from 'node:http';
import { redactUrl } from '../../lib/index.ts';
import { connectSourceSocket } from '../source-socket.ts';
import type { ByteRange } from './hls-attributes.ts';

/** How one HTTP GET of a playlist, segment or part is bounded. */
export interface HlsFetchOptions {
  /** `sourceFingerprint` for https (as for rtsps): the certificate's SHA-256, or '' to validate it normally. */
  readonly fingerprint: string;
  /** Connecting, sending and receiving the whole answer together. */
  readonly timeoutMs: number;
  /** Largest body taken; a larger Content-Length or body fails the request without reading it all. */
  readonly maxBytes: number;
  readonly signal: AbortSignal;
  /** BYTERANGE of the entry (RFC 8216bis §4.4.4.2): a Range request. */
  readonly byteRange?: ByteRange;
}

/** Redirections followed per request (RFC 9110 §15.4). */
const MAX_REDIRECTS = 5;

/** Basic credentials of the URL (MediaMTX allows `http://user:pass@host/…` sources). */
function authorization(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined;
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

function readBody(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const length = Number(res.headers['content-length'] ?? NaN);
    // Rejected before destroy(): destroying emits 'aborted', whose reason would come first otherwise.
    if (length > maxBytes) { reject(new Error(`answer of ${length} bytes, more than the ${maxBytes} allowed`)); res.destroy(); return; }
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) { reject(new Error(`answer larger than the ${maxBytes} bytes allowed`)); res.destroy(); return; }
      chunks.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('the answer was cut short')));
  });
}

type Answer = { kind: 'body'; body: Buffer } | { kind: 'redirect'; location: string };

async function getOnce(url: URL, o: HlsFetchOptions, deadline: AbortSignal): Promise<Answer> {
  const isSecure = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port !== '' ? Number(url.port) : isSecure ? 443 : 80;
  const socket = await connectSourceSocket({ host, port, isSecure, fingerprint: o.fingerprint, timeoutMs: o.timeoutMs, signal: deadline });
  return new Promise<Answer>((resolve, reject) => {
    const headers: Record<string, string> = { host: url.host, 'user-agent': 'mediamtx-ts' };
    const auth = authorization(url);
    if (auth) headers.authorization = auth;
    if (o.byteRange) {
      const start = o.byteRange.offset ?? 0;
      headers.range = `bytes=${start}-${start + o.byteRange.length - 1}`;
    }
    // One connection per request, already connected (and its certificate pinned) by connectSourceSocket.
    const req = request({ method: 'GET', path: `${url.pathname}${url.search}`, headers, createConnection: () => socket });
    const onAbort = (): void => { req.destroy(deadline.reason instanceof Error ? deadline.reason : new Error('aborted')); };
    deadline.addEventListener('abort', onAbort, { once: true });
    const done = (): void => { deadline.removeEventListener('abort', onAbort); socket.destroy(); };
    req.on('error', (err) => { done(); reject(err); });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        done();
        resolve({ kind: 'redirect', location: res.headers.location });
        return;
      }
      if (status !== 200 && status !== 206) { res.resume(); done(); reject(new Error(`bad status code: ${status}`)); return; }
      readBody(res, o.maxBytes).then((body) => { done(); resolve({ kind: 'body', body }); }, (err: Error) => { done(); reject(err); });
    });
    req.end();
  });
}

/**
 * GETs `url` over HTTP or HTTPS (RFC 9110/9112) with the URL's credentials as Basic authorization, following up to
 * MAX_REDIRECTS redirections (credentials only to the same origin), within `timeoutMs` for everything and at most
 * `maxBytes` of body. Resolves with the body and the URL it finally came from (the base of relative URIs).
 */
export async function hlsFetch(url: URL, o: HlsFetchOptions): Promise<{ body: Buffer; url: URL }> {
  // Not AbortSignal.any([o.signal, …]): on Node 20 every call adds an entry to the long-lived source signal's set of
  // dependants that is never removed (a growth of ~130 bytes per playlist, segment or part fetched, for as long as
  // the source runs). A listener and a timer removed in `finally` leave nothing behind.
  const ac = new AbortController();
  const deadline = ac.signal;
  const onAbort = (): void => ac.abort(o.signal.reason);
  const timer = setTimeout(() => ac.abort(new Error('timeout')), o.timeoutMs);
  if (o.signal.aborted) onAbort(); else o.signal.addEventListener('abort', onAbort, { once: true });
  let current = url;
  try {
    for (let redirects = 0; ; redirects++) {
      const a = await getOnce(current, o, deadline);
      if (a.kind === 'body') return { body: a.body, url: current };
      if (redirects >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirections`);
      const next = new URL(a.location, current);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new Error(`redirected to a ${next.protocol} URL`);
      if (next.origin !== current.origin) { next.username = ''; next.password = ''; }
      else if (next.username === '' && next.password === '') { next.username = current.username; next.password = current.password; }
      current = next;
    }
  } catch (err) {
    if (o.signal.aborted) throw err;
    if (deadline.aborted) throw new Error(`no answer from ${redactUrl(current.href)} within ${o.timeoutMs / 1000}s`);
    throw err;
  } finally {
    clearTimeout(timer);
    o.signal.removeEventListener('abort', onAbort);
  }
}
