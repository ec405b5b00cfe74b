import type { AuthRequest } from './auth-request.ts';

/**
 * The token of a request for HTTP or JWT authentication (MediaMTX HEAD getToken): a bearer token, else the password
 * (JWT as RTSP/RTMP password), else for RTSP and RTMP, which have no other way, the query's `token`, then its legacy
 * `jwt` (each only when given once). HLS/WebRTC/API tokens come from `Authorization: Bearer`, never the query.
 */
export function requestToken(req: AuthRequest): string {
  if (req.token !== undefined && req.token !== '') return req.token;
  const c = req.credentials;
  if (c?.kind === 'plain' && c.pass !== '') return c.pass;
  if (req.protocol === 'rtsp' || req.protocol === 'rtsps' || req.protocol === 'rtmp' || req.protocol === 'rtmps') {
    const q = new URLSearchParams(req.query);
    for (const key of ['token', 'jwt']) {
      const all = q.getAll(key);
      if (all.length === 1) return all[0]!;
    }
  }
  return '';
}
