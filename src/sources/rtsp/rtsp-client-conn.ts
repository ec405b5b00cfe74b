import type { Socket } from 'node:net';
import type { Logger } from '../../lib/index.ts';
import {
  RtspConnReader, RtspCredentialsSender, RtspHeaders, RtspParseError, buildInterleavedFrame, parseSessionHeader, serializeRequest,
  type RtspClientUrl, type RtspResponse,
} from '../../protocols/rtsp/index.ts';
import { connectSourceSocket } from '../source-socket.ts';

/** How long a closing connection may take to send its last request (TEARDOWN) before it is destroyed. */
const FLUSH_GRACE_MS = 1000;

// What requests announce (RFC 2326 §12.41); cameras sometimes log it.
const USER_AGENT = 'mediamtx-ts';
// Requests awaiting an answer at once: the client sends one at a time, plus fire-and-forget keep-alives.
const MAX_PENDING = 8;

/** Options of an RtspClientConn. */
export interface RtspClientConnOptions {
  readonly target: RtspClientUrl;
  /** `sourceFingerprint` (rtsps://). */
  readonly fingerprint: string;
  /** readTimeout: connecting, and waiting for each answer. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** An interleaved frame (RFC 2326 §10.12); `payload` is a view into the received bytes. */
  onFrame(channel: number, payload: Buffer): void;
}

interface Pending { readonly resolve: (r: RtspResponse) => void; readonly reject: (e: Error) => void; readonly timer: NodeJS.Timeout }

/**
 * The client end of one RTSP connection: requests with CSeq, Session and credentials (a 401 is answered once with
 * the URL's user and password, Basic or Digest as the server asks), answers matched by CSeq within readTimeout,
 * interleaved frames handed on. Any protocol violation, timeout or close ends it; `closed` then says why.
 */
export class RtspClientConn {
  /** Session id once a SETUP answer gave one (RFC 2326 §12.37). */
  session: string | undefined;
  /** Session timeout the server stated, in seconds. */
  sessionTimeoutS: number | undefined;
  /** Resolves with the reason once the connection is gone (never rejects). */
  readonly closed: Promise<Error>;
  private cseq = 0;
  private sender: RtspCredentialsSender | undefined;
  private readonly reader = new RtspConnReader();
  private readonly pending = new Map<number, Pending>();
  private isClosed = false;
  private resolveClosed!: (e: Error) => void;

