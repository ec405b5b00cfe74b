import { ErrorCounter, type Logger } from '../../lib/index.ts';
import { RtpParseError, parseRtpPacket, type Description } from '../../formats/index.ts';
import { RtcpReceiverReports, type RtspClientUrl, type TransportKind } from '../../protocols/rtsp/index.ts';
import type { SubStream } from '../../stream/index.ts';
import { RtspClientConn } from './rtsp-client-conn.ts';
import { SwitchToTcpError, describeAndSetup, type SetupMedia, type SetupResult } from './rtsp-setup.ts';

// gortsplib's InitialUDPReadTimeout: in automatic mode, UDP that brought nothing by then is given up for TCP.
const INITIAL_UDP_TIMEOUT_MS = 3000;
// Keep-alive period when the server states no session timeout (gortsplib's default).
const DEFAULT_KEEPALIVE_MS = 30_000;

/** Options of one RTSP play session. */
export interface PlaySessionOptions {
  readonly target: RtspClientUrl;
  readonly kind: TransportKind;
  readonly isAutomatic: boolean;
  readonly anyPort: boolean;
  readonly fingerprint: string;
  readonly readTimeoutMs: number;
  readonly writeTimeoutMs: number;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Called at the first RTP packet: media flows, the path gets its stream. */
  readonly setReady: (desc: Description) => SubStream;
}

/** Per-media receive state. */
interface MediaState { readonly sm: SetupMedia; lastPacketAt: number }

/**
 * One connection's life of reading a stream: DESCRIBE, SETUP, PLAY, then RTP into the path's stream until the
 * server goes silent, closes, or the source is stopped (gortsplib's client in play mode). The path's stream is made
 * ready at the first RTP packet, so a transport that brings nothing never makes readers wait on an empty stream.
 */
export class RtspPlaySession {
  private readonly medias: MediaState[] = [];
  private readonly byChannel = new Map<number, { state: MediaState; isRtcp: boolean }>();
  private reports: RtcpReceiverReports | undefined;
  private sub: SubStream | undefined;
  private setup: SetupResult | undefined;
  private playAt = 0;
  private lastTcpFrameAt = 0;
  private hasReceived = false;
  private writeStuckSince: number | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private fail: (err: Error) => void = () => {};
  private readonly decodeErrors: ErrorCounter;
  private readonly losses: ErrorCounter;

  private constructor(private readonly conn: RtspClientConn, private readonly o: PlaySessionOptions) {
    this.decodeErrors = new ErrorCounter(o.log, 'RTP packets in error');
    this.losses = new ErrorCounter(o.log, 'RTP packet losses');
  }

  /** Runs a session; resolves when stopped, rejects with why it ended otherwise (SwitchToTcpError, RtspRedirectError…). */
  static async run(o: PlaySessionOptions): Promise<void> {
    const conn = await RtspClientConn.open({
      target: o.target, fingerprint: o.fingerprint, timeoutMs: o.readTimeoutMs, signal: o.signal, log: o.log,
      onFrame: (ch, payload) => session.onFrame(ch, payload),
    });
    const session: RtspPlaySession = new RtspPlaySession(conn, o);
    try {
      await session.play();
    } finally {
      session.close();
    }
  }

