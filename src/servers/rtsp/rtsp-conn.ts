import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { FrameBatchedSocket, normalizeIp, type Logger, type SharedJoin } from '../../lib/index.ts';
import {
  RtspConnReader, serializeResponse, sharedInterleavedFrame, sharedInterleavedFrames, type RtspRequest,
} from '../../protocols/rtsp/index.ts';
import type { AccessRequest, Action, Credentials } from '../../core/index.ts';
import type { RtpPacket } from '../../formats/index.ts';
import type { RtspSession } from './rtsp-session.ts';
import type { InterleavedWriter } from './rtsp-session-types.ts';
import { credentialsFromRequest } from './rtsp-credentials.ts';
import type { RtspConnContext, RtspRequestHandler } from './rtsp-conn-context.ts';
import type { RtspSessionOwner, RtspSessionRegistry } from './rtsp-session-registry.ts';
import { detachSocket, type RemoteSocket } from '../../fanout/index.ts';
import type { RtspShardSeat } from './rtsp-fanout.ts';

// gortsplib's IdleTimeout: a connection without a streaming session must send a whole request this often.
const IDLE_TIMEOUT_MS = 60_000;
// Unsent bytes above which a reader on a shard stops taking records, as RtspSession does here.
const SHARD_HIGH_WATER_BYTES = 4 * 1024 * 1024;
// How long an ending connection waits for its last bytes to go out before it closes anyway.
const END_WAIT_MS = 1000;

/** Options of a RtspConn. */
export interface RtspConnOptions {
  socket: Socket;
  secure: boolean;
  log: Logger;
  readTimeoutMs: number;
  /** Bounds a reader moved to a fan-out shard: closed when its socket does not drain for this long. */
  writeTimeoutMs?: number;
  /** readBufferCount: how far a reader on a fan-out shard may fall behind. */
  queueSize?: number;
  handler: RtspRequestHandler;
  /** The server's sessions: the connection's own are those it opened there. */
  sessions: RtspSessionRegistry;
  onClose: (conn: RtspConn) => void;
}

/**
 * One RTSP control connection: parses requests and interleaved frames, answers in order, carries TCP sessions and
 * enforces the idle and slowloris deadlines. What a request means is the handler's business, seen through RtspConnContext.
 */
export class RtspConn implements RtspConnContext, RtspSessionOwner, InterleavedWriter {
  readonly id = randomBytes(8).toString('hex');
  readonly created = new Date();
  readonly remoteIp: string;
  readonly remoteAddr: string;
  /** Digest nonce of this connection (RFC 2617 §3.2.1). */
  readonly nonce = randomBytes(16).toString('hex');
  readonly log: Logger;
  bytesReceived = 0;
  bytesSent = 0;
  /** The connection itself writes its TCP sessions' frames. */
  readonly interleaved: InterleavedWriter = this;
  private readonly reader = new RtspConnReader();
  private readonly batched: FrameBatchedSocket;
  /** When the last whole message (request or interleaved frame) arrived. */
  private lastMessageAt = Date.now();
  /** Since when part of a message has been waiting for the rest, with no message completed meanwhile. */
  private partialSince: number | undefined;
  /** Longest silence allowed between whole messages now (0 = none); see updateTimeout. */
  private idleTimeoutMs = IDLE_TIMEOUT_MS;
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  /** Set by end(): the connection is flushing its last bytes before it closes. */
  private ending = false;
  private closed = false;
  /** Set once a fan-out shard owns the socket: every write and close goes through it from then on. */
  private remote: RemoteSocket | undefined;

  constructor(private readonly opts: RtspConnOptions) {
    const s = opts.socket;
    this.remoteIp = normalizeIp(s.remoteAddress);
    this.remoteAddr = `${this.remoteIp}:${s.remotePort ?? 0}`;
    this.log = opts.log.child(`[conn ${this.remoteAddr}]`);
    this.log.info('opened');
    this.batched = new FrameBatchedSocket(s);
    s.setNoDelay(true);
    s.on('data', (chunk: Buffer) => this.onData(chunk));
    s.on('error', (err) => this.close(err));
    s.on('close', () => this.close());
  }

  get isSecure(): boolean { return this.opts.secure; }
  get writableLength(): number { return this.remote ? this.remote.writableLength : this.opts.socket.writableLength + this.batched.held; }
  holdWrites(join?: SharedJoin): void { if (!this.remote) this.batched.hold(join); }
  endBatch(isFrameEnd: boolean): void { if (!this.remote) this.batched.endBatch(isFrameEnd); }
  flushWrites(): void { this.batched.flush(); }
  onceDrain(cb: () => void): void { this.opts.socket.once('drain', cb); }

