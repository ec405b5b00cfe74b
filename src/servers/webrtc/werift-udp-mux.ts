import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { RTCPeerConnection, UdpTransport } from 'werift';
import { UdpBatchSender, loadUdpBatchAddon, parseListenAddress, type Logger } from '../../lib/index.ts';

/** The part of werift's transport interface its ICE uses (werift 0.24.4, common/src/transport.ts). */
interface VirtualTransport {
  readonly type: 'udp';
  closed: boolean;
  onData: (data: Buffer, addr: [string, number]) => void;
  readonly address: { address: string; family: string; port: number };
  readonly host: string;
  readonly port: number;
  send(data: Buffer, addr?: [string, number]): Promise<void>;
  close(): Promise<void>;
}

/** STUN USERNAME (RFC 8489 §14.3) of a Binding request, or undefined for other datagrams. */
export function stunUsername(buf: Buffer): string | undefined {
  // RFC 8489 §5: first two bits zero, magic cookie 0x2112A442.
  if (buf.length < 20 || (buf[0]! & 0xc0) !== 0 || buf.readUInt32BE(4) !== 0x2112a442) return undefined;
  const end = Math.min(buf.length, 20 + buf.readUInt16BE(2));
  for (let o = 20; o + 4 <= end;) {
    const type = buf.readUInt16BE(o);
    const len = buf.readUInt16BE(o + 2);
    if (type === 0x0006) return o + 4 + len <= end ? buf.toString('utf8', o + 4, o + 4 + len) : undefined;
    o += 4 + len + ((4 - (len % 4)) % 4);
  }
  return undefined;
}

type TransportInit = typeof UdpTransport.init;

/** werift's UDP transport class, the one static the mux replaces (werift 0.24.4, common/src/transport.ts). */
export interface WeriftUdpTransportClass { init: TransportInit }

// werift's own factory, kept from the first attach: a mux attached while another one's factory is in place (a reload)
// falls through to werift's, not to that other mux.
const weriftInit = new WeakMap<WeriftUdpTransportClass, TransportInit>();

/**
 * Every session's ICE on one UDP port (webrtcICEUDPMuxAddress, as MediaMTX's UDP mux): werift's transport factory is
 * replaced, from the first session until the mux closes, by one that makes virtual transports on the shared socket.
 * The socket is bound at start without werift, whose ~8 MiB an idle server need not hold (attach() comes later). A
 * datagram from a new remote address is routed by the local ufrag of its STUN USERNAME (RFC 8445 §7.2.2), then by
 * that address.
 * It relies on werift internals (iceTransports[].connection), hence the exact version pin.
 */
export class WeriftUdpMux {
  private readonly byUfrag = new Map<string, VirtualTransport>();
  private readonly byRemote = new Map<string, VirtualTransport>();
  private readonly remotesOf = new Map<VirtualTransport, Set<string>>();
  private readonly unregistered = new Set<VirtualTransport>();
  private detach: (() => void) | undefined;
  private closed = false;
  private readonly batch: UdpBatchSender;

  private constructor(private readonly socket: Socket, readonly port: number, log: Logger | undefined) {
    socket.on('message', (data, rinfo) => this.onMessage(data, rinfo));
    // Every viewer's SRTP leaves through this one socket: with the native addon, one sendmmsg (and GSO) per loop turn
    // for all of them, as RTSP/UDP readers (docs/performance.md); MEDIAMTX_TS_UDP_BATCH as there.
    const mode = process.env['MEDIAMTX_TS_UDP_BATCH'];
    this.batch = new UdpBatchSender({ socket, addon: mode === 'off' ? undefined : loadUdpBatchAddon(log), log, useGso: mode !== 'sendmmsg' });
  }

  /** True when sends go out in sendmmsg batches. */
  get isBatched(): boolean { return this.batch.isNative; }

  /** Binds the shared socket; werift uses it once attach() is called. */
  static async open(address: string, log?: Logger): Promise<WeriftUdpMux> {
    const { host, port } = parseListenAddress(address);
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host && host !== '' ? host : undefined, () => { socket.off('error', reject); resolve(); });
    });
    return new WeriftUdpMux(socket, socket.address().port, log);
  }

  /** Makes werift's ICE gather on the shared socket: called with werift's class when werift is loaded. */
  attach(udpTransport: WeriftUdpTransportClass): void {
    if (this.detach || this.closed) return;
    const original = weriftInit.get(udpTransport) ?? udpTransport.init;
    weriftInit.set(udpTransport, original);
    const patched = (async (type, options) => (type === 'udp4' && !options?.port ? this.createTransport() : original(type, options))) as TransportInit;
    udpTransport.init = patched;
    // Only our own factory is undone: a mux opened since (a reload) may have put its own in place.
    this.detach = () => { if (udpTransport.init === patched) udpTransport.init = original; };
  }

  /** Routes the peer's virtual transports by its local ufrag; call after its local description is set. */
  register(pc: RTCPeerConnection): void {
    for (const it of pc.iceTransports) {
      const conn = it.connection as unknown as { localUsername: string; protocols?: { transport?: unknown }[] };
      for (const p of conn.protocols ?? []) {
        const t = p.transport as VirtualTransport | undefined;
        if (t && this.unregistered.delete(t)) this.byUfrag.set(conn.localUsername, t);
      }
    }
  }

  /** Gives werift its own transports back and closes the socket. */
  close(): void {
    this.closed = true;
    this.detach?.();
    this.batch.close();
    this.socket.close();
  }

  private onMessage(data: Buffer, rinfo: RemoteInfo): void {
    const key = `${rinfo.address}:${rinfo.port}`;
    let t = this.byRemote.get(key);
    if (!t) {
      const user = stunUsername(data);
      t = user === undefined ? undefined : this.byUfrag.get(user.split(':')[0]!);
      if (!t) return;
      this.byRemote.set(key, t);
      this.remotesOf.get(t)?.add(key);
    }
    t.onData(data, [rinfo.address, rinfo.port]);
  }

  private createTransport(): VirtualTransport {
    const port = this.port;
    const t: VirtualTransport = {
      type: 'udp', closed: false, onData: () => undefined,
      address: { address: '0.0.0.0', family: 'IPv4', port }, host: '0.0.0.0', port,
      // Queued, not awaited: werift awaits each send, and a datagram's fate (dropped or not) is UDP's anyway.
      send: async (data, addr) => {
        if (t.closed || !addr) return;
        // Answers from an address this transport sent to first (a STUN or TURN server) come back to it.
        const key = `${addr[0]}:${addr[1]}`;
        if (!this.byRemote.has(key)) { this.byRemote.set(key, t); this.remotesOf.get(t)?.add(key); }
        this.batch.send(data, addr[1], addr[0]);
      },
      close: async () => {
        t.closed = true;
        for (const k of this.remotesOf.get(t) ?? []) this.byRemote.delete(k);
        this.remotesOf.delete(t);
        for (const [u, x] of this.byUfrag) if (x === t) this.byUfrag.delete(u);
        this.unregistered.delete(t);
      },
    };
    this.remotesOf.set(t, new Set());
    this.unregistered.add(t);
    return t;
  }
}
