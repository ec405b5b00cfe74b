import type { AuthMethod, RtspTransport } from '../../conf/index.ts';
import type { PathAccess } from '../../core/index.ts';
import type { Stream } from '../../stream/index.ts';
import {
  RtspHeaders, negotiateTransport, parseTransportHeader, serializeTransportSpec, transportAnswer,
  type RtspRequest, type RtspResponse, type RtspTransportSpec,
} from '../../protocols/rtsp/index.ts';
import { descriptionToSdp, parseSdp, sdpToDescription } from '../../formats/index.ts';
import type { RtspConnContext, RtspHandled, RtspRequestHandler } from './rtsp-conn-context.ts';
import { SESSION_TIMEOUT_MS, type RtspSession } from './rtsp-session.ts';
import { isAbsoluteControl, isClimbingControl, splitRtspUrl, urlBase } from './rtsp-request-url.ts';
import { MULTICAST_TTL } from './rtsp-multicast.ts';
import { RtspStatusError } from './rtsp-status.ts';
import { errorResponse } from './rtsp-error-response.ts';
import { withMulticastConnection } from './vlc-multicast-sdp.ts';

const PUBLIC_METHODS = 'OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, GET_PARAMETER, SET_PARAMETER, TEARDOWN';

/** What the handler needs from its server. */
export interface RtspHandlerDeps {
  paths: PathAccess;
  allowed: ReadonlySet<RtspTransport>;
  authMethods: readonly AuthMethod[];
  hasUdpListeners: boolean;
  udpServerPorts: readonly [number, number];
  multicastPorts: readonly [number, number];
  /** Multicast group addresses of a stream's medias (reserving them). */
  multicastGroups(stream: Stream): readonly string[];
  /** True when `ip:port` already receives media of some session. */
  isUdpClientPortTaken(ip: string, port: number): boolean;
}

function ok(headers = new RtspHeaders(), body: Buffer = Buffer.alloc(0)): RtspResponse {
  return { statusCode: 200, statusMessage: 'OK', headers, body };
}

// The timeout the Session header states, 5 s under the one enforced: Media Foundation players (Windows Media Player)
// send their keep-alive exactly once per stated timeout, which would race the idle check (gortsplib states 5 s less too).
const STATED_TIMEOUT_S = SESSION_TIMEOUT_MS / 1000 - 5;

function sessionHeader(s: RtspSession): RtspHeaders {
  const h = new RtspHeaders();
  h.set('Session', `${s.id};timeout=${STATED_TIMEOUT_S}`);
  return h;
}

/** The RTSP method handlers of RFC 2326 §10, with MediaMTX's behaviour. */
export class RtspServerHandler implements RtspRequestHandler {
  constructor(private readonly deps: RtspHandlerDeps) {}

  async handle(ctx: RtspConnContext, req: RtspRequest): Promise<RtspHandled> {
    try {
      return await this.dispatch(ctx, req);
    } catch (err) {
      return { response: errorResponse(err as Error, { authMethods: this.deps.authMethods, nonce: ctx.nonce, log: ctx.log }) };
    }
  }

  private async dispatch(ctx: RtspConnContext, req: RtspRequest): Promise<RtspHandled> {
    const session = this.findSession(ctx, req);
    session?.touch();
    switch (req.method) {
      case 'OPTIONS': { const h = new RtspHeaders(); h.set('Public', PUBLIC_METHODS); return { response: ok(h) }; }
      case 'DESCRIBE': return { response: await this.describe(ctx, req) };
      case 'ANNOUNCE': return { response: await this.announce(ctx, req) };
      case 'SETUP': return { response: await this.setup(ctx, req, session) };
      case 'PLAY': return this.play(ctx, req, this.need(session, ['prePlay', 'play']));
      case 'RECORD': return this.record(ctx, req, this.need(session, ['preRecord']));
      case 'PAUSE': {
        const s = this.need(session, ['prePlay', 'play', 'preRecord', 'record']);
        s.pause();
        ctx.updateTimeout();
        return { response: ok(sessionHeader(s)) };
      }
      case 'GET_PARAMETER':
      case 'SET_PARAMETER': return { response: ok(session ? sessionHeader(session) : new RtspHeaders()) };
      case 'TEARDOWN': { if (session) session.close(); return { response: ok() }; }
      default: throw new RtspStatusError(501, `unsupported method ${req.method}`);
    }
  }

