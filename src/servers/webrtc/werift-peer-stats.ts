import type { RTCDtlsTransport, RTCRtpReceiver, RTCRtpSender, RtcpPacket } from 'werift';
import { RtpReceptionStats } from './rtp-reception-stats.ts';
import type { WebRtcPeerStats } from './webrtc-peer.ts';

// RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1) and feedback message types (FMT, RFC 4585 §6.2-6.3, RFC 5104
// §4.3.1). Matched by number rather than by werift's classes: its ESM bundle does not export them all (FIR).
const SR = 200;
const RR = 201;
const RTPFB = 205;
const PSFB = 206;
const FMT_NACK = 1;
const FMT_PLI = 1;
const FMT_FIR = 4;

/** The cumulative number lost of a report block (RFC 3550 §6.4.1: 24-bit signed; werift reads it unsigned). */
export function reportedLost(field: number): number {
  const signed = field & 0x800000 ? field - 0x1000000 : field;
  // Negative when duplicates outnumber losses: nothing was lost.
  return Math.max(0, signed);
}

/** A received track's sources: the current one, and the totals of those before it (a sender that changed SSRC). */
interface InboundTrack { ssrc: number; stats: RtpReceptionStats; receivedBefore: number; lostBefore: number }

/**
 * The counts of one werift peer (WebRtcPeerStats). werift answers NACKs (from its own send history), sends receiver
 * and sender reports and NACKs by itself; this watches its transports and feedback events, and counts the RTP the
 * peer hands over.
 */
export class WeriftPeerStats {
  private rtpPacketsSent = 0;
  private rtcpPacketsSent = 0;
  private rtcpPacketsReceived = 0;
  private nacksReceived = 0;
  private nacksSent = 0;
  private plisReceived = 0;
  private plisSent = 0;
  private firsReceived = 0;
  private readonly inbound = new Map<number, InboundTrack>();
  /** Track of each of our sending SSRCs. */
  private readonly senderTracks = new Map<number, number>();
  private readonly senders: RTCRtpSender[] = [];
  /** Latest report block about each of our sending SSRCs. */
  private readonly reports = new Map<number, { lost: number; jitter: number }>();
  private readonly transports = new Set<RTCDtlsTransport>();

  /**
   * `onKeyframeRequest`: the remote asked for a key frame on a sent track (PLI or FIR). Taken from here rather than
   * from werift's sender: werift passes no FIR on, and routes a PLI by its sender SSRC first, so a PLI from a werift
   * viewer (whose receiver reports come from the SSRC it announced) lands on the receiver and is lost.
   */
  constructor(private readonly onKeyframeRequest: (track: number) => void) {}

  /** Counts the RTCP a transport receives and sends (every track of a bundle shares one). */
  watchTransport(dtls: RTCDtlsTransport): void {
    if (this.transports.has(dtls)) return;
    this.transports.add(dtls);
    dtls.onRtcp.subscribe((p) => this.onRtcp(p));
    // werift has no event for outgoing RTCP: this instance's method is wrapped (the library is left as it is), so
    // its report, NACK and PLI writers, which all send through the transport, are counted.
    const send = dtls.sendRtcp.bind(dtls);
    dtls.sendRtcp = (packets: RtcpPacket[]) => { this.rtcpPacketsSent += packets.length; return send(packets); };
  }

  /** Watches the sender of sent track `track` (its SSRC, for the feedback about it). */
  watchSender(track: number, sender: RTCRtpSender): void {
    this.senderTracks.set(sender.ssrc, track);
    this.senders.push(sender);
  }

  /** Counts the NACKs werift sends about a received track. */
  watchReceiver(receiver: RTCRtpReceiver): void {
    receiver.onPacketLost.subscribe(() => { this.nacksSent++; });
  }

  /** An RTP packet was handed to the stack to send. */
  countSent(): void { this.rtpPacketsSent++; }

  /** A PLI was sent. */
  countPliSent(): void { this.plisSent++; }

  /** An RTP packet arrived on received track `track`, whose clock runs at `clockRate`. */
  countReceived(track: number, ssrc: number, seq: number, timestamp: number, clockRate: number): void {
    let t = this.inbound.get(track);
    if (!t || t.ssrc !== ssrc) {
      const before = t ? { receivedBefore: t.receivedBefore + t.stats.received, lostBefore: t.lostBefore + t.stats.lost } : { receivedBefore: 0, lostBefore: 0 };
      t = { ssrc, stats: new RtpReceptionStats(clockRate), ...before };
      this.inbound.set(track, t);
    }
    t.stats.update(seq, timestamp, performance.now());
  }

  /** The counts now. */
  snapshot(): WebRtcPeerStats {
    const inbound = [...this.inbound.values()];
    const reports = [...this.reports.values()];
    return {
      rtpPacketsSent: this.rtpPacketsSent,
      rtpPacketsReceived: sum(inbound.map((t) => t.receivedBefore + t.stats.received)),
      rtpPacketsLost: sum(inbound.map((t) => t.lostBefore + t.stats.lost)),
      rtpPacketsJitter: mean(inbound.map((t) => t.stats.jitter)),
      rtpPacketsReportedLost: sum(reports.map((r) => r.lost)),
      rtpPacketsReportedJitter: mean(reports.map((r) => r.jitter)),
      // Kept by werift's sender, which declares it private; read defensively so a werift without it reads 0.
      rtpPacketsRetransmitted: sum(this.senders.map((s) => {
        const n = (s as unknown as { retransmittedPacketsSent?: unknown }).retransmittedPacketsSent;
        return typeof n === 'number' ? n : 0;
      })),
      rtcpPacketsSent: this.rtcpPacketsSent, rtcpPacketsReceived: this.rtcpPacketsReceived,
      nacksReceived: this.nacksReceived, nacksSent: this.nacksSent, plisReceived: this.plisReceived, plisSent: this.plisSent,
      firsReceived: this.firsReceived,
    };
  }

  private onRtcp(p: RtcpPacket): void {
    this.rtcpPacketsReceived++;
    if (p.type === SR || p.type === RR) {
      for (const r of p.reports) if (this.senderTracks.has(r.ssrc)) this.reports.set(r.ssrc, { lost: reportedLost(r.packetsLost), jitter: r.jitter });
    } else if (p.type === RTPFB) {
      const f = p.feedback as typeof p.feedback | undefined; // undefined for a kind werift does not know
      if (f?.count === FMT_NACK && 'mediaSourceSsrc' in f && this.senderTracks.has(f.mediaSourceSsrc)) this.nacksReceived++;
    } else if (p.type === PSFB) {
      const f = p.feedback as typeof p.feedback | undefined;
      const pliTrack = f?.count === FMT_PLI && 'mediaSsrc' in f ? this.senderTracks.get(f.mediaSsrc) : undefined;
      if (pliTrack !== undefined) { this.plisReceived++; this.onKeyframeRequest(pliTrack); }
      if (f?.count === FMT_FIR && 'fir' in f) {
        // RFC 5104 §4.3.1: the media SSRC field is 0, the SSRCs asked for are in the FCI entries.
        const tracks = new Set(f.fir.flatMap((e) => { const t = this.senderTracks.get(e.ssrc); return t === undefined ? [] : [t]; }));
        if (tracks.size > 0) this.firsReceived++;
        for (const t of tracks) this.onKeyframeRequest(t);
      }
    }
  }
}

function sum(xs: readonly number[]): number { return xs.reduce((a, b) => a + b, 0); }
function mean(xs: readonly number[]): number { return xs.length === 0 ? 0 : sum(xs) / xs.length; }
