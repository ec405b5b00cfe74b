import type { Logger } from '../../lib/index.ts';
import type { AuthMethod, RtspTransport } from '../../conf/index.ts';
import type { PathAccess } from '../../core/index.ts';
import type { Stream } from '../../stream/index.ts';
import {
  RtspHeaders, parseTransportHeader, serializeTransportSpec,
  type RtspRequest, type RtspResponse, type RtspTransportSpec,
} from '../../protocols/rtsp/index.ts';
import { descriptionToSdp, parseSdp, sdpToDescription } from '../../formats/index.ts';
import type { RtspConn } from './rtsp-conn.ts';
import type { RtspSession } from './rtsp-session.ts';
import { SESSION_TIMEOUT_MS } from './rtsp-session.ts';
import { negotiateTransport } from './rtsp-transport-negotiation.ts';
import { splitRtspUrl } from './rtsp-request-url.ts';
import { MULTICAST_TTL } from './rtsp-multicast.ts';
import { RtspStatusError } from './rtsp-status.ts';
import { withMulticastConnection } from './vlc-multicast-sdp.ts';

const PUBLIC_METHODS = 'OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, GET_PARAMETER, SET_PARAMETER, TEARDOWN';

/** Answers one request of a connection. */
export interface RtspRequestHandler {
  readonly authMethods: readonly AuthMethod[];
  handle(conn: RtspConn, req: RtspRequest): Promise<RtspResponse>;
  /** Runs after the response bytes were queued (PLAY starts sending only then). */
  afterResponse?(conn: RtspConn, req: RtspRequest, res: RtspResponse): void;
}

/** What the handler needs from its server. */
export interface RtspHandlerDeps {
  paths: PathAccess;
  allowed: ReadonlySet<RtspTransport>;
  authMethods: readonly AuthMethod[];
  hasUdpListeners: boolean;
  udpServerPorts: readonly [number, number];
  multicastPorts: readonly [number, number];
  log: Logger;
  createSession(conn: RtspConn): RtspSession;
  /** Multicast group addresses of a stream's medias (reserving them). */
  multicastGroups(stream: Stream): readonly string[];
  /** True when `ip:port` already receives media of some session. */
  isUdpClientPortTaken(ip: string, port: number): boolean;
}

function ok(headers = new RtspHeaders(), body: Buffer = Buffer.alloc(0)): RtspResponse {
  return { statusCode: 200, statusMessage: 'OK', headers, body };
}

function sessionHeader(s: RtspSession): RtspHeaders {
  const h = new RtspHeaders();
  h.set('Session', `${s.id};timeout=${SESSION_TIMEOUT_MS / 1000}`);
  return h;
}

/** The RTSP method handlers of RFC 2326 §10, with MediaMTX's behaviour. */
export class RtspServerHandler implements RtspRequestHandler {
  readonly authMethods: readonly AuthMethod[];

  constructor(private readonly deps: RtspHandlerDeps) {
    this.authMethods = deps.authMethods;
  }

  async handle(conn: RtspConn, req: RtspRequest): Promise<RtspResponse> {
    const session = this.findSession(conn, req);
    session?.touch();
    switch (req.method) {
      case 'OPTIONS': { const h = new RtspHeaders(); h.set('Public', PUBLIC_METHODS); return ok(h); }
      case 'DESCRIBE': return this.describe(conn, req);
      case 'ANNOUNCE': return this.announce(conn, req);
      case 'SETUP': return this.setup(conn, req, session);
      case 'PLAY': return this.play(req, this.need(session, ['prePlay', 'play']));
      case 'RECORD': return this.record(req, this.need(session, ['preRecord']));
      case 'PAUSE': { const s = this.need(session, ['prePlay', 'play', 'preRecord', 'record']); s.pause(); conn.updateTimeout(); return ok(sessionHeader(s)); }
      case 'GET_PARAMETER':
      case 'SET_PARAMETER': return ok(session ? sessionHeader(session) : new RtspHeaders());
      case 'TEARDOWN': { if (session) session.close(); return ok(); }
      default: throw new RtspStatusError(501, `unsupported method ${req.method}`);
    }
  }

  afterResponse(conn: RtspConn, req: RtspRequest, res: RtspResponse): void {
    if (res.statusCode !== 200) return;
    const id = req.headers.get('Session')?.split(';')[0]?.trim();
    const session = id === undefined ? undefined : [...conn.sessions].find((s) => s.id === id);
    if (!session || session.isClosed) return;
    if (req.method === 'PLAY' && session.state !== 'play') session.play();
    else if (req.method === 'RECORD' && session.state !== 'record') session.record();
    conn.updateTimeout();
  }

