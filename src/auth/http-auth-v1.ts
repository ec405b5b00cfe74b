import type { AuthRequest } from './auth-request.ts';

/** MediaMTX v1.x's HTTP authentication body (HEAD internal/auth manager.go authenticateHTTP), field order included. */
export interface HttpAuthBodyV1 {
  ip: string; user: string; password: string; token: string; action: string; path: string; protocol: string;
  id: string | null; query: string; userAgent: string;
}

/**
 * Builds the v1.x body: `token` is the bearer token, else the password, else an RTSP/RTMP query token (requestToken);
 * TLS variants are reported as their plain protocol (upstream has no rtsps/rtmps protocol); api/metrics/pprof have
 * an empty path and protocol and a null id. Digest credentials carry no password, so `password` is '' for them.
 */
export function httpAuthBodyV1(req: AuthRequest, token: string): HttpAuthBodyV1 {
  const c = req.credentials;
  const protocol = req.protocol === 'rtsps' ? 'rtsp' : req.protocol === 'rtmps' ? 'rtmp' : req.protocol ?? '';
  return {
    ip: req.ip,
    user: c?.user ?? '',
    password: c?.kind === 'plain' ? c.pass : '',
    token,
    action: req.action,
    path: req.pathName,
    protocol,
    id: req.connId ?? null,
    query: req.query,
    userAgent: req.userAgent ?? '',
  };
}
