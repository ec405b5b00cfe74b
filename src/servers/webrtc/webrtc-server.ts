import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { lazyModule, openHttpListener, readStartupFile, splitIceServerEntry, type HttpListener, type Logger } from '../../lib/index.ts';
import type { AccessRequest, PathAccess, ProtocolServer } from '../../core/index.ts';
import type { IceServer } from '../../protocols/webrtc/index.ts';
import type { TrustedProxyCheck } from '../http-request-identity.ts';
import type { WebRtcRequestHandler } from './webrtc-request-handler.ts';
import type { WebRtcPeerFactory } from './webrtc-peer.ts';
import type { WebRtcConnInfo, WebRtcSession } from './webrtc-session.ts';
import { loadWeriftStack } from './werift-loader.ts';
import type { WeriftTcpMux } from './werift-tcp-mux.ts';
import type { WeriftUdpMux } from './werift-udp-mux.ts';

/** The request code of the WebRTC listener, imported on the first request (webrtc-request-kit.ts says why). */
const requestKit = lazyModule('the WebRTC request code', () => import('./webrtc-request-kit.ts'));

// MediaMTX's webrtcHandshakeTimeout: ICE and DTLS must complete this long after the answer.
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** What the WebRTC server takes while running (webrtcAllowOrigin applies to the next response). */
export interface WebRtcLiveSettings { allowOrigin: string }

/** Options of the WebRTC server (MediaMTX v0.22.2 webrtc* keys). */
export interface WebRtcServerOptions extends WebRtcLiveSettings {
  address: string;
  tls?: { keyFile: string; certFile: string };
  isTrustedProxy: TrustedProxyCheck;
  /** webrtcICEServers entries (`stun:host:port`, `turn:user:pass:host:port`, `turn:AUTH_SECRET:secret:host:port`). */
  iceServers: readonly string[];
  /** webrtcICEHostNAT1To1IPs. */
  nat1To1Ips: readonly string[];
  /** webrtcICEUDPMuxAddress: every session's ICE on this one UDP port ('' or absent: a port per session). */
  udpMuxAddress?: string;
  /** webrtcICETCPMuxAddress: ICE-TCP (passive candidates) for every session on this one TCP port ('' or absent: none). */
  tcpMuxAddress?: string;
  readTimeoutMs: number;
  readBufferCount: number;
  paths: PathAccess;
  log: Logger;
  /** The WebRTC stack (werift by default); tests may inject another. */
  createPeer?: WebRtcPeerFactory;
  /** For tests: how long ICE and DTLS may take (10 s). */
  handshakeTimeoutMs?: number;
}

/**
 * WebRTC server: one HTTP(S) listener for the pages and WHEP/WHIP signaling; one peer connection per session
 * (werift, behind WebRtcPeer). Sessions are listed by the API as `webrtcconns`.
 */
export class WebRtcServer implements ProtocolServer<WebRtcLiveSettings> {
  private readonly sessions = new Map<string, WebRtcSession>();
  /** Made with the first request, once the request code is loaded. */
  private handler: WebRtcRequestHandler | undefined;
  private allowOrigin: string;
  /** The stack's peer factory: the injected one, or werift's once the first session loaded it. */
  private createPeer: WebRtcPeerFactory | undefined;
  private http: HttpListener | undefined;
  private udpMux: WeriftUdpMux | undefined;
  private tcpMux: WeriftTcpMux | undefined;
  private closed = false;

  private constructor(private readonly opts: WebRtcServerOptions, private readonly log: Logger) {
    // Each entry is checked at start, so a bad one stops the start with its message (MediaMTX refuses the file); the
    // check parseIceServer makes, without loading the request code.
    for (const s of opts.iceServers) splitIceServerEntry(s);
    this.createPeer = opts.createPeer;
    this.allowOrigin = opts.allowOrigin;
  }

  /** The handler of this listener's requests, made with the first one (the request code is loaded by then). */
  private requestHandler(): WebRtcRequestHandler {
    const { opts, log } = this;
    this.handler ??= new (requestKit.get().WebRtcRequestHandler)({
      paths: opts.paths, log, isTrustedProxy: opts.isTrustedProxy, allowOrigin: this.allowOrigin,
      iceServers: () => this.iceServers(),
      startSession: (role, access, offer, remoteAddr) => this.startSession(role, access, offer, remoteAddr),
      session: (id) => this.sessions.get(id),
    });
    return this.handler;
  }