  /** Writes `$ channel length payload` (RFC 2326 §10.12), framed once per packet and shared by readers. */
  writeInterleaved(channel: number, payload: Buffer): void {
    if (this.closed) return;
    this.write(sharedInterleavedFrame(channel, payload));
  }

  /** Writes the frames of a unit's packets as one chunk, joined once per unit and shared by readers. */
  writeInterleavedPackets(channel: number, packets: readonly RtpPacket[]): void {
    if (this.closed) return;
    this.write(sharedInterleavedFrames(channel, packets));
  }

  /** True when the socket may move to a fan-out shard: plain RTSP, one session, no request being answered. */
  canMoveToShard(): boolean {
    return !this.opts.secure && !this.closed && !this.ending && !this.remote && this.pending === 0 && this.opts.sessions.ownedBy(this).size === 1;
  }

  /**
   * The reader has sent everything it had: the socket goes to the seat's shard, which writes the stream from
   * `seat.seq`. The connection stays here: it parses what the client sends (the shard forwards it) and answers
   * through the RemoteSocket, whose bytes the shard writes between whole records.
   */
  moveToShard(seat: RtspShardSeat, onBytes: (n: number) => void): RemoteSocket | undefined {
    if (this.closed || this.remote) { seat.release(); return undefined; }
    const s = this.opts.socket;
    this.batched.flush();
    const held = detachSocket(s); // read but not yet delivered: this process's to parse
    const remote = seat.adopt(s, {
      queueSize: this.opts.queueSize ?? 512, highWaterBytes: SHARD_HIGH_WATER_BYTES, writeTimeoutMs: this.opts.writeTimeoutMs ?? 10_000,
    });
    if (!remote) { this.close(new Error('moving the reader to a fan-out shard failed')); return undefined; }
    this.remote = remote;
    // The shard counts every byte it writes, this connection's own included: they are not counted here again.
    remote.onBytes = (n) => { this.bytesSent += n; onBytes(n); };
    remote.on('data', (d: Buffer) => this.onData(d));
    remote.on('error', (err: Error) => this.close(err));
    remote.on('close', () => this.close());
    for (const b of held) this.onData(b);
    return remote;
  }

  /**
   * Called when a session of this connection changes state: how long the connection may stay silent.
   * - a session recording over UDP: no limit. FFmpeg sends no RTSP keepalives while it records over UDP, and MediaMTX
   *   (gortsplib) lets such a connection be; the session ends when no RTP/RTCP arrives for readTimeout.
   * - a session recording over TCP: readTimeout between interleaved frames (gortsplib readFuncTCP).
   * - a session playing: no limit. TCP readers may stay silent (write pressure is watched instead) and UDP readers
   *   are timed out by their session (no request and no RTCP for the session timeout).
   * - otherwise: gortsplib's IdleTimeout, 60 s per whole request.
   */
  updateTimeout(): void {
    let ms = IDLE_TIMEOUT_MS;
    for (const s of this.opts.sessions.ownedBy(this)) {
      if (s.state === 'record' && s.transportKind === 'tcp') ms = this.opts.readTimeoutMs;
      else if (s.state === 'record' || s.state === 'play') { ms = 0; break; }
    }
    this.idleTimeoutMs = ms;
  }

  /**
   * Closes the connection when a deadline passed; the server calls it about once a second. A message that has begun
   * must be complete within readTimeout, so a client trickling a request byte by byte is cut off (slowloris,
   * docs/limits.md §RTSP), and between whole messages the limit of updateTimeout applies. Bytes alone never extend them.
   */
  checkDeadlines(now: number): void {
    if (this.closed) return;
    if (this.partialSince !== undefined && now - this.partialSince >= this.opts.readTimeoutMs) {
      this.close(new Error(`timed out: a request was still incomplete after ${this.opts.readTimeoutMs / 1000}s`));
    } else if (this.idleTimeoutMs > 0 && now - this.lastMessageAt >= this.idleTimeoutMs) {
      this.close(new Error(`timed out: no request received in ${this.idleTimeoutMs / 1000}s`));
    }
  }

  /** Builds the access request of `req` for `pathName`. */
  accessRequest(req: RtspRequest, pathName: string, query: string, action: Action): AccessRequest {
    const credentials: Credentials | undefined = credentialsFromRequest(req, this.nonce);
    return { pathName, query, protocol: this.opts.secure ? 'rtsps' : 'rtsp', action, ip: this.remoteIp, credentials, connId: this.id };
  }

