import { lazyModule, type Logger } from '../../lib/index.ts';
import { ShardPool, fanoutMinLoad, fanoutShardCount } from '../../fanout/index.ts';
import type { ConnectionInfo, PathAccess, ProtocolServer, ProtocolServerFactory } from '../../core/index.ts';
import type { RtmpStreamMuxer, EnhancedCaps } from '../../protocols/rtmp/index.ts';
import type { Stream } from '../../stream/index.ts';
import { ConnectionHost, type ConnectionHookSettings } from '../connection-host.ts';
import type { RtmpConn, RtmpConnHost } from './rtmp-conn.ts';
import type { RtmpFanout } from './rtmp-fanout.ts';

/** The connection code of every RTMP/RTMPS listener, imported on the first connection (rtmp-conn-kit.ts says why). */
const connKit = lazyModule('the RTMP connection code', () => import('./rtmp-conn-kit.ts'));

/** The settings an RTMP server takes while running: runOnConnect/runOnDisconnect apply to connections opened from then on. */
export type RtmpLiveSettings = ConnectionHookSettings;

/** Settings of one RTMP or RTMPS listener. */
export interface RtmpServerOptions extends RtmpLiveSettings {
  address: string;
  tls?: { keyFile: string; certFile: string };
  readTimeoutMs: number;
  writeTimeoutMs: number;
  readBufferCount: number;
  rtspPort: number;
  paths: PathAccess;
  log: Logger;
  /**
   * Fan-out shard processes players move to (docs/multicore-fanout.md); default: fanoutShardCount(), from
   * MEDIAMTX_TS_FANOUT_SHARDS or the core count. RTMPS players always stay: their TLS state lives here. Given here,
   * players move from the first one; else from the load fanoutMinLoad() gives.
   */
  fanoutShards?: number;
}

/** RTMP/RTMPS server: accepts connections and shares one muxer per stream among its players. */
export class RtmpServer implements RtmpConnHost, ProtocolServer<RtmpLiveSettings> {
  readonly paths: PathAccess;
  readonly readTimeoutMs: number;
  readonly writeTimeoutMs: number;
  readonly readBufferCount: number;
  private readonly shardPool: ShardPool | undefined;
  private fanoutOfPool: RtmpFanout | undefined;
  private readonly host: ConnectionHost<RtmpConn>;
  private readonly muxers = new WeakMap<Stream, Map<string, RtmpStreamMuxer>>();

  private constructor(opts: RtmpServerOptions, private readonly log: Logger) {
    this.paths = opts.paths;
    const secure = opts.tls !== undefined;
    this.host = new ConnectionHost<RtmpConn>({
      connType: secure ? 'rtmpsConn' : 'rtmpConn',
      hooks: opts,
      log,
      prepare: () => (connKit.loaded ? undefined : connKit.load()),
      create: (socket, onClose) => new (connKit.get().RtmpConn)(socket, this, { secure, log, onClose }),
      hookLog: () => log,
    });
    this.readTimeoutMs = opts.readTimeoutMs;
    this.writeTimeoutMs = opts.writeTimeoutMs;
    this.readBufferCount = opts.readBufferCount;
    const shards = secure ? 0 : opts.fanoutShards ?? fanoutShardCount();
    const minLoad = opts.fanoutShards !== undefined ? 0 : fanoutMinLoad();
    this.shardPool = shards > 0 ? new ShardPool({ shards, ringSize: opts.readBufferCount, log, minLoad }) : undefined;
  }

  /** Fan-out shards players move to; asked for by connections only, so once the connection code is loaded. */
  get fanout(): RtmpFanout | undefined {
    if (this.shardPool) this.fanoutOfPool ??= new (connKit.get().RtmpFanout)(this.shardPool, this.log);
    return this.fanoutOfPool;
  }

  /** Opens the listener. */
  static async listen(opts: RtmpServerOptions): Promise<RtmpServer> {
    const log = opts.log.child(opts.tls ? '[RTMPS]' : '[RTMP]');
    const server = new RtmpServer(opts, log);
    await server.host.listen(opts.address, opts.tls ? { ...opts.tls, keyName: 'rtmpServerKey', certName: 'rtmpServerCert' } : undefined);
    log.info(`listener opened on ${opts.address}`);
    return server;
  }

  /** Port the listener is bound to. */
  get port(): number { return this.host.port; }

  /** The muxer of a stream, shared by every player of it that announced the same Enhanced RTMP codecs. */
  muxerFor(stream: Stream, caps: EnhancedCaps): RtmpStreamMuxer {
    let byCaps = this.muxers.get(stream);
    if (!byCaps) { byCaps = new Map(); this.muxers.set(stream, byCaps); }
    let m = byCaps.get(caps.key());
    if (!m) {
      const kit = connKit.get();
      m = new kit.RtmpStreamMuxer(stream.description, kit.OUT_CHUNK_SIZE, caps);
      byCaps.set(caps.key(), m);
    }
    return m;
  }

  /** Connections for the API (`rtmpconns`). */
  connections(): ConnectionInfo[] {
    return this.host.list().map((c) => ({
      id: c.id, created: c.created, remoteAddr: c.remoteAddr, state: c.state, path: c.pathName, bytesReceived: c.bytesReceived, bytesSent: c.bytesSent,
      outboundDiscarded: c.outboundDiscarded,
    }));
  }

  /** Closes the connection with this id. */
  kick(id: string): boolean { return this.host.kick(id); }

  /** Takes new runOnConnect/runOnDisconnect commands for connections opened from now on. */
  update(next: RtmpLiveSettings): void { this.host.update(next); }

  /** Closes the listener and every connection. */
  async close(): Promise<void> {
    if (this.host.isClosed) return;
    await this.host.close();
    this.shardPool?.close();
    this.log.info('listener closed');
  }
}

// Started by RtmpServer.listen: the server exists only while it listens (ProtocolServerFactory).
RtmpServer satisfies ProtocolServerFactory<RtmpServerOptions, RtmpServer>;
