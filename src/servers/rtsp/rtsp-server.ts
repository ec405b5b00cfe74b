import { lazyModule, type Logger } from '../../lib/index.ts';
import { ShardPool, fanoutMinLoad, fanoutShardCount } from '../../fanout/index.ts';
import type { AuthMethod, RtspTransport } from '../../conf/index.ts';
import type { ConnectionInfo, PathAccess, ProtocolServer, ProtocolServerFactory } from '../../core/index.ts';
import type { Stream } from '../../stream/index.ts';
import { ConnectionHost, type ConnectionHookSettings } from '../connection-host.ts';
import type { RtspConn } from './rtsp-conn.ts';
import type { RtspSessionHost } from './rtsp-session.ts';
import { RtspUdpListener } from './rtsp-udp-listener.ts';
import { MulticastAllocator, MulticastSender } from './rtsp-multicast.ts';
import type { RtspMulticastStream } from './rtsp-multicast-stream.ts';
import type { RtspServerHandler } from './rtsp-request-handler.ts';
import { RtspSessionRegistry } from './rtsp-session-registry.ts';
import type { RtspFanout } from './rtsp-fanout.ts';

/** The connection code of every RTSP/RTSPS listener, imported on the first connection (rtsp-conn-kit.ts says why). */
const connKit = lazyModule('the RTSP connection code', () => import('./rtsp-conn-kit.ts'));

/** The settings an RTSP server takes while running: runOnConnect/runOnDisconnect apply to connections opened from then on. */
export type RtspLiveSettings = ConnectionHookSettings;

/** Settings of one RTSP or RTSPS listener (MediaMTX keys, durations in ms). */
export interface RtspServerOptions extends RtspLiveSettings {
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
  /** RTSP port exported to hooks. */
  rtspPort: number;
  paths: PathAccess;
  log: Logger;
  /**
   * Fan-out shard processes TCP readers move to (docs/multicore-fanout.md); default: fanoutShardCount(), from
   * MEDIAMTX_TS_FANOUT_SHARDS or the core count, as for RTMP. RTSPS readers always stay. Given here, readers move
   * from the first one; else from the load fanoutMinLoad() gives.
   */
  fanoutShards?: number;
}

/**
 * RTSP/RTSPS server: TCP (or TLS) listener, shared UDP listeners and multicast writers. As a ProtocolServer it lists
 * its TCP connections (`rtspconns`) and kicks sessions (`rtspsessions/kick`), as MediaMTX's API does.
 */
export class RtspServer implements RtspSessionHost, ProtocolServer<RtspLiveSettings> {
  readonly udpRtp: RtspUdpListener | undefined;
  readonly udpRtcp: RtspUdpListener | undefined;
  readonly readBufferCount: number;
  readonly udpMaxPayloadSize: number;
  readonly readTimeoutMs: number;
  readonly writeTimeoutMs: number;
  private fanoutOfPool: RtspFanout | undefined;
  private readonly host: ConnectionHost<RtspConn>;
  private readonly sessions: RtspSessionRegistry;
  private readonly multicastStreams = new Map<Stream, RtspMulticastStream>();
  /** Made with the first connection, once the connection code is loaded. */
  private handler: RtspServerHandler | undefined;
  private readonly log: Logger;
  private readonly deadlineTimer: NodeJS.Timeout;

