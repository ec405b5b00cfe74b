import { createHash, timingSafeEqual } from 'node:crypto';
import type { Credentials } from './access-request.ts';

const SHA256_PREFIX = 'sha256:';

function digest(s: string): Buffer { return createHash('sha256').update(s).digest(); }

/** Constant-time comparison of a received value with a stored plain or `sha256:<base64>` value (MediaMTX #5961). */
export function matchesStored(stored: string, received: string): boolean {
  if (stored.startsWith(SHA256_PREFIX)) {
    const want = Buffer.from(stored.slice(SHA256_PREFIX.length), 'base64');
    const got = digest(received);
    return want.length === got.length && timingSafeEqual(want, got);
  }
  // Hash both sides so lengths are equal and the comparison leaks nothing about the stored value's length.
  return timingSafeEqual(digest(stored), digest(received));
}

/** True when `cred` matches the stored user and password. Digest answers can only be checked against plain passwords. */
export function credentialsMatch(cred: Credentials, storedUser: string, storedPass: string): boolean {
  const userOk = matchesStored(storedUser, cred.user);
  if (cred.kind === 'plain') return matchesStored(storedPass, cred.pass) && userOk;
  if (storedPass.startsWith(SHA256_PREFIX)) return false;
  return cred.verify(storedPass) && userOk;
}
