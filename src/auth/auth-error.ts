/** Authentication refused. `askCredentials`: the client sent none and should be challenged (401 + WWW-Authenticate). */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(message: string, readonly askCredentials: boolean) { super(message); }
}