  private async describe(ctx: RtspConnContext, req: RtspRequest): Promise<RtspResponse> {
    const { pathName, query } = splitRtspUrl(req.url, []);
    const r = await this.deps.paths.describe(ctx.accessRequest(req, pathName, query, 'read'));
    if ('redirect' in r) {
      const h = new RtspHeaders();
      h.set('Location', r.redirect.startsWith('/') ? `${urlBase(req.url)}${r.redirect}` : r.redirect);
      return { statusCode: 302, statusMessage: 'Found', headers: h, body: Buffer.alloc(0) };
    }
    const desc = r.stream.description;
    let sdp = descriptionToSdp(desc, { controls: desc.medias.map((_, i) => `trackID=${i}`), isIpv6: ctx.remoteIp.includes(':') });
    if (/(^|&)vlcmulticast(=|&|$)/.test(query)) {
      sdp = withMulticastConnection(sdp, this.deps.multicastGroups(r.stream), this.deps.multicastPorts[0], MULTICAST_TTL);
    }
    const h = new RtspHeaders();
    h.set('Content-Base', req.url.endsWith('/') ? req.url : `${req.url}/`);
    h.set('Content-Type', 'application/sdp');
    return ok(h, Buffer.from(sdp));
  }

  private async announce(ctx: RtspConnContext, req: RtspRequest): Promise<RtspResponse> {
    const ct = req.headers.get('Content-Type');
    if (ct !== undefined && !ct.toLowerCase().startsWith('application/sdp')) throw new RtspStatusError(400, `unsupported Content-Type '${ct}'`);
    let parsed;
    try {
      parsed = sdpToDescription(parseSdp(req.body.toString('utf8')));
    } catch (err) {
      throw new RtspStatusError(400, `invalid SDP: ${(err as Error).message}`);
    }
    if (parsed.description.medias.length === 0) throw new RtspStatusError(400, 'the SDP contains no medias');
    // A control is appended to the request URL by the client; one that climbs out of it is refused (docs/limits.md §RTSP).
    const climbing = parsed.controls.find(isClimbingControl);
    if (climbing !== undefined) throw new RtspStatusError(400, `invalid control attribute '${climbing.slice(0, 64)}'`);
    const { pathName, query } = splitRtspUrl(req.url, []);
    const session = ctx.createSession();
    try {
      const lease = await this.deps.paths.addPublisher(ctx.accessRequest(req, pathName, query, 'publish'), session, parsed.description);
      if (session.isClosed) { lease.release(); throw new RtspStatusError(400, 'terminated'); }
      session.setAnnounced(lease, parsed.description, parsed.controls);
      session.query = query;
    } catch (err) {
      session.close();
      throw err;
    }
    return ok(sessionHeader(session));
  }

  private async setup(ctx: RtspConnContext, req: RtspRequest, existing: RtspSession | undefined): Promise<RtspResponse> {
    const th = req.headers.get('Transport');
    if (th === undefined) throw new RtspStatusError(461, 'Transport header is missing');
    let specs: RtspTransportSpec[];
    try { specs = parseTransportHeader(th); } catch (err) { throw new RtspStatusError(461, `invalid Transport header: ${(err as Error).message}`); }
    if (existing && existing.state !== 'prePlay' && existing.state !== 'preRecord' && existing.state !== 'initial') {
      throw new RtspStatusError(455, 'can\'t SETUP while playing or recording');
    }
    const announced = existing?.announcedDescription;
    const { session, index } = announced && existing
      ? { session: existing, index: this.announcedMediaIndex(req, existing) }
      : await this.readerSession(ctx, req, existing);
    const medias = session.stream?.description.medias ?? [];
    const media = announced ? announced.description.medias[index] : medias[index];
    if (!media) throw new RtspStatusError(404, `media ${index} not found`);
    if (session.medias.has(index)) throw new RtspStatusError(455, `media ${index} is already set up`);
    const negotiated = negotiateTransport(specs, {
      allowed: this.deps.allowed, isSecure: ctx.isSecure, hasUdpListeners: this.deps.hasUdpListeners,
      isPublishing: announced !== undefined, sessionKind: session.transportKind, remoteIp: ctx.remoteIp,
      isChannelUsed: (ch) => session.usesChannel(ch), nextChannel: session.medias.size * 2,
      isUdpPortTaken: (port) => this.deps.isUdpClientPortTaken(ctx.remoteIp, port),
    });
    if (negotiated.kind === 'refused') throw new RtspStatusError(negotiated.statusCode, negotiated.reason);
    const { transport, spec } = negotiated;
    session.addMedia(index, media, transport, transport.kind === 'tcp' ? ctx.interleaved : undefined);
    const h = sessionHeader(session);
    h.set('Transport', serializeTransportSpec(transportAnswer(spec, transport, {
      udpServerPorts: this.deps.udpServerPorts, multicastPorts: this.deps.multicastPorts,
      multicastGroup: session.multicastGroup(index), multicastTtl: MULTICAST_TTL,
    })));
    return ok(h);
  }

