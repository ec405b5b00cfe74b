import { createSocket, type Socket } from 'node:dgram';
import { parseListenAddress, type Logger } from '../../lib/index.ts';

/** Handler of datagrams from one registered client address. */
export type DatagramHandler = (msg: Buffer) => void;

// Large receive buffer so publishers' bursts survive event-loop pauses (PERFORMANCE.md: ingest loss in JS servers).
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * One server UDP socket (`rtpAddress` or `rtcpAddress`) shared by every UDP session. Datagrams are accepted only from
 * the exact (ip, port) a session registered in SETUP (RELIABILITY V19); everything else is dropped and counted.
 */
export class RtspUdpListener {
  private readonly handlers = new Map<string, DatagramHandler>();
  /** Datagrams from addresses no session registered. */
  unknownSource = 0;

  private constructor(private readonly socket: Socket, readonly port: number) {}

  /** Binds `address` (e.g. `:8000`). */
  static async open(address: string, log: Logger): Promise<RtspUdpListener> {
    const { host, port } = parseListenAddress(address);
    const socket = createSocket({ type: 'udp4', recvBufferSize: RECV_BUFFER_BYTES });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host ?? '0.0.0.0', () => { socket.off('error', reject); resolve(); });
    });
    const listener = new RtspUdpListener(socket, socket.address().port);
    socket.on('error', (err) => log.warn(`UDP listener on ${address}: ${err.message}`));
    socket.on('message', (msg, rinfo) => {
      const h = listener.handlers.get(`${rinfo.address}:${rinfo.port}`);
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

  /** Sends one datagram. */
  send(msg: Buffer, port: number, ip: string): void {
    this.socket.send(msg, port, ip);
  }

  /** Closes the socket. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      try { this.socket.close(() => resolve()); } catch { resolve(); /* already closed */ }
    });
  }
}
