import { isIP } from 'node:net';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { normalizeIp } from '../lib/index.ts';
import { httpRequestCredentials, type AccessRequest } from '../auth/index.ts';

/** Tells whether an address is one of the trusted proxies (`hlsTrustedProxies`, `webrtcTrustedProxies`). */
export type TrustedProxyCheck = (ip: string) => boolean;

/**
 * The client's IP as MediaMTX (gin's ClientIP) finds it: the socket's address, unless that address is a trusted
 * proxy; then X-Forwarded-For is walked from the right, skipping trusted proxies, and the first other address is
 * the client (X-Real-IP when there is no X-Forwarded-For). A header from anyone else is ignored, so a client cannot
 * make itself look local (Emby CVE-2021-25827).
 */
export function httpClientIp(remoteAddress: string | undefined, headers: IncomingHttpHeaders, isTrusted: TrustedProxyCheck): string {
  const remote = normalizeIp(remoteAddress);
  if (remote === '' || !isTrusted(remote)) return remote;
  for (const name of ['x-forwarded-for', 'x-real-ip'] as const) {
    const v = headers[name];
    const found = v === undefined ? undefined : forwardedClient(Array.isArray(v) ? v.join(',') : v, isTrusted);
    if (found !== undefined) return found;
  }
  return remote;
}

/** The client named by a forwarding header: walked from the right, the first untrusted hop (or the leftmost); undefined when a hop is not an IP. */
function forwardedClient(value: string, isTrusted: TrustedProxyCheck): string | undefined {
  const hops = value.split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeIp(hops[i]!.trim());
    if (isIP(hop) === 0) return undefined;
    if (i === 0 || !isTrusted(hop)) return hop;
  }
  return undefined;
}

/** What an HTTP request identity is read from: its header fields (lower-case names) and the socket's address. */
export interface HttpRequestLike {
  readonly headers: IncomingHttpHeaders;
  readonly remoteAddress: string | undefined;
}

/** Who an HTTP request says it is, for an AccessRequest: its IP, and its `Authorization` (Basic, or a Bearer token), User-Agent. */
export function httpRequestIdentity(req: IncomingMessage | HttpRequestLike, isTrusted: TrustedProxyCheck): Pick<AccessRequest, 'ip' | 'credentials' | 'token' | 'userAgent'> {
  const { credentials, token } = httpRequestCredentials(req.headers.authorization);
  const userAgent = req.headers['user-agent'];
  const remoteAddress = 'socket' in req ? req.socket.remoteAddress : req.remoteAddress;
  return {
    ip: httpClientIp(remoteAddress, req.headers, isTrusted),
    ...(credentials ? { credentials } : {}), ...(token !== undefined ? { token } : {}), ...(userAgent !== undefined ? { userAgent } : {}),
  };
}
