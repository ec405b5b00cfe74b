import type { IncomingMessage } from 'node:http';
import { normalizeIp, type HttpAuthGuard } from '../lib/index.ts';
import { AuthError, httpRequestCredentials, type AuthManager } from '../auth/index.ts';

/**
 * The guard of the API, metrics or pprof listener (MediaMTX HEAD middlewareAuth): each request is authenticated for
 * `action` with its `Authorization` header (Basic, or Bearer user:pass or JWT), query and client address; refusals are
 * logged and delayed by the authentication manager.
 */
export function httpAuthGuard(auth: AuthManager, action: 'api' | 'metrics' | 'pprof'): HttpAuthGuard {
  return async (req: IncomingMessage) => {
    const { credentials, token } = httpRequestCredentials(req.headers.authorization);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    try {
      await auth.authenticateRequest({
        action, pathName: '', query: q < 0 ? '' : url.slice(q + 1), ip: normalizeIp(req.socket.remoteAddress),
        credentials, token, userAgent: req.headers['user-agent'],
      });
      return { allowed: true };
    } catch (err) {
      if (err instanceof AuthError) return { allowed: false, askCredentials: err.askCredentials };
      throw err;
    }
  };
}
