import { connect, type Socket } from 'node:net';

/** Minimal RTSP/TCP client for tests: requests, interleaved frames, and a log of what came back. */
export class RawRtspClient {
  private buf = Buffer.alloc(0);
  private cseq = 0;
  private waiters: ((r: { status: number; headers: Map<string, string>; body: string }) => void)[] = [];
  readonly frames: { channel: number; payload: Buffer }[] = [];
  /** frames.length when the latest response was read: the frames before it in the byte stream. */
  framesBeforeResponse = 0;
  closed = false;
  onFrame?: (channel: number, payload: Buffer) => void;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('close', () => { this.closed = true; });
    socket.on('error', () => { this.closed = true; });
  }

  /** Connects to 127.0.0.1:port. */
  static connect(port: number): Promise<RawRtspClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawRtspClient(s)));
      s.once('error', reject);
    });
  }

  /** Sends a request and waits for its response. */
  request(method: string, url: string, headers: Record<string, string> = {}, body = ''): Promise<{ status: number; headers: Map<string, string>; body: string }> {
    const lines = [`${method} ${url} RTSP/1.0`, `CSeq: ${++this.cseq}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    this.socket.write(lines.join('\r\n') + '\r\n\r\n' + body);
    return new Promise((resolve, reject) => {
      this.waiters.push(resolve);
      const t = setTimeout(() => reject(new Error(`no response to ${method} ${url} within 5 s${this.closed ? ' (connection closed)' : ''}`)), 5000);
      t.unref();
    });
  }

  /** Sends an interleaved frame. */
  sendFrame(channel: number, payload: Buffer): void {
    const h = Buffer.from([0x24, channel, payload.length >> 8, payload.length & 0xff]);
    this.socket.write(Buffer.concat([h, payload]));
  }

  close(): void { this.socket.destroy(); }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      if (this.buf.length === 0) return;
      if (this.buf[0] === 0x24) {
        if (this.buf.length < 4) return;
        const len = this.buf.readUInt16BE(2);
        if (this.buf.length < 4 + len) return;
        const f = { channel: this.buf[1]!, payload: this.buf.subarray(4, 4 + len) };
        this.buf = this.buf.subarray(4 + len);
        if (this.onFrame) this.onFrame(f.channel, f.payload); else this.frames.push(f);
        continue;
      }
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buf.subarray(0, end).toString().split('\r\n');
      const headers = new Map<string, string>();
      for (const l of head.slice(1)) { const i = l.indexOf(':'); headers.set(l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()); }
      const len = Number(headers.get('content-length') ?? 0);
      if (this.buf.length < end + 4 + len) return;
      const body = this.buf.subarray(end + 4, end + 4 + len).toString();
      this.buf = this.buf.subarray(end + 4 + len);
      this.framesBeforeResponse = this.frames.length;
      this.waiters.shift()?.({ status: Number(head[0]!.split(' ')[1]), headers, body });
    }
  }
}

/** An SDP with one H264 media, as a publisher would announce it. */
export const H264_SDP = 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=test\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1\r\na=control:trackID=0\r\n';

/** An RTP packet with the given sequence number and a small payload. */
export function rtpPacket(seq: number, size = 200): Buffer {
  const b = Buffer.alloc(12 + size, 0x41);
  b[0] = 0x80; b[1] = 96;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE((seq * 3000) >>> 0, 4);
  b.writeUInt32BE(0x1234, 8);
  b[12] = 0x01; // non-IDR NAL unit type
  return b;
}

/** Publishes over RTSP/TCP; returns the client and a function sending the next packet. */
export async function rawPublish(port: number, path: string): Promise<{ client: RawRtspClient; send: (seq: number) => void }> {
  const c = await RawRtspClient.connect(port);
  const url = `rtsp://127.0.0.1:${port}/${path}`;
  const a = await c.request('ANNOUNCE', url, { 'Content-Type': 'application/sdp' }, H264_SDP);
  if (a.status !== 200) throw new Error(`ANNOUNCE ${url}: ${a.status} ${a.body}`);
  const session = a.headers.get('session')!.split(';')[0]!;
  const s = await c.request('SETUP', `${url}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1;mode=record', Session: session });
  if (s.status !== 200) throw new Error(`SETUP ${url}: ${s.status} ${s.body}`);
  const r = await c.request('RECORD', url, { Session: session });
  if (r.status !== 200) throw new Error(`RECORD ${url}: ${r.status} ${r.body}`);
  return { client: c, send: (seq) => c.sendFrame(0, rtpPacket(seq)) };
}

/** Reads over RTSP/TCP (`headers` added to each request, e.g. Authorization); returns the client whose frames arrive in `onFrame`. */
export async function rawRead(port: number, path: string, headers: Record<string, string> = {}): Promise<RawRtspClient> {
  const c = await RawRtspClient.connect(port);
  const url = `rtsp://127.0.0.1:${port}/${path}`;
  const d = await c.request('DESCRIBE', url, { Accept: 'application/sdp', ...headers });
  if (d.status !== 200) throw new Error(`DESCRIBE ${url}: ${d.status} ${d.body}`);
  const s = await c.request('SETUP', `${url}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1', ...headers });
  if (s.status !== 200) throw new Error(`SETUP ${url}: ${s.status} ${s.body}`);
  const session = s.headers.get('session')!.split(';')[0]!;
  const p = await c.request('PLAY', url, { Session: session, ...headers });
  if (p.status !== 200) throw new Error(`PLAY ${url}: ${p.status} ${p.body}`);
  return c;
}