  /** The session with this id, when this connection created it. */
  session(id: string): RtspSession | undefined { return this.opts.sessions.getOwned(this, id); }

  /** The most recently created session of this connection that is still open. */
  latestSession(): RtspSession | undefined { return this.opts.sessions.latestOf(this); }

  /** Creates a session owned by this connection; it closes with the connection. */
  createSession(): RtspSession { return this.opts.sessions.open(this); }

  /**
   * A session of this connection closed: one the path kicked takes the connection with it, as gortsplib does. So
   * does any end of a session whose socket is on a fan-out shard (TEARDOWN too, once its response is written): the
   * shard writes the feed until the socket closes.
   */
  onSessionClosed(_session: RtspSession, err: Error | undefined): void {
    if (err) this.end(err);
    else if (this.remote) this.queue = this.queue.then(() => this.end());
    else this.updateTimeout();
  }

  /** Flushes what was written (e.g. RTCP BYE), then closes; what the client sends meanwhile is ignored. */
  end(err?: Error): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    this.batched.flush();
    const out = this.remote ?? this.opts.socket;
    out.end();
    const t = setTimeout(() => this.close(err), END_WAIT_MS);
    t.unref();
    out.once('close', () => { clearTimeout(t); this.close(err); });
  }

  /** Closes the connection and every session it carries. */
  close(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.log.info(`closed${err ? `: ${err.message}` : ''}`);
    this.batched.flush();
    for (const s of [...this.opts.sessions.ownedBy(this)]) s.close();
    (this.remote ?? this.opts.socket).destroy();
    this.opts.onClose(this);
  }

  private onData(chunk: Buffer): void {
    this.bytesReceived += chunk.length;
    // Closing after the path ended the session: the client's RTCP or TEARDOWN still in flight is not its fault.
    if (this.ending) return;
    let items;
    try {
      items = this.reader.push(chunk);
    } catch (err) {
      this.close(err as Error);
      return;
    }
    const now = Date.now();
    if (items.length > 0) this.lastMessageAt = now;
    if (!this.reader.hasPartial) this.partialSince = undefined;
    else if (items.length > 0 || this.partialSince === undefined) this.partialSince = now;
    for (const item of items) {
      if (this.closed) return;
      if (item.kind === 'frame') this.onFrame(item.channel, item.payload);
      else if (item.kind === 'request') this.enqueue(item.msg);
      // Responses from clients (answers to our nothing) are ignored.
    }
  }

  private onFrame(channel: number, payload: Buffer): void {
    for (const s of this.opts.sessions.ownedBy(this)) {
      if (s.transportKind === 'tcp' && (s.state === 'play' || s.state === 'record')) {
        s.onInterleaved(channel, payload);
        return;
      }
    }
    // Interleaved data before PLAY/RECORD is a protocol violation (docs/limits.md §RTSP).
    this.close(new Error('received unexpected interleaved frame'));
  }

  private enqueue(req: RtspRequest): void {
    // Requests are answered strictly in order; a client flooding requests without reading is cut off.
    if (++this.pending > 64) { this.close(new Error('too many pending requests')); return; }
    this.queue = this.queue.then(() => this.handle(req)).catch((err: unknown) => this.close(err as Error)).finally(() => { this.pending--; });
  }

  private async handle(req: RtspRequest): Promise<void> {
    if (this.closed) return;
    if (this.log.enabled('debug')) this.log.debug(`[c->s] ${req.method} ${req.url}`);
    const cseq = req.headers.get('CSeq');
    const { response: res, afterSend } = await this.opts.handler.handle(this, req);
    if (this.closed) return;
    if (cseq !== undefined) res.headers.set('CSeq', cseq);
    res.headers.set('Server', 'mediamtx-ts');
    if (this.log.enabled('debug')) this.log.debug(`[s->c] ${res.statusCode} ${res.statusMessage}`);
    const bytes = serializeResponse(res);
    // A response never waits behind held media frames.
    this.batched.flush();
    this.write(bytes);
    this.updateTimeout();
    try {
      afterSend?.();
    } catch (err) {
      this.close(err as Error);
    }
  }

  /** Writes to the client: on the socket, or once moved through the shard (which counts the bytes it writes). */
  private write(b: Buffer): void {
    if (this.remote) { this.remote.write(b); return; }
    this.batched.write(b);
    this.bytesSent += b.length;
  }
}
