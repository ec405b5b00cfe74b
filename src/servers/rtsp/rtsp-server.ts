import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { parseListenAddress, readStartupFile, type Logger } from '../../lib/index.ts';
import type { AuthMethod, RtspTransport } from '../../conf/index.ts';
import type { PathAccess } from '../../core/index.ts';
import type { Stream } from '../../stream/index.ts';
import { ConnectionHooks } from '../../hooks/index.ts';
import { RtspConn } from './rtsp-conn.ts';
import { RtspSession, type RtspSessionHost } from './rtsp-session.ts';
import { RtspUdpListener } from './rtsp-udp-listener.ts';
import { MulticastAllocator, MulticastSender } from './rtsp-multicast.ts';
import { RtspMulticastStream } from './rtsp-multicast-stream.ts';
import { RtspServerHandler } from './rtsp-request-handler.ts';

/** Settings of one RTSP or RTSPS listener (MediaMTX keys, durations in ms). */
export interface RtspServerOptions {
  address: string;
  /** TLS key/cert files: set for the RTSPS listener. */
  tls?: { keyFile: string; certFile: string };
  protocols: readonly RtspTransport[];
  authMethods: readonly AuthMethod[];
  readTimeoutMs: number;
  writeTimeoutMs: number;
  readBufferCount: number;
  udpMaxPayloadSize: number;
  /** UDP listeners; only the plain listener has them (UDP would bypass TLS). */
  rtpAddress?: string;
  rtcpAddress?: string;
  multicast?: { ipRange: string; rtpPort: number; rtcpPort: number };
  runOnConnect: string;
  runOnConnectRestart: boolean;
  /** RTSP port exported to hooks. */
  rtspPort: number;
  paths: PathAccess;
  log: Logger;
}

/** A connection as the API lists it. */
export interface RtspConnInfo { id: string; created: Date; remoteAddr: string; bytesReceived: number; bytesSent: number }
/** A session as the API lists it. */
export interface RtspSessionInfo { id: string; created: Date; remoteAddr: string; state: 'idle' | 'read' | 'publish'; bytesReceived: number; bytesSent: number; path: string }

/** RTSP/RTSPS server: TCP (or TLS) listener, shared UDP listeners and multicast writers. */
export class RtspServer implements RtspSessionHost {
  readonly udpRtp: RtspUdpListener | undefined;
  readonly udpRtcp: RtspUdpListener | undefined;
  readonly readBufferCount: number;
  readonly udpMaxPayloadSize: number;
  readonly readTimeoutMs: number;
  readonly writeTimeoutMs: number;
  private readonly conns = new Set<RtspConn>();
  private readonly sessions = new Map<string, RtspSession>();
  private readonly connHooks: ConnectionHooks<RtspConn>;
  private readonly multicastStreams = new Map<Stream, RtspMulticastStream>();
  private readonly handler: RtspServerHandler;
  private readonly log: Logger;
  private readonly deadlineTimer: NodeJS.Timeout;
  private closed = false;

  private constructor(
    private readonly opts: RtspServerOptions,
    private readonly server: Server,
    udp: { rtp: RtspUdpListener; rtcp: RtspUdpListener } | undefined,
    private readonly multicast: { allocator: MulticastAllocator; sender: MulticastSender } | undefined,
    log: Logger,
  ) {
    this.connHooks = new ConnectionHooks({ command: opts.runOnConnect, restart: opts.runOnConnectRestart, rtspPort: opts.rtspPort });
    this.log = log;
    this.udpRtp = udp?.rtp;
    this.udpRtcp = udp?.rtcp;
    this.readBufferCount = opts.readBufferCount;
    this.udpMaxPayloadSize = opts.udpMaxPayloadSize;
    this.readTimeoutMs = opts.readTimeoutMs;
    this.writeTimeoutMs = opts.writeTimeoutMs;
    this.handler = new RtspServerHandler({
      paths: opts.paths,
      allowed: new Set(opts.protocols),
      authMethods: opts.authMethods,
      hasUdpListeners: udp !== undefined,
      udpServerPorts: [udp?.rtp.port ?? 0, udp?.rtcp.port ?? 0],
      multicastPorts: [opts.multicast?.rtpPort ?? 0, opts.multicast?.rtcpPort ?? 0],
      log,
      createSession: (conn) => this.createSession(conn),
      multicastGroups: (stream) => this.multicastFor(stream).groups,
      isUdpClientPortTaken: (ip, port) => (this.udpRtp?.isRegistered(ip, port) ?? false) || (this.udpRtcp?.isRegistered(ip, port) ?? false),
    });
    // One sweep for every connection's deadlines: cheaper than re-arming a timer per received message.
    this.deadlineTimer = setInterval(() => {
      const now = Date.now();
      for (const c of this.conns) c.checkDeadlines(now);
    }, Math.max(100, Math.min(1000, opts.readTimeoutMs / 4)));
    this.deadlineTimer.unref();
    server.on('connection', (socket: Socket) => this.onConnection(socket));
    server.on('secureConnection', (socket: Socket) => this.onConnection(socket));
  }

