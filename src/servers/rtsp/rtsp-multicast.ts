import { createSocket, type Socket } from 'node:dgram';

/** Thrown when a multicast range is invalid or exhausted. */
export class MulticastError extends Error {
  override readonly name = 'MulticastError';
}

function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new MulticastError(`invalid IPv4 address '${ip}'`);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Hands out multicast group addresses from `multicastIPRange` (e.g. `224.1.0.0/16`), one per stream media. */
export class MulticastAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly used = new Set<number>();

  constructor(range: string) {
    const [ip, bitsText] = range.split('/');
    const bits = Number(bitsText ?? '32');
    if (!Number.isInteger(bits) || bits < 4 || bits > 32) throw new MulticastError(`invalid multicast range '${range}'`);
    const mask = bits === 32 ? 0xffffffff : (~((1 << (32 - bits)) - 1)) >>> 0;
    this.base = (ipToInt(ip ?? '') & mask) >>> 0;
    this.size = 2 ** (32 - bits);
  }

  /** Reserves the lowest free address (skipping the network address when the range has more than one). */
  allocate(): string {
    for (let i = this.size > 1 ? 1 : 0; i < this.size; i++) {
      if (!this.used.has(i)) { this.used.add(i); return intToIp((this.base + i) >>> 0); }
    }
    throw new MulticastError('no multicast addresses available');
  }

  /** Returns an address to the pool. */
  release(ip: string): void { this.used.delete((ipToInt(ip) - this.base) >>> 0); }
}

// RFC 2326 §12.39: ttl of multicast RTP; MediaMTX uses 16.
export const MULTICAST_TTL = 16;

/** A sender socket for multicast RTP/RTCP. It never binds the group port, so clients on the same host can bind it. */
export class MulticastSender {
  private constructor(private readonly socket: Socket) {}

  /** Opens a sender on an ephemeral port. */
  static async open(onError: (err: Error) => void): Promise<MulticastSender> {
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, () => { socket.off('error', reject); resolve(); });
    });
    socket.setMulticastTTL(MULTICAST_TTL);
    socket.setMulticastLoopback(true);
    socket.on('error', onError);
    return new MulticastSender(socket);
  }

  /** Sends one datagram to `group:port`. */
  send(msg: Buffer, group: string, port: number): void { this.socket.send(msg, port, group); }

  /** Closes the socket. */
  close(): void {
    try { this.socket.close(); } catch { /* already closed */ }
  }
}
