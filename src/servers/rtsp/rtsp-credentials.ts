import type { AuthMethod } from '../../conf/index.ts';
import type { Credentials } from '../../core/index.ts';
import { parseAuthorization, digestVerifier, type RtspRequest } from '../../protocols/rtsp/index.ts';

// MediaMTX's realm; clients show it in password prompts.
export const AUTH_REALM = 'mediamtx';

/** Credentials carried by the request's Authorization header (RFC 2617), or undefined. */
export function credentialsFromRequest(req: RtspRequest, nonce: string): Credentials | undefined {
  const header = req.headers.get('Authorization');
  if (header === undefined) return undefined;
  let auth;
  try {
    auth = parseAuthorization(header);
  } catch {
    return undefined; // a malformed header counts as no credentials: the client is asked again
  }
  if (auth.scheme === 'basic') return { kind: 'plain', user: auth.user, pass: auth.pass };
  // Digest answers are only valid for our realm and this connection's nonce.
  if (auth.realm !== AUTH_REALM || auth.nonce !== nonce) return { kind: 'digest', user: auth.username, verify: () => false };
  return { kind: 'digest', user: auth.username, verify: digestVerifier(auth, req.method) };
}

/** WWW-Authenticate values for a 401, one per enabled method. */
export function authChallenges(methods: readonly AuthMethod[], nonce: string): string[] {
  return methods.map((m) => (m === 'basic' ? `Basic realm="${AUTH_REALM}"` : `Digest realm="${AUTH_REALM}", nonce="${nonce}"`));
}
