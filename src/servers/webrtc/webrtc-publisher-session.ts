import type { Logger } from '../../lib/index.ts';
import type { ParticipantInfo, Publisher, PublisherLease } from '../../core/index.ts';
import { parseRtpPacket, type Description, type Format, type Media } from '../../formats/index.ts';
import type { Negotiation } from '../../protocols/webrtc/index.ts';
import type { PeerState, WebRtcPeer } from './webrtc-peer.ts';
import { PeerLifecycle } from './peer-lifecycle.ts';
import { sessionInfo, type WebRtcConnInfo, type WebRtcSession } from './webrtc-session.ts';

// MediaMTX asks a WebRTC publisher for a key frame this often (browsers send one only at start or when asked), so
// readers joining later (RTSP, RTMP, HLS) and the GOP cache get one within 2 s.
const KEYFRAME_REQUEST_PERIOD_MS = 2000;
// Viewers' requests (PLI/FIR, a joining viewer with no GOP cached) reach the publisher at most this often.
const FORWARDED_REQUEST_MIN_INTERVAL_MS = 500;

/** Options of a WHIP session. */
export interface WebRtcPublisherSessionOptions {
  id: string;
  remoteAddr: string;
  negotiation: Negotiation;
  createPeer: (onState: (s: PeerState) => void, onRtp: (track: number, raw: Buffer) => void) => WebRtcPeer;
  handshakeTimeoutMs: number;
  /** No RTP for this long after connecting ends the session (readTimeout). */
  readTimeoutMs: number;
  log: Logger;
  onClose: (s: WebRtcPublisherSession) => void;
}

/** The stream description a WHIP offer makes: one media per received section, with the format it was restricted to. */
export function whipDescription(n: Negotiation): Description {
  return { medias: n.tracks.map((t): Media => ({ kind: t.kind, formats: [t.offered] })) };
}

/**
 * A browser or OBS publishing (WHIP, draft-ietf-wish-whip): the RTP it sends goes into the stream as received, which
 * decodes it once for RTSP, RTMP and HLS readers; video publishers are asked for a key frame (PLI, RFC 4585 §6.3.1)
 * every 2 s, as MediaMTX does.
 */
export class WebRtcPublisherSession implements WebRtcSession, Publisher {
  readonly role = 'whip';
  readonly info: ParticipantInfo;
  readonly created = new Date();
  readonly peer: WebRtcPeer;
  readonly description: Description;
  private lease: PublisherLease | undefined;
  private readonly lifecycle: PeerLifecycle;
  private closed = false;
  private lastRtpAt = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private errors = 0;
  private lastKeyframeRequestAt = 0;

  constructor(private readonly o: WebRtcPublisherSessionOptions) {
    this.info = { type: 'webRTCConn', id: o.id };
    this.description = whipDescription(o.negotiation);
    this.lifecycle = new PeerLifecycle({
      handshakeTimeoutMs: o.handshakeTimeoutMs, log: o.log, candidates: () => this.peer.candidates(), close: (err) => this.close(err),
      onConnected: () => { this.lastRtpAt = Date.now(); if (this.lease) this.begin(); },
    });
    this.peer = o.createPeer((s) => this.lifecycle.onState(s), (track, raw) => this.onRtp(track, raw));
  }

  private get isConnected(): boolean { return this.lifecycle.isConnected; }

  get id(): string { return this.o.id; }
  get pathName(): string { return this.lease?.pathName ?? ''; }

  /** Takes the path and answers the offer; the stream becomes ready once the peer connects. */
  async start(lease: PublisherLease, offer: string): Promise<string> {
    if (this.closed) { lease.release(); throw new Error('terminated'); }
    this.lease = lease;
    let answer: string;
    try {
      answer = await this.peer.answer(offer);
    } catch (err) {
      this.close(err as Error);
      throw err;
    }
    // Closed while the peer answered (kicked, path closed, server closing): no 201 for a session that is gone.
    if (this.closed) throw new Error('terminated');
    return answer;
  }

  /** Connection info for the API. */
  snapshot(): WebRtcConnInfo {
    return sessionInfo({
      id: this.o.id, created: this.created, remoteAddr: this.o.remoteAddr, pathName: this.pathName, state: 'publish',
      isConnected: this.isConnected, peer: this.peer,
    });
  }

  close(reason: Error): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.lifecycle.dispose();
    this.o.log.info(`closed: ${reason.message}`);
    this.lease?.release();
    void this.peer.close();
    this.o.onClose(this);
  }

  /**
   * A viewer needs a key frame (it sent PLI/FIR, RFC 4585 §6.3.1 / RFC 5104 §4.3.1, or joined with no GOP cached):
   * the publisher is asked for one, at most every 500 ms whatever the number of viewers.
   */
  requestKeyframe(): void {
    const now = Date.now();
    if (this.closed || !this.isConnected || now - this.lastKeyframeRequestAt < FORWARDED_REQUEST_MIN_INTERVAL_MS) return;
    this.lastKeyframeRequestAt = now;
    this.o.negotiation.tracks.forEach((t, i) => { if (t.kind === 'video') this.peer.requestKeyframe(i); });
  }

  private addTimer(t: NodeJS.Timeout): void { t.unref(); this.timers.push(t); }

  private begin(): void {
    const lease = this.lease;
    if (!lease || this.closed) return;
    lease.start();
    this.o.log.info(`is publishing to path '${lease.pathName}', ${this.o.negotiation.tracks.length} ${this.o.negotiation.tracks.length === 1 ? 'track' : 'tracks'} (${this.o.negotiation.tracks.map((t) => t.offered.encoding).join(', ')})`);
    const video = this.o.negotiation.tracks.flatMap((t, i) => (t.kind === 'video' ? [i] : []));
    this.addTimer(setInterval(() => {
      for (const i of video) this.peer.requestKeyframe(i);
      if (Date.now() - this.lastRtpAt > this.o.readTimeoutMs) this.close(new Error('no RTP packets received'));
    }, Math.min(KEYFRAME_REQUEST_PERIOD_MS, this.o.readTimeoutMs)));
  }

  private onRtp(track: number, raw: Buffer): void {
    const lease = this.lease;
    const media = this.description.medias[track];
    const format: Format | undefined = media?.formats[0];
    if (!lease || !media || !format || this.closed || !this.isConnected) return;
    this.lastRtpAt = Date.now();
    let err: Error | undefined;
    try {
      err = lease.subStream.writeRtpPacket(media, format, parseRtpPacket(raw), new Date());
    } catch (e) {
      err = e as Error;
    }
    // One line per 100 packets in error at most: a publisher with a broken encoder must not flood the log.
    if (err && this.errors++ % 100 === 0) this.o.log.warn(`${this.errors} RTP packets in error, last was: ${err.message}`);
  }
}
