import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { parseListenAddress, readStartupFile, type Logger } from '../../lib/index.ts';
import type { PathAccess } from '../../core/index.ts';
import { RtmpStreamMuxer, type EnhancedCaps } from '../../protocols/rtmp/index.ts';
import type { Stream } from '../../stream/index.ts';
import { ConnectionHooks } from '../../hooks/index.ts';
import { OUT_CHUNK_SIZE, RtmpConn, type RtmpConnHost } from './rtmp-conn.ts';

/** Settings of one RTMP or RTMPS listener. */
export interface RtmpServerOptions {
  address: string;
  tls?: { keyFile: string; certFile: string };
  readTimeoutMs: number;
  writeTimeoutMs: number;
  readBufferCount: number;
  udpMaxPayloadSize: number;
  runOnConnect: string;
  runOnConnectRestart: boolean;
  rtspPort: number;
  paths: PathAccess;
  log: Logger;
}

/** A connection as the API lists it. */
export interface RtmpConnInfo { id: string; created: Date; remoteAddr: string; state: 'idle' | 'read' | 'publish'; path: string; bytesReceived: number; bytesSent: number }

/** RTMP/RTMPS server: accepts connections and shares one muxer per stream among its players. */
export class RtmpServer implements RtmpConnHost {
  readonly paths: PathAccess;
  readonly readTimeoutMs: number;
  readonly writeTimeoutMs: number;
  readonly readBufferCount: number;
  readonly udpMaxPayloadSize: number;
  private readonly conns = new Set<RtmpConn>();
  private readonly hooks: ConnectionHooks<RtmpConn>;
  private readonly muxers = new WeakMap<Stream, Map<string, RtmpStreamMuxer>>();
  private closed = false;

  private constructor(private readonly opts: RtmpServerOptions, private readonly server: Server, private readonly log: Logger) {
    this.paths = opts.paths;
    this.hooks = new ConnectionHooks({ command: opts.runOnConnect, restart: opts.runOnConnectRestart, rtspPort: opts.rtspPort });
    this.readTimeoutMs = opts.readTimeoutMs;
    this.writeTimeoutMs = opts.writeTimeoutMs;
    this.readBufferCount = opts.readBufferCount;
    this.udpMaxPayloadSize = opts.udpMaxPayloadSize;
    server.on(opts.tls ? 'secureConnection' : 'connection', (s: Socket) => this.onConnection(s));
  }

  /** Opens the listener. */
  static async listen(opts: RtmpServerOptions): Promise<RtmpServer> {
    const log = opts.log.child(opts.tls ? '[RTMPS]' : '[RTMP]');
    const { host, port } = parseListenAddress(opts.address);
    const server = opts.tls
      ? createTlsServer({ key: readStartupFile(opts.tls.keyFile, 'rtmpServerKey'), cert: readStartupFile(opts.tls.certFile, 'rtmpServerCert'), minVersion: 'TLSv1.2' })
      : createTcpServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, () => { server.off('error', reject); resolve(); });
    });
    log.info(`listener opened on ${opts.address}`);
    return new RtmpServer(opts, server, log);
  }

  /** The muxer of a stream, shared by every player of it that announced the same Enhanced RTMP codecs. */
  muxerFor(stream: Stream, caps: EnhancedCaps): RtmpStreamMuxer {
    let byCaps = this.muxers.get(stream);
    if (!byCaps) { byCaps = new Map(); this.muxers.set(stream, byCaps); }
    let m = byCaps.get(caps.key());
    if (!m) { m = new RtmpStreamMuxer(stream.description, OUT_CHUNK_SIZE, caps); byCaps.set(caps.key(), m); }
    return m;
  }

  /** Connections for the API. */
  connections(): RtmpConnInfo[] {
    return [...this.conns].map((c) => ({ id: c.id, created: c.created, remoteAddr: c.remoteAddr, state: c.state, path: c.pathName, bytesReceived: c.bytesReceived, bytesSent: c.bytesSent }));
  }

  /** Closes the connection with this id. */
  kick(id: string): boolean {
    const c = [...this.conns].find((x) => x.id === id);
    c?.close(new Error('kicked'));
    return c !== undefined;
  }

  /** Closes the listener and every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closing = new Promise<void>((r) => this.server.close(() => r()));
    for (const c of [...this.conns]) c.close(new Error('server is shutting down'));
    await Promise.all([closing, this.hooks.closeAll()]);
    this.log.info('listener closed');
  }

  private onConnection(socket: Socket): void {
    if (this.closed) { socket.destroy(); return; }
    const conn = new RtmpConn(socket, this, {
      secure: this.opts.tls !== undefined, log: this.log,
      onClose: (c) => {
        this.conns.delete(c);
        this.hooks.close(c);
      },
    });
    this.conns.add(conn);
    this.hooks.open(conn, this.log);
  }
}

