import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../lib/index.ts';
import {
  InvalidPathNameError, InvalidStateError, NoStreamAvailableError, PathBusyError, PathNotConfiguredError,
  type AccessRequest, type PathAccess,
} from '../../core/index.ts';
import { AuthError } from '../../auth/index.ts';
import { iceServerLinks, OfferError, parseTrickleFragment, type IceServer } from '../../protocols/webrtc/index.ts';
import { httpRequestIdentity, type TrustedProxyCheck } from '../http-request-identity.ts';
import { BodyTooLargeError, hasContentType, readTextBody } from './webrtc-http-body.ts';
import { WEBRTC_PUBLISH_PAGE, WEBRTC_READER_PAGE } from './webrtc-pages.ts';
import { parseWebRtcRoute } from './webrtc-route.ts';
import type { WebRtcSession } from './webrtc-session.ts';

/** What the handler needs from its server. */
export interface WebRtcRequestHandlerOptions {
  paths: PathAccess;
  log: Logger;
  isTrustedProxy: TrustedProxyCheck;
  allowOrigin: string;
  /** The ICE servers to give a client now (TURN credentials from a secret are made per call). */
  iceServers: () => IceServer[];
  /** Starts a WHEP or WHIP session; resolves with the session and its answer SDP. */
  startSession: (role: 'whep' | 'whip', access: AccessRequest, offer: string, remoteAddr: string) => Promise<{ session: WebRtcSession; answer: string }>;
  /** A session by id. */
  session: (id: string) => WebRtcSession | undefined;
}

const READER_PAGE = Buffer.from(WEBRTC_READER_PAGE);
const PUBLISH_PAGE = Buffer.from(WEBRTC_PUBLISH_PAGE);
const ENDPOINT_METHODS = 'OPTIONS, POST';
const SESSION_METHODS = 'OPTIONS, PATCH, DELETE';

/**
 * Answers the WebRTC server's HTTP requests: the pages, WHEP/WHIP endpoints (POST offer → 201 answer + Location,
 * OPTIONS with CORS and ICE servers in Link headers), and the session resources (PATCH trickle ICE, DELETE).
 * Reads and publishes are authenticated like every protocol (HTTP Basic, IP lists, external auth with `webrtc`).
 */
export class WebRtcRequestHandler {
  /** webrtcAllowOrigin; live-updatable. */
  allowOrigin: string;

  constructor(private readonly o: WebRtcRequestHandlerOptions) { this.allowOrigin = o.allowOrigin; }