  private async play(): Promise<void> {
    const { o } = this;
    const failed = new Promise<never>((_, reject) => { this.fail = reject; });
    failed.catch(() => {}); // observed through the races below; a failure after the end must not be unhandled
    const onAbort = (): void => this.fail(new Error('source stopped'));
    if (o.signal.aborted) onAbort(); else o.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await this.exchange(failed);
    } catch (err) {
      if (o.signal.aborted) return; // stopped: not a failure
      throw err;
    } finally {
      o.signal.removeEventListener('abort', onAbort);
    }
  }

  /** DESCRIBE, SETUP, PLAY, then waits for the end; every step also ends when `failed` rejects. */
  private async exchange(failed: Promise<never>): Promise<void> {
    const { o, conn } = this;
    // A step left behind by a failure rejects when the connection closes: that rejection is expected.
    const step = <T>(p: Promise<T>): Promise<T> => { p.catch(() => {}); return Promise.race([p, failed, conn.closed.then((err): never => { throw err; })]); };
    this.setup = await step(describeAndSetup(conn, {
      url: o.target.url, kind: o.kind, isAutomatic: o.isAutomatic, anyPort: o.anyPort,
      onMedia: (sm) => this.addMedia(sm),
      udpHandlers: (i) => ({
        onRtp: (msg) => { const m = this.medias[i]; if (m) this.onRtp(m, msg); },
        onRtcp: (msg) => { const m = this.medias[i]; if (m) this.onRtcp(m, msg); },
        onError: (err) => this.fail(err),
      }),
    }));
    this.reports = new RtcpReceiverReports(this.setup.description.medias, (i, pkt) => this.sendRtcp(i, pkt));
    const res = await step(conn.request('PLAY', this.setup.baseUrl, { Range: 'npt=0.000-' }));
    if (res.statusCode !== 200) throw new Error(`PLAY failed: ${res.statusCode} ${res.statusMessage}`.trimEnd());
    this.playAt = this.lastTcpFrameAt = Date.now();
    this.startTimers();
    await step(new Promise<never>(() => {}));
  }

  private addMedia(sm: SetupMedia): void {
    const state: MediaState = { sm, lastPacketAt: 0 };
    this.medias[sm.index] = state;
    if (sm.transport.kind === 'tcp') {
      this.byChannel.set(sm.transport.rtpChannel, { state, isRtcp: false });
      this.byChannel.set(sm.transport.rtcpChannel, { state, isRtcp: true });
    }
  }

  private onFrame(channel: number, payload: Buffer): void {
    this.lastTcpFrameAt = Date.now();
    const ch = this.byChannel.get(channel);
    // Frames before PLAY (some servers send them early) and on channels nobody set up are ignored.
    if (!ch || this.playAt === 0) return;
    if (ch.isRtcp) this.onRtcp(ch.state, payload); else this.onRtp(ch.state, payload);
  }

  private onRtp(m: MediaState, msg: Buffer): void {
    if (this.playAt === 0 || !this.setup) return;
    const now = Date.now();
    m.lastPacketAt = now;
    let pkt;
    try {
      pkt = parseRtpPacket(msg);
    } catch (err) {
      if (!(err instanceof RtpParseError)) throw err;
      this.decodeErrors.add(err);
      return;
    }
    const { media } = m.sm;
    const format = media.formats.find((f) => f.payloadType === pkt.payloadType);
    if (!format) { this.decodeErrors.add(`received RTP packet with unknown payload type ${pkt.payloadType}`); return; }
    if (!this.sub) {
      this.hasReceived = true;
      this.sub = this.o.setReady(this.setup.description);
      this.o.log.info(`ready: ${this.setup.description.medias.length} ${this.setup.description.medias.length === 1 ? 'track' : 'tracks'} over ${this.o.kind.toUpperCase()}`);
    }
    const missing = this.reports?.onRtp(m.sm.index, pkt, now) ?? 0;
    if (missing > 0) this.losses.add(`${missing} RTP packets lost`);
    const error = this.sub.writeRtpPacket(media, format, pkt, new Date(now));
    if (error) this.decodeErrors.add(error);
  }

  private onRtcp(m: MediaState, msg: Buffer): void {
    if (this.playAt === 0) return;
    const now = Date.now();
    m.lastPacketAt = now;
    this.reports?.onRtcp(m.sm.index, msg, now);
  }

  private sendRtcp(i: number, pkt: Buffer): void {
    const t = this.medias[i]?.sm;
    if (!t) return;
    if (t.transport.kind === 'tcp') this.conn.writeFrame(t.transport.rtcpChannel, pkt);
    else t.udp?.sendRtcp(pkt);
  }

  private startTimers(): void {
    const { o } = this;
    const timeoutS = this.conn.sessionTimeoutS;
    // RFC 2326 §12.37: a request within the session timeout keeps the session; 80 % of it leaves room (gortsplib).
    const keepAliveMs = timeoutS !== undefined ? Math.max(1000, timeoutS * 800) : DEFAULT_KEEPALIVE_MS;
    const keepAlive = setInterval(() => this.conn.send(this.setup!.keepAliveMethod, this.setup!.baseUrl), keepAliveMs);
    const checkMs = Math.max(100, Math.min(1000, o.readTimeoutMs / 4));
    const check = setInterval(() => this.check(), checkMs);
    keepAlive.unref();
    check.unref();
    this.timers.push(keepAlive, check);
  }

  private check(): void {
    const now = Date.now();
    const { o } = this;
    const secs = `${o.readTimeoutMs / 1000}s`;
    if (this.conn.writableLength > 0) {
      this.writeStuckSince ??= now;
      if (now - this.writeStuckSince > o.writeTimeoutMs) { this.fail(new Error('write timeout')); return; }
    } else this.writeStuckSince = undefined;
    if (o.kind === 'tcp') {
      if (now - this.lastTcpFrameAt > o.readTimeoutMs) this.fail(new Error(`no data received in ${secs} (TCP timeout)`));
      return;
    }
    if (!this.hasReceived) {
      if (o.isAutomatic) {
        if (now - this.playAt > INITIAL_UDP_TIMEOUT_MS) this.fail(new SwitchToTcpError('no UDP packets received, switching to TCP'));
      } else if (now - this.playAt > o.readTimeoutMs) this.fail(new Error(`no UDP packets received in ${secs}`));
      return;
    }
    if (this.medias.every((m) => now - m.lastPacketAt > o.readTimeoutMs)) this.fail(new Error(`no UDP packets received in ${secs} (UDP timeout)`));
  }

  private close(): void {
    for (const t of this.timers.splice(0)) clearInterval(t);
    this.reports?.close();
    // Best effort, so that the server frees the session (and its UDP ports) now rather than at its timeout.
    const tearDown = this.setup !== undefined && this.conn.session !== undefined;
    if (tearDown) this.conn.send('TEARDOWN', this.setup!.baseUrl);
    for (const m of this.medias) m?.sm.udp?.close();
    this.conn.close(undefined, { flush: tearDown });
    this.decodeErrors.close();
    this.losses.close();
  }
}
