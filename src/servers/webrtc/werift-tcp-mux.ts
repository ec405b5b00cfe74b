import { createServer, type Server, type Socket } from 'node:net';
import type { RTCPeerConnection, TcpPassiveProtocol } from 'werift';
import { parseListenAddress } from '../../lib/index.ts';
import { stunUsername } from './werift-udp-mux.ts';

/** The part of werift's passive ICE-TCP protocol the mux drives (werift 0.24.4, ice/src/stun/tcpProtocol.ts). */
interface PassiveProtocol {
  localIp?: string;
  registerSocket(socket: Socket, remoteAddr: [string, number]): unknown;
  close(): Promise<void>;
}

interface PassivePrototype {
  connectionMade(this: PassiveProtocol, localIp: string, portRange?: [number, number]): Promise<void>;
  close(this: PassiveProtocol): Promise<void>;
}

// A connection must send its first STUN request (RFC 6544 §3: a 2-byte length, then the message) within this time,
// and within this many bytes, or it is closed; at most MAX_PENDING connections wait for it at once.
const FIRST_FRAME_TIMEOUT_MS = 10_000;
const MAX_FIRST_FRAME_BYTES = 2 + 1500;
const MAX_PENDING = 256;

// The mux new passive protocols join (the newest open one), and the one each joined protocol belongs to.
let current: WeriftTcpMux | undefined;
const owner = new WeakMap<PassiveProtocol, WeriftTcpMux>();
let patched = false;

/** werift's passive ICE-TCP protocol class, whose prototype the mux patches. */
export type WeriftTcpPassiveClass = typeof TcpPassiveProtocol;

/**
 * Makes werift's passive ICE-TCP protocol (RFC 6544 §4.1 passive candidates) use the shared listener: while a mux is
 * open, a new protocol listens nowhere, reports the mux's port, and is handed the connections routed to it. Installed
 * once, it falls through to werift's own code for protocols made while no mux is open.
 */
function installPatch(passive: WeriftTcpPassiveClass): void {
  if (patched) return;
  patched = true;
  const proto = passive.prototype as unknown as PassivePrototype;
  const connectionMade = proto.connectionMade;
  const close = proto.close;
  const port = Object.getOwnPropertyDescriptor(passive.prototype, 'listeningPort');
  if (!port?.get) throw new Error('werift TcpPassiveProtocol has no listeningPort getter (version changed?)');
  const portGetter = port.get;
  proto.connectionMade = async function patchedConnectionMade(localIp, portRange) {
    if (!current || portRange) return connectionMade.call(this, localIp, portRange);
    this.localIp = localIp;
    current.adopt(this);
  };
  proto.close = async function patchedClose() {
    owner.get(this)?.forget(this);
    return close.call(this);
  };
  Object.defineProperty(passive.prototype, 'listeningPort', {
    configurable: true,
    get(this: PassiveProtocol) { const m = owner.get(this); return m ? m.port : portGetter.call(this); },
  });
}

/**
 * Every session's ICE-TCP on one TCP port (webrtcICETCPMuxAddress, as MediaMTX's TCP mux). Sessions advertise
 * passive host candidates on the shared port; a new connection is read up to its first framed STUN Binding request
 * (RFC 6544 §3, RFC 4571 framing), routed by the local ufrag of its USERNAME (RFC 8445 §7.2.2) to that session's
 * passive protocol, which then owns the socket (frames, checks, DTLS and SRTP). Connections that send anything else,
 * too much, or nothing in time are closed. Relies on werift internals, hence the exact version pin.
 */
export class WeriftTcpMux {
  private readonly byUfrag = new Map<string, PassiveProtocol[]>();
  private readonly unregistered = new Set<PassiveProtocol>();
  private readonly pending = new Set<Socket>();
  private closed = false;

  private constructor(private readonly server: Server, readonly port: number) {
    server.on('connection', (s) => this.onConnection(s));
  }