  private constructor(private readonly socket: Socket, private readonly o: RtspClientConnOptions) {
    this.closed = new Promise((r) => { this.resolveClosed = r; });
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (err) => this.close(err));
    socket.on('close', () => this.close(new Error('the server closed the connection')));
  }

  /** Connects (TLS for rtsps://, with the fingerprint check) within readTimeout; `signal` aborts the connect only. */
  static async open(o: RtspClientConnOptions): Promise<RtspClientConn> {
    const socket = await connectSourceSocket({
      host: o.target.host, port: o.target.port, isSecure: o.target.isSecure, fingerprint: o.fingerprint, timeoutMs: o.timeoutMs, signal: o.signal,
    });
    return new RtspClientConn(socket, o);
  }

  /** Our address on the connection: multicast is joined on the interface that reaches the server. */
  get localAddress(): string { return this.socket.localAddress ?? '0.0.0.0'; }
  /** The server's address: media must come from it. */
  get remoteAddress(): string { return this.socket.remoteAddress ?? ''; }
  /** Bytes the socket could not send yet. */
  get writableLength(): number { return this.socket.writableLength; }

  /** Sends a request and waits for its answer (a 401 is retried once with credentials). */
  async request(method: string, url: string, headers: Readonly<Record<string, string>> = {}): Promise<RtspResponse> {
    let res = await this.roundTrip(method, url, headers);
    const creds = this.o.target.credentials;
    if (res.statusCode === 401 && creds && !this.sender) {
      try {
        this.sender = RtspCredentialsSender.fromChallenges(res.headers.getAll('WWW-Authenticate'), creds.user, creds.pass);
      } catch (err) {
        if (!(err instanceof RtspParseError)) throw err;
        throw new Error(`invalid authentication challenge: ${err.message}`);
      }
      if (!this.sender) throw new Error('the server asks for an authentication scheme this client does not know');
      res = await this.roundTrip(method, url, headers);
    }
    return res;
  }

  /** Sends a request whose answer does not matter (keep-alive, TEARDOWN); the answer is read and dropped. */
  send(method: string, url: string, headers: Readonly<Record<string, string>> = {}): void {
    if (!this.isClosed) this.socket.write(this.serialize(method, url, headers));
  }

  /** Sends an interleaved frame (RTCP receiver reports over TCP). */
  writeFrame(channel: number, payload: Buffer): void {
    if (!this.isClosed) this.socket.write(buildInterleavedFrame(channel, payload));
  }

  /**
   * Closes the connection and fails pending requests with `err`; idempotent. With `flush`, what was written (a
   * TEARDOWN) still leaves: the socket is ended, and destroyed at once only if it does not finish within a second.
   */
  close(err: Error = new Error('connection closed'), o: { flush?: boolean } = {}): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const p of this.pending.values()) { clearTimeout(p.timer); p.reject(err); }
    this.pending.clear();
    if (o.flush && !this.socket.destroyed) {
      // destroy() would drop bytes still queued in the socket, which a busy machine can leave there.
      this.socket.end();
      setTimeout(() => this.socket.destroy(), FLUSH_GRACE_MS).unref();
    } else {
      this.socket.destroy();
    }
    this.resolveClosed(err);
  }

  private serialize(method: string, url: string, extra: Readonly<Record<string, string>>): Buffer {
    const headers = new RtspHeaders();
    headers.set('CSeq', String(++this.cseq));
    for (const [k, v] of Object.entries(extra)) headers.set(k, v);
    if (this.session !== undefined) headers.set('Session', this.session);
    headers.set('User-Agent', USER_AGENT);
    if (this.sender) headers.set('Authorization', this.sender.authorization(method, url));
    return serializeRequest({ method, url, headers, body: Buffer.alloc(0) });
  }

  private roundTrip(method: string, url: string, headers: Readonly<Record<string, string>>): Promise<RtspResponse> {
    if (this.isClosed) return Promise.reject(new Error('connection closed'));
    if (this.pending.size >= MAX_PENDING) return Promise.reject(new Error('too many requests in flight'));
    const bytes = this.serialize(method, url, headers);
    const cseq = this.cseq;
    return new Promise<RtspResponse>((resolve, reject) => {
      const timer = setTimeout(() => this.close(new Error(`no answer to ${method} within ${this.o.timeoutMs / 1000}s`)), this.o.timeoutMs);
      this.pending.set(cseq, { resolve, reject, timer });
      this.socket.write(bytes);
    });
  }

  private onData(chunk: Buffer): void {
    let items;
    try {
      items = this.reader.push(chunk);
    } catch (err) {
      if (!(err instanceof RtspParseError)) throw err;
      this.close(new Error(`invalid data from the server: ${err.message}`));
      return;
    }
    for (const item of items) {
      if (this.isClosed) return;
      // Requests from the server (some send GET_PARAMETER or ANNOUNCE) need nothing from a client that only reads.
      if (item.kind === 'frame') this.o.onFrame(item.channel, item.payload);
      else if (item.kind === 'response') this.onResponse(item.msg);
    }
  }

  private onResponse(res: RtspResponse): void {
    const cseq = Number(res.headers.get('CSeq'));
    const p = this.pending.get(cseq);
    // Answers to fire-and-forget requests (keep-alives) and strays are dropped.
    if (!p) return;
    this.pending.delete(cseq);
    clearTimeout(p.timer);
    const session = res.headers.get('Session');
    if (session !== undefined && res.statusCode >= 200 && res.statusCode < 300) {
      try {
        const s = parseSessionHeader(session);
        this.session = s.id;
        if (s.timeoutS !== undefined && s.timeoutS > 0) this.sessionTimeoutS = s.timeoutS;
      } catch (err) {
        if (!(err instanceof RtspParseError)) throw err;
        p.reject(new Error(err.message));
        return;
      }
    }
    p.resolve(res);
  }
}
