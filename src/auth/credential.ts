import { createHash, timingSafeEqual } from 'node:crypto';
import type { Credentials } from './access-request.ts';

const SHA256_PREFIX = 'sha256:';

function sha256(s: string): Buffer { return createHash('sha256').update(s, 'utf8').digest(); }

/** True when a stored credential is in the hashed `sha256:<base64>` form. */
export function isHashedCredential(stored: string): boolean { return stored.startsWith(SHA256_PREFIX); }

/**
 * Constant-time comparison of a received value with a stored plain or `sha256:<base64 of sha256(value)>` value
 * (MediaMTX conf.Credential; constant time as in MediaMTX #5961).
 */
export function matchesStored(stored: string, received: string): boolean {
  if (isHashedCredential(stored)) {
    // The base64 texts are compared, as MediaMTX does: Node's lenient base64 decoder would accept trailing junk.
    const want = Buffer.from(stored.slice(SHA256_PREFIX.length), 'utf8');
    const got = Buffer.from(sha256(received).toString('base64'), 'utf8');
    // A malformed stored hash has the wrong length: refuse without calling timingSafeEqual (it throws on mismatch).
    return want.length === got.length && timingSafeEqual(want, got);
  }
  // Both sides hashed, so the buffers have equal length and the time taken says nothing about the stored length.
  return timingSafeEqual(sha256(stored), sha256(received));
}

/**
 * True when `cred` matches the stored user and password. Both comparisons always run, so the time taken does not
 * tell whether the user was right. Digest answers (RFC 2617 §3.2.2) can only be checked against a plain password.
 */
export function credentialsMatch(cred: Credentials, storedUser: string, storedPass: string): boolean {
  const userOk = matchesStored(storedUser, cred.user);
  let passOk: boolean;
  if (cred.kind === 'plain') passOk = matchesStored(storedPass, cred.pass);
  else passOk = !isHashedCredential(storedPass) && cred.verify(storedPass);
  return userOk && passOk;
}
