import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { ErrorCounter, UdpBatchSender, loadUdpBatchAddon, normalizeIp, parseListenAddress, type Logger } from '../../lib/index.ts';

/** Options of RtspUdpListener.open. */
export interface RtspUdpListenerOptions {
  /**
   * Queue the datagrams of a loop turn and send them with sendmmsg when the native addon loaded (the RTP socket's
   * fan-out); otherwise, or when false, one dgram send per datagram.
   */
  isBatched?: boolean;
  /** With batches, let the kernel segment a reader's runs of equal-size datagrams (UDP GSO); default true. */
  useGso?: boolean;
}

/** Handler of datagrams from one registered client address. */
export type DatagramHandler = (msg: Buffer) => void;

// Large receive buffer so publishers' bursts survive event-loop pauses (docs/performance.md §UDP ingest).
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * One server UDP socket (`rtpAddress` or `rtcpAddress`) shared by every UDP session. Datagrams are accepted only from
 * the exact (ip, port) a session registered in SETUP (docs/limits.md §RTSP); everything else is dropped and counted.
 */
export class RtspUdpListener {
  private readonly handlers = new Map<string, DatagramHandler>();
  /** Datagrams from addresses no session registered. */
  unknownSource = 0;

  /** IPv4 client addresses in the IPv4-mapped form a dual-stack socket sends to. */
  private readonly mapped = new Map<string, string>();

  private batch: UdpBatchSender | undefined;
  private batchDrops: ErrorCounter | undefined;

  private constructor(private readonly socket: Socket, readonly port: number, private readonly isDualStack: boolean) {}

  /** True when datagrams go out in batches through the native addon. */
  get isBatched(): boolean { return this.batch?.isNative ?? false; }

  /**
   * Binds `address` (e.g. `:8000`). Without a host the socket is dual-stack (`::` with IPv4 mapped), as the TCP
   * listener is: a client that reached RTSP over IPv6 (`localhost` resolving to ::1) must find its RTP port there too.
   * Where IPv6 is disabled, it falls back to IPv4.
   */
  static async open(address: string, log: Logger, opts: RtspUdpListenerOptions = {}): Promise<RtspUdpListener> {
    const { host, port } = parseListenAddress(address);
    let socket: Socket;
    let isDualStack = false;
    if (host === undefined) {
      try {
        socket = await bind(createSocket({ type: 'udp6', ipv6Only: false, recvBufferSize: RECV_BUFFER_BYTES }), port, '::');
        isDualStack = true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw err;
        socket = await bind(createSocket({ type: 'udp4', recvBufferSize: RECV_BUFFER_BYTES }), port, '0.0.0.0');
      }
    } else {
      socket = await bind(createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: RECV_BUFFER_BYTES }), port, host);
    }
    const listener = new RtspUdpListener(socket, socket.address().port, isDualStack);
    const addon = opts.isBatched ? loadUdpBatchAddon(log) : undefined;
    if (addon) {
      const drops = new ErrorCounter(log, `UDP sends on ${address} that dropped datagrams`);
      listener.batchDrops = drops;
      listener.batch = new UdpBatchSender({ socket, addon, log, useGso: opts.useGso ?? true, onDropped: (n) => drops.add(`${n} could not be sent: socket buffer and send queue full`) });
      log.debug(`UDP ${address}: datagrams sent in sendmmsg batches${opts.useGso ?? true ? ' with GSO' : ''}`);
    }
    socket.on('error', (err) => log.warn(`UDP listener on ${address}: ${err.message}`));
    socket.on('message', (msg, rinfo) => {
      // Dual-stack sockets report IPv4 senders as ::ffff:a.b.c.d; sessions register the plain form.
      const h = listener.handlers.get(`${normalizeIp(rinfo.address)}:${rinfo.port}`);
      if (h) h(msg); else listener.unknownSource++;
    });
    return listener;
  }

  /** Routes datagrams from `ip:port` to `handler`; returns the function that undoes it. */
  register(ip: string, port: number, handler: DatagramHandler): () => void {
    const key = `${ip}:${port}`;
    this.handlers.set(key, handler);
    return () => { if (this.handlers.get(key) === handler) this.handlers.delete(key); };
  }

  /** True when some session already receives from `ip:port`. */
  isRegistered(ip: string, port: number): boolean { return this.handlers.has(`${ip}:${port}`); }

  /** Sends one datagram; when batched, with the others of this loop turn. */
  send(msg: Buffer, port: number, ip: string): void {
    const address = this.isDualStack ? this.mappedAddress(ip) : ip;
    if (this.batch) this.batch.send(msg, port, address);
    else this.socket.send(msg, port, address);
  }

  private mappedAddress(ip: string): string {
    let m = this.mapped.get(ip);
    if (m === undefined) {
      // A dual-stack socket refuses a plain IPv4 destination (EINVAL): it takes the IPv4-mapped form.
      m = ip.includes(':') ? ip : `::ffff:${ip}`;
      if (this.mapped.size > 4096) this.mapped.clear(); // bounded: one entry per client address
      this.mapped.set(ip, m);
    }
    return m;
  }

  /** Closes the socket, after sending what the batch holds. */
  close(): Promise<void> {
    this.batch?.close();
    this.batchDrops?.close();
    return new Promise((resolve) => {
      try { this.socket.close(() => resolve()); } catch { resolve(); /* already closed */ }
    });
  }
}

function bind(socket: Socket, port: number, host: string): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const fail = (err: Error): void => { socket.close(); reject(err); };
    socket.once('error', fail);
    socket.bind(port, host, () => { socket.off('error', fail); resolve(socket); });
  });
}
