import type { Credentials } from './access-request.ts';

/** Credentials and token of an HTTP request's `Authorization` header. */
export interface HttpRequestCredentials { readonly credentials?: Credentials; readonly token?: string }

/**
 * Reads `Authorization` as MediaMTX HEAD httpp.Credentials: `Bearer user:pass` (exactly one colon) is a user and
 * password, any other `Bearer <token>` is a token (a JWT, RFC 6750 §2.1), `Basic` (RFC 7617) is a user and password.
 */
export function httpRequestCredentials(authorization: string | undefined): HttpRequestCredentials {
  if (authorization === undefined) return {};
  if (authorization.startsWith('Bearer ')) {
    const value = authorization.slice('Bearer '.length);
    const parts = value.split(':');
    if (parts.length === 2) return { credentials: { kind: 'plain', user: parts[0]!, pass: parts[1]! } };
    return { token: value };
  }
  const m = /^basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(authorization);
  if (!m) return {};
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return {};
  return { credentials: { kind: 'plain', user: text.slice(0, colon), pass: text.slice(colon + 1) } };
}
