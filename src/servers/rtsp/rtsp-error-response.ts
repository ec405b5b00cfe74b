import type { Logger } from '../../lib/index.ts';
import type { AuthMethod } from '../../conf/index.ts';
import { AuthError } from '../../auth/index.ts';
import { RtspHeaders, type RtspResponse } from '../../protocols/rtsp/index.ts';
import { statusOf } from './rtsp-status.ts';
import { authChallenges } from './rtsp-credentials.ts';

/** What an error response needs to know about the server and the connection. */
export interface ErrorResponseContext {
  readonly authMethods: readonly AuthMethod[];
  /** The connection's Digest nonce. */
  readonly nonce: string;
  readonly log: Logger;
}

/** The response to a failed request: its status (RFC 2326 §7.1.1), with challenges on 401; logs the failure. */
export function errorResponse(err: Error, ctx: ErrorResponseContext): RtspResponse {
  const statusCode = statusOf(err);
  const headers = new RtspHeaders();
  if (err instanceof AuthError || statusCode === 401) {
    // A hashed stored credential can't verify a Digest answer: offer Basic only, or FFmpeg would pick Digest and fail.
    const methods = err instanceof AuthError && err.needsPlainPassword ? (['basic'] as const) : ctx.authMethods;
    for (const c of authChallenges(methods, ctx.nonce)) headers.append('WWW-Authenticate', c);
  }
  // The first 401 of a client that sent no credentials is the normal handshake, not worth a log line.
  if (!(err instanceof AuthError && err.askCredentials)) ctx.log.info(`${statusCode}: ${err.message}`);
  return { statusCode, statusMessage: reasonPhrase(statusCode), headers, body: Buffer.alloc(0) };
}

function reasonPhrase(code: number): string {
  switch (code) {
    case 400: return 'Bad Request';
    case 401: return 'Unauthorized';
    case 404: return 'Not Found';
    case 405: return 'Method Not Allowed';
    case 454: return 'Session Not Found';
    case 455: return 'Method Not Valid In This State';
    case 461: return 'Unsupported Transport';
    case 501: return 'Not Implemented';
    default: return code >= 500 ? 'Internal Server Error' : 'Bad Request';
  }
}
