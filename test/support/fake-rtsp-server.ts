import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import {
  RtspConnReader, RtspHeaders, buildInterleavedFrame, computeDigestResponse, parseAuthorization, parseTransportHeader, serializeResponse,
  type RtspRequest,
} from '../../src/protocols/rtsp/index.ts';

/** An SDP with H264 (96) and MPEG-4 audio (97), controls trackID=0/1, as cameras announce them. */
export const CAMERA_SDP = [
  'v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=cam', 't=0 0',
  'm=video 0 RTP/AVP 96', 'a=rtpmap:96 H264/90000', 'a=fmtp:96 packetization-mode=1', 'a=control:trackID=0',
  'm=audio 0 RTP/AVP 97', 'a=rtpmap:97 MPEG4-GENERIC/48000/2',
  'a=fmtp:97 streamtype=5; profile-level-id=15; mode=AAC-hbr; config=1190; sizeLength=13; indexLength=3; indexDeltaLength=3',
  'a=control:trackID=1', '',
].join('\r\n');

/** An RTP packet of payload type `pt` carrying a non-IDR H264 slice (or bytes for audio). */
export function fakeRtp(pt: number, seq: number): Buffer {
  const b = Buffer.alloc(12 + 40, 0x41);
  b[0] = 0x80; b[1] = 0x80 | pt;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE((seq * 3600) >>> 0, 4);
  b.writeUInt32BE(0x5eed + pt, 8);
  b[12] = pt === 96 ? 0x41 : 0x00;
  return b;
}

/** A connection of the fake server, for behaviours that write on their own. */
export interface FakeConn {
  readonly socket: Socket;
  readonly requests: RtspRequest[];
  /** Transport headers of the SETUPs, by track. */
  readonly setups: string[];
  /** Interleaved frames the client sent (RTCP reports), by channel. */
  readonly frames: { channel: number; payload: Buffer }[];
}

/** What a behaviour answers: a response, `hang` (never answer) or `close` (drop the connection). */
export type FakeAnswer = { status: number; headers?: Record<string, string>; body?: string | Buffer } | 'hang' | 'close';

/** A running fake RTSP server. */
export interface FakeRtspServer {
  readonly port: number;
  readonly conns: FakeConn[];
  /** Connections accepted so far. */
  readonly accepted: () => number;
  close(): Promise<void>;
}

