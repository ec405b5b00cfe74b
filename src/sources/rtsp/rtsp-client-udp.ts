import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

// Large receive buffers so bursts (a key frame arrives as hundreds of datagrams at once) survive event-loop pauses;
// the kernel caps it at net.core.rmem_max.
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;
// An even RTP port with a free odd one after it (RFC 3550 §11) is found within a few tries.
const MAX_BIND_TRIES = 20;

/** Where a media's UDP packets are accepted from and where RTCP goes. */
export interface UdpPeer {
  /** Sender address: the server's, or the Transport `source=`. */
  readonly ip: string;
  /** RTP and RTCP ports the server sends from; undefined when it did not say, or with sourceAnyPortEnable. */
  readonly rtpPort: number | undefined;
  readonly rtcpPort: number | undefined;
  /** Where receiver reports go: the server's RTCP port, or the multicast group's. */
  readonly rtcpDestination: { readonly ip: string; readonly port: number } | undefined;
}

/** What a UDP pair does with what it receives. */
export interface UdpPairHandlers {
  onRtp(msg: Buffer): void;
  onRtcp(msg: Buffer): void;
  /** A socket error: the session ends. */
  onError(err: Error): void;
}

function bind(socket: Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => { socket.off('error', reject); resolve(); });
  });
}

function close(s: Socket | undefined): void {
  try { s?.close(); } catch { /* already closed */ }
}

/**
 * The two UDP sockets of one media read over UDP or multicast (RTP, and RTCP on the next port). Datagrams are
 * taken only from the server's address (and its ports, unless any port is allowed), as gortsplib does: anybody
 * else's packets are dropped and counted, so a spoofed sender cannot inject media or reports.
 */
export class RtspClientUdpPair {
  /** Datagrams dropped because they came from elsewhere. */
  dropped = 0;
  private peer: UdpPeer | undefined;

  private constructor(private readonly rtp: Socket, private readonly rtcp: Socket, handlers: UdpPairHandlers, private readonly isMulticast = false) {
    rtp.on('message', (msg, r) => { if (this.accepts(r.address, r.port, true)) handlers.onRtp(msg); });
    rtcp.on('message', (msg, r) => { if (this.accepts(r.address, r.port, false)) handlers.onRtcp(msg); });
    rtp.on('error', (err) => handlers.onError(err));
    rtcp.on('error', (err) => handlers.onError(err));
  }

  /** RTP port of the pair (RTCP is the next one). */
  get rtpPort(): number { return this.rtp.address().port; }

  /**
   * Binds an even RTP port and the RTCP port after it, both chosen by the system (so they fall in its ephemeral
   * range, away from configured listeners), on the family of `serverIp`.
   */
  static async openUnicast(serverIp: string, handlers: UdpPairHandlers): Promise<RtspClientUdpPair> {
    const type = isIPv6(serverIp) ? 'udp6' : 'udp4';
    const any = type === 'udp6' ? '::' : '0.0.0.0';
    let lastError: unknown;
    for (let i = 0; i < MAX_BIND_TRIES; i++) {
      const rtp = createSocket({ type, recvBufferSize: RECV_BUFFER_BYTES });
      let rtcp: Socket | undefined;
      try {
        await bind(rtp, 0, any);
        const port = rtp.address().port;
        if (port % 2 !== 0 || port >= 65535) { close(rtp); continue; }
        rtcp = createSocket({ type, recvBufferSize: RECV_BUFFER_BYTES });
        await bind(rtcp, port + 1, any);
        return new RtspClientUdpPair(rtp, rtcp, handlers);
      } catch (err) {
        lastError = err;
        close(rtp);
        close(rtcp);
      }
    }
    throw new Error(`no free pair of UDP ports: ${(lastError as Error | undefined)?.message ?? 'only odd ports were given'}`);
  }

  /**
   * Joins `group` on the interface of `interfaceIp` (the local address of the RTSP connection: the interface that
   * reaches the server) with sockets bound to the group's ports. SO_REUSEADDR lets other readers on this host bind
   * the same ports, as a multicast receiver must.
   */
  static async openMulticast(o: { group: string; ports: readonly [number, number]; interfaceIp: string; handlers: UdpPairHandlers }): Promise<RtspClientUdpPair> {
    const type = isIPv6(o.group) ? 'udp6' : 'udp4';
    const rtp = createSocket({ type, reuseAddr: true, recvBufferSize: RECV_BUFFER_BYTES });
    const rtcp = createSocket({ type, reuseAddr: true, recvBufferSize: RECV_BUFFER_BYTES });
    try {
      // Bound to the group address, so that only this group's datagrams reach the sockets (Linux filters on it).
      await new Promise<void>((resolve, reject) => { rtp.once('error', reject); rtp.bind(o.ports[0], o.group, () => { rtp.off('error', reject); resolve(); }); });
      await new Promise<void>((resolve, reject) => { rtcp.once('error', reject); rtcp.bind(o.ports[1], o.group, () => { rtcp.off('error', reject); resolve(); }); });
      const iface = isIPv6(o.interfaceIp) === isIPv6(o.group) ? o.interfaceIp : undefined;
      rtp.addMembership(o.group, iface);
      rtcp.addMembership(o.group, iface);
      if (iface) rtcp.setMulticastInterface(iface);
    } catch (err) {
      close(rtp);
      close(rtcp);
      throw err;
    }
    return new RtspClientUdpPair(rtp, rtcp, o.handlers, true);
  }

  /** Sets whom packets are accepted from (after SETUP answered). */
  setPeer(peer: UdpPeer): void { this.peer = peer; }

  /** Sends a receiver report to the server's (or the group's) RTCP port; nothing before SETUP named it. */
  sendRtcp(pkt: Buffer): void {
    const d = this.peer?.rtcpDestination;
    if (d) this.rtcp.send(pkt, d.port, d.ip);
  }

  /** Closes both sockets (multicast memberships go with them). */
  close(): void {
    close(this.rtp);
    close(this.rtcp);
  }

  private accepts(address: string, port: number, isRtp: boolean): boolean {
    const p = this.peer;
    const wantPort = isRtp ? p?.rtpPort : p?.rtcpPort;
    const ip = plainIp(address);
    // A sender on this host that multicasts through lo shows the unspecified address (Linux picks no source for a
    // group routed on lo): with a server on the same host, that is the server.
    const isLocalMulticast = this.isMulticast && ip === '0.0.0.0';
    if (p && (ip === plainIp(p.ip) || isLocalMulticast) && (wantPort === undefined || wantPort === port)) return true;
    this.dropped++;
    return false;
  }
}

/** An IPv4 address in its plain form (dual-stack sockets report `::ffff:a.b.c.d`). */
function plainIp(ip: string): string { return ip.startsWith('::ffff:') ? ip.slice(7) : ip; }