  private async describe(conn: RtspConn, req: RtspRequest): Promise<RtspResponse> {
    const { pathName, query } = splitRtspUrl(req.url, []);
    const r = await this.deps.paths.describe(conn.accessRequest(req, pathName, query, 'read'));
    if ('redirect' in r) {
      const h = new RtspHeaders();
      h.set('Location', r.redirect.startsWith('/') ? `${baseOf(req.url)}${r.redirect}` : r.redirect);
      return { statusCode: 302, statusMessage: 'Found', headers: h, body: Buffer.alloc(0) };
    }
    const desc = r.stream.description;
    let sdp = descriptionToSdp(desc, { controls: desc.medias.map((_, i) => `trackID=${i}`), isIpv6: conn.remoteIp.includes(':') });
    if (/(^|&)vlcmulticast(=|&|$)/.test(query)) {
      sdp = withMulticastConnection(sdp, this.deps.multicastGroups(r.stream), this.deps.multicastPorts[0], MULTICAST_TTL);
    }
    const h = new RtspHeaders();
    h.set('Content-Base', req.url.endsWith('/') ? req.url : `${req.url}/`);
    h.set('Content-Type', 'application/sdp');
    return ok(h, Buffer.from(sdp));
  }

  private async announce(conn: RtspConn, req: RtspRequest): Promise<RtspResponse> {
    const ct = req.headers.get('Content-Type');
    if (ct !== undefined && !ct.toLowerCase().startsWith('application/sdp')) throw new RtspStatusError(400, `unsupported Content-Type '${ct}'`);
    let parsed;
    try {
      parsed = sdpToDescription(parseSdp(req.body.toString('utf8')));
    } catch (err) {
      throw new RtspStatusError(400, `invalid SDP: ${(err as Error).message}`);
    }
    if (parsed.description.medias.length === 0) throw new RtspStatusError(400, 'the SDP contains no medias');
    // A control is appended to the request URL by the client; one that climbs out of it is refused (RELIABILITY V6).
    const climbing = parsed.controls.find(isClimbingControl);
    if (climbing !== undefined) throw new RtspStatusError(400, `invalid control attribute '${climbing.slice(0, 64)}'`);
    const { pathName, query } = splitRtspUrl(req.url, []);
    const session = this.deps.createSession(conn);
    try {
      const lease = await this.deps.paths.addPublisher(conn.accessRequest(req, pathName, query, 'publish'), session, parsed.description);
      if (session.isClosed) { lease.release(); throw new RtspStatusError(400, 'terminated'); }
      session.setAnnounced(lease, parsed.description, parsed.controls);
      session.query = query;
    } catch (err) {
      session.close();
      throw err;
    }
    return ok(sessionHeader(session));
  }

  private async setup(conn: RtspConn, req: RtspRequest, existing: RtspSession | undefined): Promise<RtspResponse> {
    const th = req.headers.get('Transport');
    if (th === undefined) throw new RtspStatusError(461, 'Transport header is missing');
    let specs: RtspTransportSpec[];
    try { specs = parseTransportHeader(th); } catch (err) { throw new RtspStatusError(461, `invalid Transport header: ${(err as Error).message}`); }
    if (existing && existing.state !== 'prePlay' && existing.state !== 'preRecord' && existing.state !== 'initial') {
      throw new RtspStatusError(455, 'can\'t SETUP while playing or recording');
    }
    const announced = existing?.announcedDescription;
    let session: RtspSession;
    let index: number;
    if (announced && existing) {
      session = existing;
      const u = splitRtspUrl(req.url, announced.controls);
      if (u.pathName !== session.pathName) throw new RtspStatusError(400, 'the SETUP path differs from the ANNOUNCE path');
      index = u.controlIndex ?? (announced.controls.length === 1 ? 0 : -1);
      if (index < 0) throw new RtspStatusError(400, 'SETUP URL matches no announced media');
    } else {
      const u = splitRtspUrl(req.url, []);
      session = existing ?? this.deps.createSession(conn);
      try {
        if (session.pathName !== undefined && session.pathName !== u.pathName) throw new RtspStatusError(400, 'can\'t setup medias of different paths');
        if (!session.stream) {
          const lease = await this.deps.paths.addReader(conn.accessRequest(req, u.pathName, u.query, 'read'), session);
          if (session.isClosed) { lease.release(); throw new RtspStatusError(400, 'terminated'); }
          session.setReaderLease(lease);
          session.query = u.query;
        }
      } catch (err) {
        if (!existing) session.close();
        throw err;
      }
      index = u.trackId ?? 0;
    }
    const medias = session.stream?.description.medias ?? [];
    const media = announced ? announced.description.medias[index] : medias[index];
    if (!media) throw new RtspStatusError(404, `media ${index} not found`);
    if (session.medias.has(index)) throw new RtspStatusError(455, `media ${index} is already set up`);
    const { transport, spec } = negotiateTransport(specs, {
      allowed: this.deps.allowed, isSecure: conn.isSecure, hasUdpListeners: this.deps.hasUdpListeners,
      isPublishing: announced !== undefined, sessionKind: session.transportKind, remoteIp: conn.remoteIp,
      isChannelUsed: (ch) => session.usesChannel(ch), nextChannel: session.medias.size * 2,
      isUdpPortTaken: (port) => this.deps.isUdpClientPortTaken(conn.remoteIp, port),
    });
    session.addMedia(index, media, transport, transport.kind === 'tcp' ? conn : undefined);
    const h = sessionHeader(session);
    h.set('Transport', serializeTransportSpec(responseTransport(spec, transport, session.multicastGroup(index), this.deps)));
    return ok(h);
  }