  /** Handles a request, loading the request code on the first one; the listener logs a failure and answers 500. */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.handler) {
      await requestKit.load();
      if (this.closed) { res.writeHead(503, { Connection: 'close' }).end(); return; }
    }
    await this.requestHandler().handle(req, res);
  }

  /** Opens the listener. */
  static async listen(opts: WebRtcServerOptions): Promise<WebRtcServer> {
    const log = opts.log.child('[WebRTC]');
    const server = new WebRtcServer(opts, log);
    try {
      // Shared ICE ports are opened at start (a busy port must fail the start); werift is pointed at them when the
      // first session loads it (weriftPeerFactory), so that a server with webrtcLocalUDPAddress set idles without it.
      if (!opts.createPeer && opts.udpMuxAddress) server.udpMux = await (await import('./werift-udp-mux.ts')).WeriftUdpMux.open(opts.udpMuxAddress, log);
      if (!opts.createPeer && opts.tcpMuxAddress) server.tcpMux = await (await import('./werift-tcp-mux.ts')).WeriftTcpMux.open(opts.tcpMuxAddress);
      server.http = await openHttpListener({
        address: opts.address, readTimeoutMs: opts.readTimeoutMs,
        handler: (req, res) => server.handle(req, res),
        onError: (err) => log.warn(`request failed: ${err.message}`),
        ...(opts.tls ? { tls: { key: readStartupFile(opts.tls.keyFile, 'webrtcServerKey'), cert: readStartupFile(opts.tls.certFile, 'webrtcServerCert') } } : {}),
      });
    } catch (err) {
      await server.close();
      throw err;
    }
    const ice = [server.udpMux ? `ICE on UDP port ${server.udpMux.port}${server.udpMux.isBatched ? ' (sendmmsg batches)' : ''}` : '', server.tcpMux ? `ICE on TCP port ${server.tcpMux.port}` : ''].filter((x) => x);
    log.info(`listener opened on ${opts.address}${ice.map((x) => `, ${x}`).join('')}`);
    return server;
  }

  /** Port the listener is bound to. */
  get port(): number { return this.http?.port ?? 0; }

  /** Sessions, as the API lists them (`webrtcconns/list`). */
  connections(): WebRtcConnInfo[] { return [...this.sessions.values()].map((s) => s.snapshot()); }

  /** Closes the session with this id. */
  kick(id: string): boolean {
    const s = this.sessions.get(id);
    s?.close(new Error('kicked'));
    return s !== undefined;
  }

  /** Takes a new webrtcAllowOrigin. */
  update(next: WebRtcLiveSettings): void {
    this.allowOrigin = next.allowOrigin;
    if (this.handler) this.handler.allowOrigin = next.allowOrigin;
  }

  /** Closes the listener and every session. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.log.info('listener is closing');
    for (const s of [...this.sessions.values()]) s.close(new Error('terminated'));
    await this.http?.close(0);
    this.udpMux?.close();
    this.tcpMux?.close();
  }

  /** Forwards a viewer's key frame request to the path's publisher when it is a WHIP session. */
  private requestKeyframe(pathName: string): void {
    const { WebRtcPublisherSession } = requestKit.get();
    for (const s of this.sessions.values()) if (s instanceof WebRtcPublisherSession && s.pathName === pathName) s.requestKeyframe();
  }

  /** The peer factory, loading werift on the first session. */
  private async peerFactory(): Promise<WebRtcPeerFactory> {
    if (this.createPeer) return this.createPeer;
    const stack = await loadWeriftStack();
    this.createPeer ??= stack.weriftPeerFactory({ udp: this.udpMux, tcp: this.tcpMux });
    return this.createPeer;
  }

  private iceServers(): IceServer[] { return this.opts.iceServers.map((s) => requestKit.get().parseIceServer(s)); }

  private async startSession(role: 'whep' | 'whip', access: AccessRequest, offer: string, remoteAddr: string): Promise<{ session: WebRtcSession; answer: string }> {
    if (this.closed) throw new Error('terminated');
    const { WebRtcPublisherSession, WebRtcReaderSession, negotiateWhep, negotiateWhip } = await requestKit.load();
    const createPeer = await this.peerFactory();
    if (this.closed) throw new Error('terminated');
    const id = randomUUID();
    const log = this.log.child(`[session ${id.slice(0, 8)}]`);
    const handshakeTimeoutMs = this.opts.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
    const peerOpts = { iceServers: this.iceServers(), nat1To1Ips: this.opts.nat1To1Ips };
    const onClose = (s: WebRtcSession): void => { if (this.sessions.get(s.id) === s) this.sessions.delete(s.id); };
    if (role === 'whep') {
      const s = new WebRtcReaderSession({
        id, remoteAddr, queueSize: this.opts.readBufferCount, handshakeTimeoutMs, log, onClose,
        createPeer: (negotiation, onState, onKeyframeRequest) => createPeer({ ...peerOpts, role: 'send', negotiation, onState, onKeyframeRequest }),
        requestKeyframe: (pathName) => this.requestKeyframe(pathName),
      });
      const lease = await this.opts.paths.addReader({ ...access, connId: id }, s);
      let negotiation;
      try {
        if (this.closed) throw new Error('terminated');
        negotiation = negotiateWhep(offer, lease.stream.description);
      } catch (err) {
        lease.release();
        s.close(err as Error);
        throw err;
      }
      this.sessions.set(id, s);
      log.info(`created by ${remoteAddr}`);
      const answer = await s.start(lease, negotiation, negotiation.restrictedOffer);
      return { session: s, answer };
    }
    const negotiation = negotiateWhip(offer);
    const s = new WebRtcPublisherSession({
      id, remoteAddr, negotiation, handshakeTimeoutMs, readTimeoutMs: this.opts.readTimeoutMs, log, onClose,
      createPeer: (onState, onRtp) => createPeer({ ...peerOpts, role: 'receive', negotiation, onState, onRtp }),
    });
    let lease;
    try {
      lease = await this.opts.paths.addPublisher({ ...access, connId: id }, s, s.description);
    } catch (err) {
      s.close(err as Error);
      throw err;
    }
    if (this.closed) { lease.release(); s.close(new Error('terminated')); throw new Error('terminated'); }
    this.sessions.set(id, s);
    log.info(`created by ${remoteAddr}`);
    const answer = await s.start(lease, negotiation.restrictedOffer);
    return { session: s, answer };
  }
}