  private constructor(
    private readonly opts: RtspServerOptions,
    udp: { rtp: RtspUdpListener; rtcp: RtspUdpListener } | undefined,
    private readonly multicast: { allocator: MulticastAllocator; sender: MulticastSender } | undefined,
    log: Logger,
    private readonly shardPool: ShardPool | undefined,
  ) {
    this.log = log;
    this.udpRtp = udp?.rtp;
    this.udpRtcp = udp?.rtcp;
    this.readBufferCount = opts.readBufferCount;
    this.udpMaxPayloadSize = opts.udpMaxPayloadSize;
    this.readTimeoutMs = opts.readTimeoutMs;
    this.writeTimeoutMs = opts.writeTimeoutMs;
    // Sessions are made by the request handler, so only after the connection code is loaded.
    this.sessions = new RtspSessionRegistry((seed) => new (connKit.get().RtspSession)({ ...seed, secure: opts.tls !== undefined, host: this }));
    const secure = opts.tls !== undefined;
    this.host = new ConnectionHost<RtspConn>({
      connType: secure ? 'rtspsConn' : 'rtspConn',
      hooks: opts,
      log,
      prepare: () => (connKit.loaded ? undefined : connKit.load()),
      create: (socket, onClose) => new (connKit.get().RtspConn)({
        socket, secure, log, readTimeoutMs: this.readTimeoutMs, writeTimeoutMs: this.writeTimeoutMs, queueSize: this.readBufferCount,
        handler: this.requestHandler(), sessions: this.sessions, onClose,
      }),
      hookLog: (c) => c.log,
    });
    // One sweep for every connection's deadlines: cheaper than re-arming a timer per received message.
    this.deadlineTimer = setInterval(() => {
      const now = Date.now();
      for (const c of this.host.list()) c.checkDeadlines(now);
    }, Math.max(100, Math.min(1000, opts.readTimeoutMs / 4)));
    this.deadlineTimer.unref();
  }

  /**
   * The shards of this listener's TCP readers (its own pool: the RTMP server has another). Asked for by sessions
   * only, so once the connection code is loaded.
   */
  get fanout(): RtspFanout | undefined {
    if (this.shardPool) this.fanoutOfPool ??= new (connKit.get().RtspFanout)(this.shardPool, this.log, this.udpMaxPayloadSize);
    return this.fanoutOfPool;
  }

  /** The request handler shared by this listener's connections, made with the first one. */
  private requestHandler(): RtspServerHandler {
    const { opts, udpRtp, udpRtcp } = this;
    const udp = udpRtp && udpRtcp ? { rtp: udpRtp, rtcp: udpRtcp } : undefined;
    this.handler ??= new (connKit.get().RtspServerHandler)({
      paths: opts.paths,
      allowed: new Set(opts.protocols),
      authMethods: opts.authMethods,
      hasUdpListeners: udp !== undefined,
      udpServerPorts: [udp?.rtp.port ?? 0, udp?.rtcp.port ?? 0],
      multicastPorts: [opts.multicast?.rtpPort ?? 0, opts.multicast?.rtcpPort ?? 0],
      multicastGroups: (stream) => this.multicastFor(stream).groups,
      isUdpClientPortTaken: (ip, port) => (this.udpRtp?.isRegistered(ip, port) ?? false) || (this.udpRtcp?.isRegistered(ip, port) ?? false),
    });
    return this.handler;
  }

