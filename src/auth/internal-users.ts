import { createHash, timingSafeEqual } from 'node:crypto';
import type { ConfAuthInternalUser } from '../conf/index.ts';
import type { Credentials } from './access-request.ts';
import { isArgon2Credential, verifyArgon2 } from './argon2-credential.ts';
import { isHashedCredential, matchesStored } from './credential.ts';
import { matchesPermission, type PermissionRequest } from './permission.ts';

/** A request checked against `authInternalUsers`. */
export interface InternalUserRequest extends PermissionRequest {
  readonly ip: string;
  readonly credentials?: Credentials | undefined;
}

/** The outcome: allowed, or refused with whether only a password sent in clear could have been checked. */
export type InternalUserVerdict = { readonly allowed: true } | { readonly allowed: false; readonly needsPlainPassword: boolean };

function sha256(s: string): Buffer { return createHash('sha256').update(s, 'utf8').digest(); }

/**
 * MediaMTX v1.x conf.Credential.Check: an empty stored value accepts anything; `sha256:` and `argon2:` hashes are
 * verified; a plain value is compared in constant time.
 */
export async function checkCredential(stored: string, guess: string): Promise<boolean> {
  if (stored === '') return true;
  if (isArgon2Credential(stored)) return verifyArgon2(stored, guess);
  if (isHashedCredential(stored)) return matchesStored(stored, guess);
  return timingSafeEqual(sha256(stored), sha256(guess));
}

/** True when a stored user or password is hashed: only a password sent in clear can be checked against it. */
function isAnyHashed(u: ConfAuthInternalUser): boolean {
  return isHashedCredential(u.user) || isHashedCredential(u.pass) || isArgon2Credential(u.user) || isArgon2Credential(u.pass);
}

async function credentialsMatchUser(u: ConfAuthInternalUser, c: Credentials | undefined): Promise<boolean> {
  if (u.user === 'any') return true;
  if (c?.kind === 'digest') {
    // RFC 2617 Digest proves knowledge of a plain password only: hashed stored values can't be checked with it.
    return !isAnyHashed(u) && c.user === u.user && c.verify(u.pass);
  }
  const user = c?.user ?? '';
  const pass = c?.kind === 'plain' ? c.pass : '';
  const [userOk, passOk] = await Promise.all([checkCredential(u.user, user), checkCredential(u.pass, pass)]);
  return userOk && passOk;
}

/**
 * Tries each user in order, as MediaMTX HEAD authenticateInternal: its IP list (when not empty), then a permission
 * for the action and path, then its credentials (`any` needs none). The first user that passes allows the request.
 */
export async function checkInternalUsers(
  users: readonly ConfAuthInternalUser[], req: InternalUserRequest, ipAllowed: (ips: readonly string[], ip: string) => boolean,
): Promise<InternalUserVerdict> {
  let needsPlainPassword = false;
  for (const u of users) {
    if (u.ips.length > 0 && !ipAllowed(u.ips, req.ip)) continue;
    if (!matchesPermission(u.permissions, req)) continue;
    if (await credentialsMatchUser(u, req.credentials)) return { allowed: true };
    if (isAnyHashed(u)) needsPlainPassword = true;
  }
  return { allowed: false, needsPlainPassword };
}
