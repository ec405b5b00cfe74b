/**
 * Authentication refused. `askCredentials`: the client sent none and should be challenged (401 + WWW-Authenticate).
 * `needsPlainPassword`: the stored credential is a `sha256:` hash, which only a password sent in clear (RTSP Basic) can
 * be checked against, so a challenge must not offer Digest (gortsplib's validator does the same).
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(message: string, readonly askCredentials: boolean, readonly needsPlainPassword = false) { super(message); }
}