/** Starts a TCP (or TLS) server whose answers come from `behaviour`; `onRaw` replaces RTSP parsing altogether. */
export async function startFakeRtspServer(o: {
  behaviour?: (req: RtspRequest, conn: FakeConn) => FakeAnswer;
  onRaw?: (socket: Socket) => void;
  tls?: { key: Buffer; cert: Buffer };
}): Promise<FakeRtspServer> {
  const conns: FakeConn[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const onConn = (socket: Socket): void => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (o.onRaw) { o.onRaw(socket); return; }
    const conn: FakeConn = { socket, requests: [], setups: [], frames: [] };
    conns.push(conn);
    const reader = new RtspConnReader();
    socket.on('data', (d: Buffer) => {
      let items;
      try { items = reader.push(d); } catch { socket.destroy(); return; }
      for (const item of items) {
        if (item.kind === 'frame') { conn.frames.push({ channel: item.channel, payload: Buffer.from(item.payload) }); continue; }
        if (item.kind !== 'request') continue;
        conn.requests.push(item.msg);
        if (item.msg.method === 'SETUP') conn.setups.push(item.msg.headers.get('Transport') ?? '');
        const a = o.behaviour!(item.msg, conn);
        if (a === 'hang') continue;
        if (a === 'close') { socket.destroy(); return; }
        const headers = new RtspHeaders();
        headers.set('CSeq', item.msg.headers.get('CSeq') ?? '0');
        for (const [k, v] of Object.entries(a.headers ?? {})) headers.set(k, v);
        const body = typeof a.body === 'string' ? Buffer.from(a.body) : a.body ?? Buffer.alloc(0);
        if (!socket.destroyed) socket.write(serializeResponse({ statusCode: a.status, statusMessage: a.status === 200 ? 'OK' : 'Error', headers, body }));
      }
    });
  };
  const server: Server = o.tls ? createTlsServer({ key: o.tls.key, cert: o.tls.cert }, onConn) : createServer(onConn);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port, conns, accepted: () => accepted,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

/** Options of the camera behaviour. */
export interface CameraOptions {
  /** Transports the camera accepts; others get 461. */
  transports?: readonly ('udp' | 'tcp' | 'multicast')[];
  /** Credentials the camera requires, and how. */
  auth?: { scheme: 'basic' | 'digest'; user: string; pass: string };
  /** UDP: packets are sent only when true (a camera behind a firewall sends nothing). */
  sendsUdp?: boolean;
  /** Session header value of SETUP answers. */
  session?: string;
  /** Sends RTP over TCP/UDP every this many ms after PLAY (default 20). */
  packetEveryMs?: number;
  /** UDP socket the camera sends from (server_port), when it sends UDP. */
  udp?: UdpSocket;
  /** Methods the OPTIONS answer lists (Public). */
  publicMethods?: string;
  /** The server_port announced, when it is not the port of `udp`; `none` leaves it out. */
  announcedPort?: number | 'none';
}

const NONCE = '7e6d7b1c0b0a';

/**
 * A camera: OPTIONS, DESCRIBE (CAMERA_SDP), SETUP on the accepted transports, PLAY starting a stream of RTP packets
 * (both tracks, over TCP or UDP), TEARDOWN; with Basic or Digest when asked. Timers stop with the connection.
 */
export function cameraBehaviour(c: CameraOptions = {}): (req: RtspRequest, conn: FakeConn) => FakeAnswer {
  const allowed = c.transports ?? ['udp', 'tcp'];
  return (req, conn) => {
    if (c.auth && !authorized(req, c.auth)) {
      return { status: 401, headers: { 'WWW-Authenticate': c.auth.scheme === 'basic' ? 'Basic realm="cam"' : `Digest realm="cam", nonce="${NONCE}"` } };
    }
    switch (req.method) {
      case 'OPTIONS': return { status: 200, headers: { Public: c.publicMethods ?? 'OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN' } };
      case 'DESCRIBE': return { status: 200, headers: { 'Content-Type': 'application/sdp', 'Content-Base': `${req.url}/` }, body: CAMERA_SDP };
      case 'SETUP': return setup(req, c, allowed);
      case 'PLAY': startSending(conn, c); return { status: 200, headers: { Session: c.session ?? '12345678' } };
      case 'TEARDOWN': return { status: 200 };
      default: return { status: 200 };
    }
  };
}

function authorized(req: RtspRequest, a: NonNullable<CameraOptions['auth']>): boolean {
  const h = req.headers.get('Authorization');
  if (!h) return false;
  try {
    const p = parseAuthorization(h);
    if (a.scheme === 'basic') return p.scheme === 'basic' && p.user === a.user && p.pass === a.pass;
    return p.scheme === 'digest' && p.username === a.user
      && p.response === computeDigestResponse({ user: a.user, pass: a.pass, realm: p.realm, nonce: NONCE, method: req.method, uri: p.uri });
  } catch { return false; }
}

function setup(req: RtspRequest, c: CameraOptions, allowed: readonly string[]): FakeAnswer {
  const [t] = parseTransportHeader(req.headers.get('Transport') ?? '');
  const kind = t?.lowerTransport === 'tcp' ? 'tcp' : t?.delivery === 'multicast' ? 'multicast' : 'udp';
  if (!t || !allowed.includes(kind)) return { status: 461 };
  const session = c.session ?? '12345678';
  if (kind === 'tcp') return { status: 200, headers: { Session: session, Transport: `RTP/AVP/TCP;unicast;interleaved=${t.interleaved![0]}-${t.interleaved![1]}` } };
  const port = c.announcedPort ?? (c.udp ? c.udp.address().port : 9);
  const serverPort = port === 'none' ? '' : `;server_port=${port}-${port + 1}`;
  return { status: 200, headers: { Session: session, Transport: `RTP/AVP;unicast;client_port=${t.clientPorts![0]}-${t.clientPorts![1]}${serverPort}` } };
}

function startSending(conn: FakeConn, c: CameraOptions): void {
  let seq = 0;
  const timer = setInterval(() => {
    if (conn.socket.destroyed) { clearInterval(timer); return; }
    conn.setups.forEach((s, track) => {
      const [t] = parseTransportHeader(s);
      const pkt = fakeRtp(96 + track, seq);
      if (t?.lowerTransport === 'tcp') conn.socket.write(buildInterleavedFrame(t.interleaved![0], pkt));
      else if (c.sendsUdp && c.udp && t?.clientPorts) {
        try { c.udp.send(pkt, t.clientPorts[0], '127.0.0.1'); } catch { clearInterval(timer); } // the test closed the socket
      }
    });
    seq++;
  }, c.packetEveryMs ?? 20);
  conn.socket.on('close', () => clearInterval(timer));
}

/** Opens the UDP socket a camera sends from. */
export async function cameraUdpSocket(): Promise<UdpSocket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return s;
}
