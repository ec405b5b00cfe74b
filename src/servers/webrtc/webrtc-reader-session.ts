import type { Logger } from '../../lib/index.ts';
import type { ParticipantInfo, Reader, ReaderLease } from '../../core/index.ts';
import type { Format, Media } from '../../formats/index.ts';
import { StreamReader } from '../../stream/index.ts';
import type { Negotiation } from '../../protocols/webrtc/index.ts';
import type { PeerState, WebRtcPeer } from './webrtc-peer.ts';
import { PeerLifecycle } from './peer-lifecycle.ts';
import { sessionInfo, type WebRtcConnInfo, type WebRtcSession } from './webrtc-session.ts';

/** Options of a WHEP session. */
export interface WebRtcReaderSessionOptions {
  id: string;
  remoteAddr: string;
  /** Makes the peer with the session's callbacks, once the offer is negotiated. */
  createPeer: (negotiation: Negotiation, onState: (s: PeerState) => void, onKeyframeRequest: () => void) => WebRtcPeer;
  /** Asks the path's publisher for a key frame, when it can be asked (a WebRTC publisher). */
  requestKeyframe: (pathName: string) => void;
  queueSize: number;
  handshakeTimeoutMs: number;
  log: Logger;
  onClose: (s: WebRtcReaderSession) => void;
}

/** Largest RTP packet sent to a viewer: 1,200 bytes of payload plus the 12-byte header, under any path MTU with SRTP and TURN overhead. */
export const WEBRTC_MAX_PACKET_BYTES = 1212;

/**
 * A viewer (WHEP, draft-ietf-wish-whep): once ICE and DTLS are up, it reads the stream from its GOP cache (the
 * picture shows at once, instead of at the next key frame) and then live. The stream packetizes each negotiated
 * track at ≤ 1,200-byte payloads (RFC 6184, RFC 7741, RFC 7587) once for every viewer (docs/performance.md,
 * "serialise once"); each viewer's peer numbers the packets itself, so its sequence stays continuous across the GOP
 * burst and the live units.
 */
export class WebRtcReaderSession implements WebRtcSession, Reader {
  readonly role = 'whep';
  readonly info: ParticipantInfo;
  readonly created = new Date();
  private peer_: WebRtcPeer | undefined;
  private negotiation: Negotiation | undefined;
  private lease: ReaderLease | undefined;
  private reader: StreamReader | undefined;
  private closed = false;
  private readonly lifecycle: PeerLifecycle;

  constructor(private readonly o: WebRtcReaderSessionOptions) {
    this.info = { type: 'webRTCConn', id: o.id };
    this.lifecycle = new PeerLifecycle({
      handshakeTimeoutMs: o.handshakeTimeoutMs, log: o.log, candidates: () => this.peer_?.candidates(), close: (err) => this.close(err),
      onConnected: () => { if (this.lease) this.startReading(); },
    });
  }

  get id(): string { return this.o.id; }
  get pathName(): string { return this.lease?.pathName ?? ''; }

  /** The peer, once start() made it. */
  get peer(): WebRtcPeer | undefined { return this.peer_; }

  /**
   * Takes the path's lease and the negotiated offer, makes the peer and returns its answer; reading starts once
   * the peer connects. The lease is released when the session closes (also when this throws).
   */
  async start(lease: ReaderLease, negotiation: Negotiation, offer: string): Promise<string> {
    if (this.closed) { lease.release(); throw new Error('terminated'); }
    this.lease = lease;
    this.negotiation = negotiation;
    for (const s of negotiation.skipped) this.o.log.info(`track ${s.format.encoding} left out: ${s.reason}`);
    this.peer_ = this.o.createPeer(negotiation, (s) => this.lifecycle.onState(s), () => this.o.requestKeyframe(lease.pathName));
    let answer: string;
    try {
      answer = await this.peer_.answer(offer);
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
      id: this.o.id, created: this.created, remoteAddr: this.o.remoteAddr, pathName: this.pathName, state: 'read',
      isConnected: this.lifecycle.isConnected, peer: this.peer_, outboundDiscarded: this.reader?.discarded ?? 0,
    });
  }

  close(reason: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.lifecycle.dispose();
    this.o.log.info(`closed: ${reason.message}`);
    if (this.reader && this.lease) { this.lease.stream.removeReader(this.reader); this.reader.close(); }
    this.lease?.release();
    void this.peer_?.close();
    this.o.onClose(this);
  }

  private startReading(): void {
    const lease = this.lease;
    const negotiation = this.negotiation;
    if (!lease || !negotiation || this.reader || this.closed) return;
    const reader = new StreamReader({
      queueSize: this.o.queueSize, log: this.o.log, entries: 'frames', rtp: { maxPacketSize: WEBRTC_MAX_PACKET_BYTES, fromPayloads: true },
      onError: (err) => this.close(err),
    });
    const hasVideo = negotiation.tracks.some((t) => t.kind === 'video');
    let started = !hasVideo;
    negotiation.tracks.forEach((t, i) => {
      if (!t.media || !t.format) return;
      this.register(reader, t.media, t.format, i, t.kind === 'video', () => started, () => { started = true; });
    });
    this.reader = reader;
    this.o.log.info(`is reading from path '${lease.pathName}', ${negotiation.tracks.length} ${negotiation.tracks.length === 1 ? 'track' : 'tracks'} (${negotiation.tracks.map((t) => t.format?.encoding ?? '').join(', ')})`);
    // The GOP cache first: a viewer decodes from the last key frame at once; without one, the publisher is asked.
    if (hasVideo && lease.stream.gopCacheSize.units === 0) this.o.requestKeyframe(lease.pathName);
    lease.stream.addReader(reader, { fromGop: true });
  }

  private register(reader: StreamReader, media: Media, format: Format, track: number, isVideo: boolean, isStarted: () => boolean, start: () => void): void {
    reader.onData(media, format, (u) => {
      if (u.payload === undefined) return;
      if (!isStarted()) {
        // A decoder starts at a key frame; audio waits for it too, so both begin together.
        if (!isVideo || !u.randomAccess) return;
        start();
      }
      for (const p of u.rtpPackets ?? []) this.peer_?.sendRtp(track, p);
    });
  }
}
