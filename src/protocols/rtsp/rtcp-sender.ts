import type { RtpPacket } from '../../formats/index.ts';
import { buildBye, buildSenderReport, ntpTimeOfUnixMs } from './rtcp-packets.ts';

/** What an RtcpSender counted so far. */
export interface RtcpSenderStats {
  readonly ssrc: number;
  readonly packetsSent: number;
  readonly octetsSent: number;
}

/**
 * The sending side of one RTP stream (one media), sans-I/O: counts the packets sent and builds the Sender Report
 * (RFC 3550 §6.4.1) that lets the receiver map RTP time to wall clock, and the BYE (§6.6) that ends the stream.
 * A server uses it for readers, a client for what it publishes; the caller owns the timer and passes `nowMs` in.
 */
export class RtcpSender {
  private ssrc = 0;
  private packets = 0;
  private octets = 0;
  private lastTimestamp = 0;
  private lastSentAt = 0;
  private hasSentAny = false;

  constructor(private readonly clockRate: number) {}

  /** True once a packet was sent: before that there is nothing to report. */
  get hasSent(): boolean { return this.hasSentAny; }

  /** Counters, for the API. */
  get stats(): RtcpSenderStats { return { ssrc: this.ssrc, packetsSent: this.packets, octetsSent: this.octets }; }

  /**
   * Records one RTP packet sent at `nowMs`. With `isAnchor` false (a video packet that may be reordered, such as a
   * B-frame's) it is counted but does not move the RTP↔wall-clock anchor of the reports: its RTP time is its PTS,
   * which runs ahead of or behind its sending by a frame or two, and receivers such as FFmpeg re-base their
   * timestamps on each report, so an anchor on it makes their timestamps step back. The first packet always anchors.
   */
  onPacketSent(p: Pick<RtpPacket, 'ssrc' | 'timestamp' | 'payload'>, nowMs: number, isAnchor = true): void {
    this.ssrc = p.ssrc;
    // RFC 3550 §6.4.1: both counts wrap at 32 bits.
    this.packets = (this.packets + 1) >>> 0;
    this.octets = (this.octets + p.payload.length) >>> 0;
    if (isAnchor || !this.hasSentAny) {
      this.lastTimestamp = p.timestamp;
      this.lastSentAt = nowMs;
    }
    this.hasSentAny = true;
  }

  /**
   * The SR for `nowMs`, or undefined before the first packet. Its RTP time is the anchor packet's, advanced by the
   * wall time since it was sent, so that NTP and RTP time name the same instant.
   */
  senderReport(nowMs: number): Buffer | undefined {
    if (!this.hasSentAny) return undefined;
    const rtpTime = (this.lastTimestamp + Math.round(((nowMs - this.lastSentAt) * this.clockRate) / 1000)) >>> 0;
    return buildSenderReport({
      ssrc: this.ssrc, ...ntpTimeOfUnixMs(nowMs), rtpTime, packetCount: this.packets, octetCount: this.octets, reports: [],
    });
  }

  /** A BYE for the stream's source, or undefined when nothing was sent. */
  bye(): Buffer | undefined {
    return this.hasSentAny ? buildBye([this.ssrc]) : undefined;
  }
}
