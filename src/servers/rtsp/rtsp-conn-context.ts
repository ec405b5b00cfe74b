import type { Logger } from '../../lib/index.ts';
import type { Action, AccessRequest } from '../../core/index.ts';
import type { RtspRequest, RtspResponse } from '../../protocols/rtsp/index.ts';
import type { RtspSession } from './rtsp-session.ts';
import type { InterleavedWriter } from './rtsp-session-types.ts';

/** What the request handler may use of the connection a request arrived on (RtspConn, or a fake in tests). */
export interface RtspConnContext {
  readonly remoteIp: string;
  /** RTSPS: the access request says so, and only TCP is offered. */
  readonly isSecure: boolean;
  /** Digest nonce of the connection (RFC 2617 §3.2.1), for 401 challenges. */
  readonly nonce: string;
  readonly log: Logger;
  /** Where the connection's TCP sessions write their interleaved frames. */
  readonly interleaved: InterleavedWriter;
  /** The access request of `req` for a path, with the connection's address and credentials. */
  accessRequest(req: RtspRequest, pathName: string, query: string, action: Action): AccessRequest;
  /** The session with this id, only if this connection created it (docs/limits.md §RTSP). */
  session(id: string): RtspSession | undefined;
  /** The connection's most recent open session: requests without a Session header belong to it (gortsplib). */
  latestSession(): RtspSession | undefined;
  /** Creates a session owned by this connection. */
  createSession(): RtspSession;
  /** A session of the connection changed state: recompute how long the connection may stay silent. */
  updateTimeout(): void;
}

/** A response, and what to run once its bytes are queued: PLAY and RECORD start the media only then. */
export interface RtspHandled {
  readonly response: RtspResponse;
  readonly afterSend?: () => void;
}

/** Answers the requests of a connection; errors become responses, so it never rejects. */
export interface RtspRequestHandler {
  handle(ctx: RtspConnContext, req: RtspRequest): Promise<RtspHandled>;
}
