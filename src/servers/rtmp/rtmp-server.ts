import type { Socket } from 'node:net';
import { ConnectionRegistry, openTcpListener, type Logger, type TcpListener } from '../../lib/index.ts';
import type { ConnectionInfo, PathAccess, ProtocolServer } from '../../core/index.ts';
import { RtmpStreamMuxer, type EnhancedCaps } from '../../protocols/rtmp/index.ts';
import type { Stream } from '../../stream/index.ts';
import { ConnectionHooks } from '../../hooks/index.ts';
import { OUT_CHUNK_SIZE, RtmpConn, type RtmpConnHost } from './rtmp-conn.ts';

/** The settings an RTMP server takes while running: runOnConnect/runOnDisconnect apply to connections opened from then on. */
export interface RtmpLiveSettings { runOnConnect: string; runOnConnectRestart: boolean; runOnDisconnect: string }

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
}

/** RTMP/RTMPS server: accepts connections and shares one muxer per stream among its players. */
export class RtmpServer implements RtmpConnHost, ProtocolServer<RtmpLiveSettings> {
  readonly paths: PathAccess;
  readonly readTimeoutMs: number;
  readonly writeTimeoutMs: number;
  readonly readBufferCount: number;
  private readonly conns = new ConnectionRegistry<RtmpConn>();
  private readonly hooks: ConnectionHooks<RtmpConn>;
  private readonly muxers = new WeakMap<Stream, Map<string, RtmpStreamMuxer>>();
  private listener: TcpListener | undefined;
  private closed = false;

  private constructor(private readonly opts: RtmpServerOptions, private readonly log: Logger) {
    this.paths = opts.paths;
    this.hooks = new ConnectionHooks({ command: opts.runOnConnect, restart: opts.runOnConnectRestart, offCommand: opts.runOnDisconnect, rtspPort: opts.rtspPort });
    this.readTimeoutMs = opts.readTimeoutMs;
    this.writeTimeoutMs = opts.writeTimeoutMs;
    this.readBufferCount = opts.readBufferCount;
  }

  /** Opens the listener. */
  static async listen(opts: RtmpServerOptions): Promise<RtmpServer> {
    const log = opts.log.child(opts.tls ? '[RTMPS]' : '[RTMP]');
    const server = new RtmpServer(opts, log);
    server.listener = await openTcpListener({
      address: opts.address,
      ...(opts.tls ? { tls: { ...opts.tls, keyName: 'rtmpServerKey', certName: 'rtmpServerCert' } } : {}),
      onSocket: (s) => server.onConnection(s),
    });
    log.info(`listener opened on ${opts.address}`);
    return server;
  }

  /** Port the listener is bound to. */
  get port(): number { return this.listener?.port ?? 0; }

  /** The muxer of a stream, shared by every player of it that announced the same Enhanced RTMP codecs. */
  muxerFor(stream: Stream, caps: EnhancedCaps): RtmpStreamMuxer {
    let byCaps = this.muxers.get(stream);
    if (!byCaps) { byCaps = new Map(); this.muxers.set(stream, byCaps); }
    let m = byCaps.get(caps.key());
    if (!m) { m = new RtmpStreamMuxer(stream.description, OUT_CHUNK_SIZE, caps); byCaps.set(caps.key(), m); }
    return m;
  }

  /** Connections for the API (`rtmpconns`). */
  connections(): ConnectionInfo[] {
    return this.conns.list().map((c) => ({
      id: c.id, created: c.created, remoteAddr: c.remoteAddr, state: c.state, path: c.pathName, bytesReceived: c.bytesReceived, bytesSent: c.bytesSent,
      outboundDiscarded: c.outboundDiscarded,
    }));
  }

  /** Closes the connection with this id. */
  kick(id: string): boolean { return this.conns.kick(id); }

  /** Takes new runOnConnect/runOnDisconnect commands for connections opened from now on. */
  update(next: RtmpLiveSettings): void { this.hooks.update({ command: next.runOnConnect, restart: next.runOnConnectRestart, offCommand: next.runOnDisconnect }); }

  /** Closes the listener and every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closing = this.listener?.close();
    this.conns.closeAll(new Error('server is shutting down'));
    await Promise.all([closing, this.hooks.closeAll()]);
    this.log.info('listener closed');
  }

  private onConnection(socket: Socket): void {
    if (this.closed) { socket.destroy(); return; }
    const conn = new RtmpConn(socket, this, {
      secure: this.opts.tls !== undefined, log: this.log,
      onClose: (c) => {
        this.conns.remove(c);
        this.hooks.close(c);
      },
    });
    this.conns.add(conn);
    this.hooks.open(conn, this.log, { type: this.opts.tls ? 'rtmpsConn' : 'rtmpConn', id: conn.id });
  }
}