  /** The announced media a publisher's SETUP URL names. */
  private announcedMediaIndex(req: RtspRequest, session: RtspSession): number {
    const controls = session.announcedDescription?.controls ?? [];
    const u = splitRtspUrl(req.url, controls);
    // An absolute control names the media by the whole URL, whatever its path: the session stays on the ANNOUNCE path,
    // as in gortsplib (some encoders announce `a=control:rtsp://host/path/trackN`).
    const isAbsolute = u.controlIndex !== undefined && isAbsoluteControl(controls[u.controlIndex]!);
    if (!isAbsolute && u.pathName !== session.pathName) throw new RtspStatusError(400, 'the SETUP path differs from the ANNOUNCE path');
    const index = u.controlIndex ?? (controls.length === 1 ? 0 : -1);
    if (index < 0) throw new RtspStatusError(400, 'SETUP URL matches no announced media');
    return index;
  }

  /** A reader's SETUP: the session (created on the first SETUP, which also asks the path to read) and the media index. */
  private async readerSession(
    ctx: RtspConnContext, req: RtspRequest, existing: RtspSession | undefined,
  ): Promise<{ session: RtspSession; index: number }> {
    const u = splitRtspUrl(req.url, []);
    const session = existing ?? ctx.createSession();
    try {
      if (session.pathName !== undefined && session.pathName !== u.pathName) throw new RtspStatusError(400, 'can\'t setup medias of different paths');
      if (!session.stream) {
        const lease = await this.deps.paths.addReader(ctx.accessRequest(req, u.pathName, u.query, 'read'), session);
        if (session.isClosed) { lease.release(); throw new RtspStatusError(400, 'terminated'); }
        session.setReaderLease(lease);
        session.query = u.query;
      }
    } catch (err) {
      if (!existing) session.close();
      throw err;
    }
    return { session, index: u.trackId ?? 0 };
  }

  private play(ctx: RtspConnContext, req: RtspRequest, session: RtspSession): RtspHandled {
    const u = splitRtspUrl(req.url, []);
    // PLAY must name the path the session was set up for, or its base URL (docs/limits.md §RTSP).
    if (u.pathName !== session.pathName && u.pathName !== '') throw new RtspStatusError(400, 'the PLAY path differs from the SETUP path');
    if (session.medias.size === 0) throw new RtspStatusError(455, 'no medias have been set up');
    const h = sessionHeader(session);
    h.set('Range', 'npt=0.000-');
    // Packets start after the response, so the client knows the session before the first frame arrives.
    return { response: ok(h), afterSend: () => this.start(ctx, session, 'play') };
  }

  private record(ctx: RtspConnContext, req: RtspRequest, session: RtspSession): RtspHandled {
    const announced = session.announcedDescription;
    const u = splitRtspUrl(req.url, announced?.controls ?? []);
    if (u.pathName !== session.pathName) throw new RtspStatusError(400, 'the RECORD path differs from the ANNOUNCE path');
    if (session.medias.size === 0) throw new RtspStatusError(455, 'no medias have been set up');
    // gortsplib refuses a partial RECORD: an announced media without data would stall readers waiting for its track.
    if (announced && session.medias.size !== announced.description.medias.length) {
      throw new RtspStatusError(400, 'not all announced medias have been set up');
    }
    return { response: ok(sessionHeader(session)), afterSend: () => this.start(ctx, session, 'record') };
  }

  /** Starts playing or recording once the 200 was sent; a repeated PLAY of a playing session changes nothing. */
  private start(ctx: RtspConnContext, session: RtspSession, state: 'play' | 'record'): void {
    if (session.isClosed) return;
    if (session.state !== state) {
      if (state === 'play') session.play();
      else session.record();
    }
    ctx.updateTimeout();
  }

  private findSession(ctx: RtspConnContext, req: RtspRequest): RtspSession | undefined {
    const v = req.headers.get('Session');
    // Without a Session header the request belongs to the connection's session, as in gortsplib: some publishers
    // send SETUP after ANNOUNCE without it (they read no id from the ANNOUNCE response), and RECORD must then work.
    if (v === undefined) return req.method === 'ANNOUNCE' || req.method === 'DESCRIBE' ? undefined : ctx.latestSession();
    const id = v.split(';')[0]!.trim();
    // Sessions are only reachable from the connection that created them (docs/limits.md §RTSP).
    const s = ctx.session(id);
    if (!s) throw new RtspStatusError(454, 'session not found');
    return s;
  }

  private need(session: RtspSession | undefined, states: readonly RtspSession['state'][]): RtspSession {
    if (!session) throw new RtspStatusError(454, 'session not found');
    if (!states.includes(session.state)) throw new RtspStatusError(455, `not valid in state ${session.state}`);
    return session;
  }
}
