// @node-rs/argon2 is a native addon of ~11 MiB resident: loaded on the first argon2 check, not by every server.
let argon2: Promise<typeof import('@node-rs/argon2')> | undefined;

/** Prefix of an argon2 credential: `argon2:` then the PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`). */
export const ARGON2_PREFIX = 'argon2:';

/** True when a stored credential is an `argon2:` hash (MediaMTX v1.5+). */
export function isArgon2Credential(stored: string): boolean { return stored.startsWith(ARGON2_PREFIX); }

/**
 * Checks a guess against an `argon2:` credential (argon2i, argon2d or argon2id, RFC 9106). @node-rs/argon2 runs the
 * hash on libuv's thread pool, so a check never blocks the event loop; a malformed hash matches nothing.
 */
export async function verifyArgon2(stored: string, guess: string): Promise<boolean> {
  // A failure to load the addon is thrown (the check fails loudly); only a malformed hash is a plain mismatch.
  argon2 ??= import('@node-rs/argon2');
  const { verify } = await argon2;
  try {
    return await verify(stored.slice(ARGON2_PREFIX.length), guess);
  } catch {
    return false;
  }
}