  /** Opens the listeners and logs them as MediaMTX does. */
  static async listen(opts: RtspServerOptions): Promise<RtspServer> {
    const secure = opts.tls !== undefined;
    const log = opts.log.child(secure ? '[RTSPS]' : '[RTSP]');
    const { host, port } = parseListenAddress(opts.address);
    let server: Server;
    if (opts.tls) {
      const key = readStartupFile(opts.tls.keyFile, 'serverKey');
      const cert = readStartupFile(opts.tls.certFile, 'serverCert');
      server = createTlsServer({ key, cert, minVersion: 'TLSv1.2' });
    } else {
      server = createTcpServer();
    }
    const cleanup: (() => Promise<void> | void)[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port }, () => { server.off('error', reject); resolve(); });
      });
      cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
      let udp: { rtp: RtspUdpListener; rtcp: RtspUdpListener } | undefined;
      if (!secure && opts.protocols.includes('udp') && opts.rtpAddress && opts.rtcpAddress) {
        const rtp = await RtspUdpListener.open(opts.rtpAddress, log);
        cleanup.push(() => rtp.close());
        const rtcp = await RtspUdpListener.open(opts.rtcpAddress, log);
        cleanup.push(() => rtcp.close());
        udp = { rtp, rtcp };
      }
      let multicast: { allocator: MulticastAllocator; sender: MulticastSender } | undefined;
      if (!secure && opts.protocols.includes('multicast') && opts.multicast) {
        const allocator = new MulticastAllocator(opts.multicast.ipRange);
        const sender = await MulticastSender.open((err) => log.warn(`multicast: ${err.message}`));
        multicast = { allocator, sender };
      }
      const s = new RtspServer(opts, server, udp, multicast, log);
      const parts = [`${opts.address} (TCP)`];
      if (udp) parts.push(`${opts.rtpAddress} (UDP/RTP)`, `${opts.rtcpAddress} (UDP/RTCP)`);
      log.info(`listener opened on ${parts.join(', ')}`);
      return s;
    } catch (err) {
      for (const c of cleanup.reverse()) await c();
      throw err;
    }
  }

  /** Port the TCP listener is bound to. */
  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  /** Gets (creating on first use) the multicast writer of a stream, counting one more session. */
  acquireMulticast(stream: Stream): RtspMulticastStream {
    const m = this.multicastFor(stream);
    m.addSession();
    return m;
  }

  /** Connections for the API. */
  connections(): RtspConnInfo[] {
    return [...this.conns].map((c) => ({ id: c.id, created: c.created, remoteAddr: c.remoteAddr, bytesReceived: c.bytesReceived, bytesSent: c.bytesSent }));
  }

  /** Sessions for the API. */
  sessionList(): RtspSessionInfo[] {
    return [...this.sessions.values()].map((s) => ({
      id: s.id, created: s.created, remoteAddr: s.remoteIp, path: s.pathName ?? '',
      state: s.state === 'play' ? 'read' : s.state === 'record' ? 'publish' : 'idle',
      bytesReceived: s.bytesReceived, bytesSent: s.bytesSent,
    }));
  }

  /** Closes the session with this id; false when there is none. */
  kick(id: string): boolean {
    const s = this.sessions.get(id);
    if (!s) return false;
    s.close(new Error('kicked'));
    return true;
  }

  /** Closes listeners, connections, sessions and hooks. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.deadlineTimer);
    const closing = new Promise<void>((r) => this.server.close(() => r()));
    for (const c of [...this.conns]) c.close(new Error('server is shutting down'));
    for (const m of [...this.multicastStreams.values()]) m.close();
    await Promise.all([closing, this.udpRtp?.close(), this.udpRtcp?.close(), this.connHooks.closeAll()]);
    this.multicast?.sender.close();
    this.log.info('listener closed');
  }

  private multicastFor(stream: Stream): RtspMulticastStream {
    const mc = this.multicast;
    if (!mc || !this.opts.multicast) throw new Error('multicast is disabled');
    let m = this.multicastStreams.get(stream);
    if (!m) {
      const created = new RtspMulticastStream({
        stream, allocator: mc.allocator, sender: mc.sender, rtpPort: this.opts.multicast.rtpPort, rtcpPort: this.opts.multicast.rtcpPort,
        queueSize: this.readBufferCount, log: this.log.child('[multicast]'),
        onClose: () => this.multicastStreams.delete(stream),
      });
      this.multicastStreams.set(stream, created);
      stream.onClose(() => created.close());
      m = created;
    }
    return m;
  }

  private onConnection(socket: Socket): void {
    if (this.closed) { socket.destroy(); return; }
    const conn = new RtspConn({
      socket, secure: this.opts.tls !== undefined, log: this.log, readTimeoutMs: this.readTimeoutMs, handler: this.handler,
      onClose: (c) => {
        this.conns.delete(c);
        this.connHooks.close(c);
      },
    });
    this.conns.add(conn);
    this.connHooks.open(conn, conn.log);
  }

  private createSession(conn: RtspConn): RtspSession {
    const session = new RtspSession({
      secure: this.opts.tls !== undefined, remoteIp: conn.remoteIp, host: this, log: conn.log,
      onClose: (s, err) => {
        this.sessions.delete(s.id);
        conn.sessions.delete(s);
        // A session the path kicked (publisher replaced or gone) takes its control connection with it, as gortsplib does.
        if (err) conn.end(err);
        else conn.updateTimeout();
      },
    });
    this.sessions.set(session.id, session);
    conn.sessions.add(session);
    return session;
  }
}

/** Reads a TLS file at start, turning ENOENT into a message naming the key. */