  /** Listens on the shared port; werift's passive ICE-TCP protocols use it once attach() is called. */
  static async open(address: string): Promise<WeriftTcpMux> {
    const { host, port } = parseListenAddress(address);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, ...(host ? { host } : {}) }, () => { server.off('error', reject); resolve(); });
    });
    const a = server.address();
    const mux = new WeriftTcpMux(server, typeof a === 'object' && a ? a.port : port);
    current = mux;
    return mux;
  }

  /**
   * Makes werift's passive ICE-TCP protocols use the shared port: called with werift's class when werift is loaded
   * (the first session), so that the listener opens at start without werift's ~8 MiB.
   */
  attach(tcpPassiveProtocol: WeriftTcpPassiveClass): void { installPatch(tcpPassiveProtocol); }

  /** Routes connections by the peer's local ufrag; call after its local description is set. */
  register(pc: RTCPeerConnection): void {
    for (const it of pc.iceTransports) {
      const conn = it.connection as unknown as { localUsername: string; protocols?: unknown[] };
      for (const p of conn.protocols ?? []) {
        const proto = p as PassiveProtocol;
        if (!this.unregistered.delete(proto)) continue;
        this.byUfrag.set(conn.localUsername, [...(this.byUfrag.get(conn.localUsername) ?? []), proto]);
      }
    }
  }

  /** Stops listening and closes connections not yet routed; routed ones end with their sessions. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (current === this) current = undefined;
    for (const s of this.pending) s.destroy();
    this.server.close();
  }

  /** Number of connections waiting for their first STUN request (for tests). */
  get pendingCount(): number { return this.pending.size; }

  /** Number of sessions connections can be routed to, and of passive protocols not yet registered (for tests). */
  get sessionCount(): number { return this.byUfrag.size + this.unregistered.size; }

  /** @internal Takes a passive protocol werift just made (from the patched connectionMade). */
  adopt(p: PassiveProtocol): void {
    owner.set(p, this);
    this.unregistered.add(p);
  }

  /** @internal Forgets a protocol werift is closing. */
  forget(p: PassiveProtocol): void {
    owner.delete(p);
    this.unregistered.delete(p);
    for (const [u, list] of this.byUfrag) {
      const rest = list.filter((x) => x !== p);
      if (rest.length === 0) this.byUfrag.delete(u); else if (rest.length !== list.length) this.byUfrag.set(u, rest);
    }
  }

  private onConnection(socket: Socket): void {
    if (this.closed || this.pending.size >= MAX_PENDING) { socket.destroy(); return; }
    this.pending.add(socket);
    let buf = Buffer.alloc(0);
    const done = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      this.pending.delete(socket);
    };
    const timer = setTimeout(() => { done(); socket.destroy(); }, FIRST_FRAME_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2) return;
      const len = buf.readUInt16BE(0);
      if (2 + len > MAX_FIRST_FRAME_BYTES) { done(); socket.destroy(); return; }
      if (buf.length < 2 + len) return;
      done();
      const proto = this.route(buf.subarray(2, 2 + len), socket.localAddress);
      if (!proto || !socket.remoteAddress || !socket.remotePort) { socket.destroy(); return; }
      // The protocol reads the socket from here on, starting with the bytes already read.
      socket.pause();
      socket.unshift(buf);
      proto.registerSocket(socket, [socket.remoteAddress.replace(/^::ffff:/, ''), socket.remotePort]);
      socket.resume();
    };
    socket.on('data', onData);
    socket.on('error', () => { done(); socket.destroy(); });
    socket.on('close', done);
  }

  private route(first: Buffer, localAddress: string | undefined): PassiveProtocol | undefined {
    const user = stunUsername(first);
    if (user === undefined) return undefined;
    const list = this.byUfrag.get(user.split(':')[0]!);
    if (!list || list.length === 0) return undefined;
    // One protocol per gathered host address: the one of the address the client connected to, if any.
    const local = localAddress?.replace(/^::ffff:/, '');
    return list.find((p) => p.localIp === local) ?? list[0];
  }
}