  /** Handles one request. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.o.log.enabled('debug')) this.o.log.debug(`[conn ${req.socket.remoteAddress}:${req.socket.remotePort}] ${req.method} ${req.url}`);
    res.setHeader('Server', 'mediamtx');
    res.setHeader('Access-Control-Allow-Origin', this.allowOrigin);
    // As the HLS server: never reflect the caller's origin; credentials only with a configured origin.
    if (this.allowOrigin !== '*') res.setHeader('Access-Control-Allow-Credentials', 'true');
    const route = parseWebRtcRoute(req.url ?? '');
    const method = req.method ?? '';
    switch (route.kind) {
      case 'notFound': return this.text(res, 404, 'not found');
      case 'bad': return this.text(res, route.status, route.reason);
      case 'redirect':
        if (method !== 'GET' && method !== 'HEAD') return this.notAllowed(res, 'GET, HEAD');
        res.writeHead(301, { Location: route.location, 'Content-Length': 0 }).end();
        return;
      case 'readerPage':
      case 'publishPage':
        if (method !== 'GET' && method !== 'HEAD') return this.notAllowed(res, 'GET, HEAD');
        return this.page(req, res, route.kind === 'readerPage' ? 'read' : 'publish', route.pathName, route.query);
      case 'endpoint':
        if (method === 'OPTIONS') return this.options(req, res, ENDPOINT_METHODS);
        if (method !== 'POST') return this.notAllowed(res, ENDPOINT_METHODS);
        return this.post(req, res, route.role, route.pathName, route.query);
      case 'session': {
        if (method === 'OPTIONS') return this.options(req, res, SESSION_METHODS);
        const s = this.o.session(route.sessionId);
        if (!s || s.pathName !== route.pathName || s.role !== route.role) return this.text(res, 404, 'session not found');
        if (method === 'DELETE') { s.close(new Error('closed by the client')); res.writeHead(200, { 'Content-Length': 0 }).end(); return; }
        if (method === 'PATCH') return this.patch(req, res, s);
        return this.notAllowed(res, SESSION_METHODS);
      }
    }
  }

  private access(req: IncomingMessage, pathName: string, query: string, action: 'read' | 'publish'): AccessRequest {
    return {
      pathName, query, protocol: 'webrtc', action,
      ...httpRequestIdentity(req, this.o.isTrustedProxy),
    };
  }

  /** Pages are behind the same authentication as reading (MediaMTX: HTTP Basic on the page); the publish page's POST is checked. */
  private async page(req: IncomingMessage, res: ServerResponse, kind: 'read' | 'publish', pathName: string, query: string): Promise<void> {
    if (kind === 'read') {
      try {
        await this.o.paths.describe(this.access(req, pathName, query, 'read'));
      } catch (err) {
        // A missing stream still gets the page, which says so and retries.
        if (!(err instanceof NoStreamAvailableError)) return this.fail(res, err);
      }
    }
    const body = kind === 'read' ? READER_PAGE : PUBLISH_PAGE;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** CORS preflight (Access-Control-Request-Method present) or a WHIP/WHEP client asking for ICE servers (draft-ietf-wish-whip §4.4). */
  private options(req: IncomingMessage, res: ServerResponse, methods: string): void {
    res.setHeader('Access-Control-Allow-Methods', methods);
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, If-Match');
    res.setHeader('Access-Control-Expose-Headers', 'Link, Location, ETag');
    if (req.headers['access-control-request-method'] === undefined) {
      const links = iceServerLinks(this.o.iceServers());
      if (links.length > 0) res.setHeader('Link', links);
    }
    res.writeHead(204).end();
  }

  private async post(req: IncomingMessage, res: ServerResponse, role: 'whep' | 'whip', pathName: string, query: string): Promise<void> {
    if (!hasContentType(req, 'application/sdp')) { req.resume(); return this.text(res, 415, 'the offer must be application/sdp'); }
    try {
      const offer = await readTextBody(req);
      const access = this.access(req, pathName, query, role === 'whep' ? 'read' : 'publish');
      const { session, answer } = await this.o.startSession(role, access, offer, `${req.socket.remoteAddress}:${req.socket.remotePort}`);
      const links = iceServerLinks(this.o.iceServers());
      res.setHeader('Access-Control-Expose-Headers', 'Link, Location, ETag, Accept-Patch');
      if (links.length > 0) res.setHeader('Link', links);
      const body = Buffer.from(answer);
      // Accept-Patch (RFC 5789 §3.1, as MediaMTX sends it): the session resource takes trickle-ICE PATCHes.
      res.writeHead(201, {
        'Content-Type': 'application/sdp', 'Content-Length': body.length, ETag: `"${session.id}"`,
        'Accept-Patch': 'application/trickle-ice-sdpfrag', Location: `/${pathName}/${role}/${session.id}`,
      });
      res.end(body);
    } catch (err) {
      this.fail(res, err);
    }
  }

  /** Trickle ICE (RFC 8840 fragment, draft-ietf-wish-whip §4.3): remote candidates for the session's peer. */
  private async patch(req: IncomingMessage, res: ServerResponse, s: WebRtcSession): Promise<void> {
    if (!hasContentType(req, 'application/trickle-ice-sdpfrag')) { req.resume(); return this.text(res, 415, 'the body must be application/trickle-ice-sdpfrag'); }
    try {
      const frag = parseTrickleFragment(await readTextBody(req));
      for (const c of frag.candidates) await s.peer?.addCandidate(c);
      res.writeHead(204).end();
    } catch (err) {
      if (err instanceof BodyTooLargeError) return this.text(res, 413, err.message);
      this.text(res, 400, (err as Error).message);
    }
  }

  /** Maps a refusal to its status: 401 with the Basic challenge, 404, 400 (bad offer, no common codec), 413, 503. */
  private fail(res: ServerResponse, err: unknown): void {
    if (res.headersSent) { res.destroy(); return; }
    if (err instanceof AuthError) {
      res.setHeader('WWW-Authenticate', 'Basic realm="mediamtx"');
      this.text(res, 401, 'unauthorized');
    } else if (err instanceof NoStreamAvailableError || err instanceof PathNotConfiguredError) {
      this.text(res, 404, err.message);
    } else if (err instanceof OfferError || err instanceof InvalidPathNameError) {
      this.text(res, 400, err.message);
    } else if (err instanceof BodyTooLargeError) {
      this.text(res, 413, err.message);
    } else if (err instanceof PathBusyError || err instanceof InvalidStateError) {
      this.text(res, err instanceof PathBusyError ? 400 : 503, err.message);
    } else {
      const msg = err instanceof Error ? err.message : String(err);
      this.o.log.warn(`request failed: ${msg}`);
      this.text(res, 500, msg);
    }
  }

  private notAllowed(res: ServerResponse, allow: string): void {
    res.setHeader('Allow', allow);
    this.text(res, 405, 'method not allowed');
  }

  private text(res: ServerResponse, status: number, message: string): void {
    const body = Buffer.from(`${message}\n`);
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
    res.end(body);
  }
}