  /** Opens the listeners and logs them as MediaMTX does. */
  static async listen(opts: RtspServerOptions): Promise<RtspServer> {
    const secure = opts.tls !== undefined;
    const log = opts.log.child(secure ? '[RTSPS]' : '[RTSP]');
    const cleanup: (() => Promise<void> | void)[] = [];
    try {
      let udp: { rtp: RtspUdpListener; rtcp: RtspUdpListener } | undefined;
      if (!secure && opts.protocols.includes('udp') && opts.rtpAddress && opts.rtcpAddress) {
        // RTP fan-out goes out in sendmmsg batches with UDP GSO when the native addon is built (native/udp-batch);
        // MEDIAMTX_TS_UDP_BATCH=off turns batching off, =sendmmsg keeps batches without GSO.
        const batchMode = process.env['MEDIAMTX_TS_UDP_BATCH'];
        const rtp = await RtspUdpListener.open(opts.rtpAddress, log, { isBatched: batchMode !== 'off', useGso: batchMode !== 'sendmmsg' });
        cleanup.push(() => rtp.close());
        const rtcp = await RtspUdpListener.open(opts.rtcpAddress, log);
        cleanup.push(() => rtcp.close());
        udp = { rtp, rtcp };
      }
      let multicast: { allocator: MulticastAllocator; sender: MulticastSender } | undefined;
      if (!secure && opts.protocols.includes('multicast') && opts.multicast) {
        const allocator = new MulticastAllocator(opts.multicast.ipRange);
        const sender = await MulticastSender.open((err) => log.warn(`multicast: ${err.message}`));
        cleanup.push(() => sender.close());
        multicast = { allocator, sender };
      }
      const shards = secure ? 0 : opts.fanoutShards ?? fanoutShardCount();
      const minLoad = opts.fanoutShards !== undefined ? 0 : fanoutMinLoad();
      const shardPool = shards > 0 ? new ShardPool({ shards, ringSize: opts.readBufferCount, log, minLoad }) : undefined;
      const s = new RtspServer(opts, udp, multicast, log, shardPool);
      cleanup.push(() => { clearInterval(s.deadlineTimer); s.shardPool?.close(); });
      await s.host.listen(opts.address, opts.tls ? { ...opts.tls, keyName: 'serverKey', certName: 'serverCert' } : undefined);
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
  get port(): number { return this.host.port; }

  /** Gets (creating on first use) the multicast writer of a stream, counting one more session. */
  acquireMulticast(stream: Stream): RtspMulticastStream {
    const m = this.multicastFor(stream);
    m.addSession();
    return m;
  }

  /** TCP connections for the API (`rtspconns`). */
  connections(): ConnectionInfo[] {
    return this.host.list().map((c) => ({ id: c.id, created: c.created, remoteAddr: c.remoteAddr, bytesReceived: c.bytesReceived, bytesSent: c.bytesSent }));
  }

  /** Sessions for the API (`rtspsessions`). */
  sessionList(): ConnectionInfo[] {
    return this.sessions.list().map((s) => ({
      id: s.id, created: s.created, remoteAddr: s.remoteAddr, path: s.pathName ?? '',
      state: s.state === 'play' ? 'read' : s.state === 'record' ? 'publish' : 'idle',
      bytesReceived: s.bytesReceived, bytesSent: s.bytesSent, outboundDiscarded: s.outboundDiscarded,
    }));
  }

  /** Closes the session with this id; false when there is none. */
  kick(id: string): boolean { return this.sessions.kick(id); }

  /** Takes new runOnConnect/runOnDisconnect commands for connections opened from now on. */
  update(next: RtspLiveSettings): void { this.host.update(next); }

  /** Closes listeners, connections, sessions and hooks. */
  async close(): Promise<void> {
    if (this.host.isClosed) return;
    clearInterval(this.deadlineTimer);
    // The host closes the connections (and so their sessions) before its first await; multicast writers go next.
    const closing = this.host.close();
    for (const m of [...this.multicastStreams.values()]) m.close();
    await Promise.all([closing, this.udpRtp?.close(), this.udpRtcp?.close()]);
    this.multicast?.sender.close();
    this.shardPool?.close();
    this.log.info('listener closed');
  }

  private multicastFor(stream: Stream): RtspMulticastStream {
    const mc = this.multicast;
    if (!mc || !this.opts.multicast) throw new Error('multicast is disabled');
    let m = this.multicastStreams.get(stream);
    if (!m) {
      const created = new (connKit.get().RtspMulticastStream)({
        stream, allocator: mc.allocator, sender: mc.sender, rtpPort: this.opts.multicast.rtpPort, rtcpPort: this.opts.multicast.rtcpPort,
        queueSize: this.readBufferCount, maxPacketSize: this.udpMaxPayloadSize, log: this.log.child('[multicast]'),
        onClose: () => this.multicastStreams.delete(stream),
      });
      this.multicastStreams.set(stream, created);
      stream.onClose(() => created.close());
      m = created;
    }
    return m;
  }
}

// Started by RtspServer.listen: the server exists only while it listens (ProtocolServerFactory).
RtspServer satisfies ProtocolServerFactory<RtspServerOptions, RtspServer>;
