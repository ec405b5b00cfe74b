import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AccessRequest } from './access-request.ts';

// RELIABILITY §1.5: the external auth answer is read up to this size, then the request is aborted.
const MAX_RESPONSE_BYTES = 128 * 1024;

/** MediaMTX v0.22.2's external authentication body. */
export interface ExternalAuthBody {
  ip: string; user: string; password: string; path: string; protocol: string; id: string | null; action: string; query: string;
}

/** Builds the JSON body for a request (Digest credentials carry no password: the RTSP server offers only Basic then). */
export function externalAuthBody(req: AccessRequest): ExternalAuthBody {
  const c = req.credentials;
  return {
    ip: req.ip,
    user: c?.user ?? '',
    password: c?.kind === 'plain' ? c.pass : '',
    path: req.pathName,
    protocol: req.protocol,
    id: req.connId ?? null,
    action: req.action,
    query: req.query,
  };
}

/** POSTs the body to `url`; resolves true on 2xx, false otherwise (errors and timeouts included). */
export function callExternalAuth(url: string, body: ExternalAuthBody, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const payload = Buffer.from(JSON.stringify(body));
    const fn = url.startsWith('https:') ? httpsRequest : httpRequest;
    let done = false;
    const finish = (ok: boolean): void => { if (!done) { done = true; clearTimeout(timer); resolve(ok); } };
    let req: ReturnType<typeof httpRequest>;
    try {
      req = fn(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': payload.length }, signal });
    } catch {
      resolve(false);
      return;
    }
    const timer = setTimeout(() => { req.destroy(new Error('timeout')); finish(false); }, timeoutMs);
    req.on('error', () => finish(false));
    req.on('response', (res) => {
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) { req.destroy(); finish(false); }
      });
      res.on('end', () => finish(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300));
      res.on('error', () => finish(false));
    });
    req.end(payload);
  });
}