  private play(req: RtspRequest, session: RtspSession): RtspResponse {
    const u = splitRtspUrl(req.url, []);
    // RELIABILITY V4: PLAY must name the path the session was set up for (or its base URL).
    if (u.pathName !== session.pathName && u.pathName !== '') throw new RtspStatusError(400, 'the PLAY path differs from the SETUP path');
    if (session.medias.size === 0) throw new RtspStatusError(455, 'no medias have been set up');
    const h = sessionHeader(session);
    h.set('Range', 'npt=0.000-');
    return ok(h);
  }

  private record(req: RtspRequest, session: RtspSession): RtspResponse {
    const announced = session.announcedDescription;
    const u = splitRtspUrl(req.url, announced?.controls ?? []);
    if (u.pathName !== session.pathName) throw new RtspStatusError(400, 'the RECORD path differs from the ANNOUNCE path');
    if (session.medias.size === 0) throw new RtspStatusError(455, 'no medias have been set up');
    return ok(sessionHeader(session));
  }

  private findSession(conn: RtspConn, req: RtspRequest): RtspSession | undefined {
    const v = req.headers.get('Session');
    // Without a Session header the request belongs to the connection's session, as in gortsplib: some publishers
    // send SETUP after ANNOUNCE without it (they read no id from the ANNOUNCE response), and RECORD must then work.
    if (v === undefined) return req.method === 'ANNOUNCE' || req.method === 'DESCRIBE' ? undefined : lastOpen(conn.sessions);
    const id = v.split(';')[0]!.trim();
    // Sessions are only reachable from the connection that created them (RELIABILITY V3).
    for (const s of conn.sessions) if (s.id === id) return s;
    throw new RtspStatusError(454, 'session not found');
  }

  private need(session: RtspSession | undefined, states: readonly RtspSession['state'][]): RtspSession {
    if (!session) throw new RtspStatusError(454, 'session not found');
    if (!states.includes(session.state)) throw new RtspStatusError(455, `not valid in state ${session.state}`);
    return session;
  }
}

/** The most recently created session of a connection that is still open. */
function lastOpen(sessions: ReadonlySet<RtspSession>): RtspSession | undefined {
  let last: RtspSession | undefined;
  for (const s of sessions) if (!s.isClosed) last = s;
  return last;
}

/** True when an `a=control` value has a `..` or `.` path segment, plain or percent-encoded. */
function isClimbingControl(control: string): boolean {
  const path = control.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split(/[?#]/)[0]!;
  return path.split('/').some((seg) => /^(\.|%2e){1,2}$/i.test(seg));
}

/** `rtsp://host:port` of a request URL, for relative fallback redirects. */
function baseOf(url: string): string {
  const m = /^(rtsps?:\/\/[^/]+)/i.exec(url);
  return m ? m[1]! : '';
}

function responseTransport(
  spec: RtspTransportSpec, t: import('./rtsp-session-types.ts').MediaTransport, group: string | undefined,
  deps: Pick<RtspHandlerDeps, 'udpServerPorts' | 'multicastPorts'>,
): RtspTransportSpec {
  switch (t.kind) {
    case 'tcp': return { protocol: spec.protocol, lowerTransport: 'tcp', delivery: 'unicast', interleaved: [t.rtpChannel, t.rtcpChannel], mode: spec.mode };
    case 'udp': return { protocol: spec.protocol, lowerTransport: 'udp', delivery: 'unicast', clientPorts: [t.clientRtpPort, t.clientRtcpPort], serverPorts: [...deps.udpServerPorts], mode: spec.mode };
    case 'multicast': return { protocol: spec.protocol, lowerTransport: 'udp', delivery: 'multicast', destination: group, ports: [...deps.multicastPorts], ttl: MULTICAST_TTL, mode: spec.mode };
  }
}
