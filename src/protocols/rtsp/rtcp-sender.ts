import type { RtpPacket } from '../../formats/index.ts';
import { buildBye, buildSenderReport, ntpTimeOfUnixMs } from './rtcp-packets.ts';

/** What an RtcpSender counted so far. */
export interface RtcpSenderStats {
  readonly ssrc: number;
  readonly packetsSent: number;
  readonly octetsSent: number;
}

// A packet may be timed this much earlier than the reports' mapping says before the mapping moves toward it: units
// are timed by when they reached the server, which jitters (an AAC packet of 7 frames arrives 75 to 115 ms after its
// first frame's capture), and receivers such as FFmpeg re-base their timestamps on each report, so a mapping that
// followed the jitter would make their timestamps step back by it.
const EARLY_TOLERANCE_MS = 200;
// A packet timed this much later than the mapping says means the source's timestamps jumped or its clock runs slow:
// the mapping starts over from it (MediaMTX's NTP estimator allows 5 s too).
const LATE_LIMIT_MS = 5000;

/**
 * The RTP↔wall-clock mapping of one media's Sender Reports. Each RtcpSender has its own unless it is given one:
 * senders that share it (every reader of one stream's media, and a fan-out feed's reporter) report the same mapping,
 * so a reader whose reports come from another sender mid-stream (an RTSP reader moved to a fan-out shard) sees no step.
 * It follows the packets' units, whichever sender sees them and in any order: it only keeps or lowers its offset
 * within the jitter tolerance, or starts over after a jump.
 */
export class RtcpMapping {
  // RTP time `rtp` is wall-clock time `ntpMs` (Unix ms), once `isSet`. Two numbers, not an object: the mapping moves
  // with every packet of every reader, and an object per packet was measurable garbage at 200 readers.
  private rtp = 0;
  private ntpMs = 0;
  private set = false;

  constructor(readonly clockRate: number) {}

  /** True once a packet set the mapping. */
  get isSet(): boolean { return this.set; }

  /** The RTP time of wall-clock time `nowMs`, or undefined before the first packet. */
  rtpTimeAt(nowMs: number): number | undefined {
    if (!this.set) return undefined;
    return (this.rtp + Math.round(((nowMs - this.ntpMs) * this.clockRate) / 1000)) >>> 0;
  }

  /** Keeps the mapping while the packet's time agrees with it (within the jitter allowed), else moves it. */
  follow(rtp: number, ntpMs: number): void {
    if (this.set) {
      // RTP times are 32-bit: their difference is signed.
      const mappedMs = this.ntpMs + (((rtp - this.rtp) | 0) * 1000) / this.clockRate;
      const lateMs = ntpMs - mappedMs;
      this.rtp = rtp;
      if (lateMs > LATE_LIMIT_MS) this.ntpMs = ntpMs;
      // Only as far as the tolerance: a source whose clock runs fast moves the mapping in small steps.
      else if (lateMs < -EARLY_TOLERANCE_MS) this.ntpMs = ntpMs + EARLY_TOLERANCE_MS;
      // The same mapping, expressed at this packet, so that RTP differences stay well within 32 bits.
      else this.ntpMs = mappedMs;
      return;
    }
    this.rtp = rtp;
    this.ntpMs = ntpMs;
    this.set = true;
  }
}

/**
 * The sending side of one RTP stream (one media), sans-I/O: counts the packets sent and builds the Sender Report
 * (RFC 3550 §6.4.1) that lets the receiver map RTP time to wall clock, and the BYE (§6.6) that ends the stream.
 * A server uses it for readers, a client for what it publishes; the caller owns the timer and passes `nowMs` in.
 *
 * The reports' mapping comes from the packets' units (their RTP time and the wall-clock time the stream gave them),
 * not from when they are sent: a reader's queue and a publisher's interleaving (audio sent ahead of or behind its
 * video) would otherwise shift each track's mapping by a different and changing amount.
 */
export class RtcpSender {
  private ssrc = 0;
  private packets = 0;
  private octets = 0;
  private sent = false;
  private readonly mapping: RtcpMapping;

  /** `mapping`: shared with other senders of the same media (see RtcpMapping); by default the sender's own. */
  constructor(clockRate: number, mapping?: RtcpMapping) {
    this.mapping = mapping ?? new RtcpMapping(clockRate);
  }

  /** True once a packet was sent: before that there is nothing to report. */
  get hasSent(): boolean { return this.sent; }

  /** Counters, for the API. */
  get stats(): RtcpSenderStats { return { ssrc: this.ssrc, packetsSent: this.packets, octetsSent: this.octets }; }

  /**
   * Records one RTP packet sent at `nowMs`, whose unit's wall-clock time is `ntpMs` (the send time when the unit has
   * none). With `isAnchor` false (a video packet that may be reordered, such as a B-frame's) it is counted but does not
   * move the RTP↔wall-clock mapping of the reports: its RTP time is its PTS, which runs ahead of or behind its arrival
   * by a frame or two. The first packet always anchors (of a shared mapping: the first any of its senders sent).
   */
  onPacketSent(p: Pick<RtpPacket, 'ssrc' | 'timestamp' | 'payload'>, nowMs: number, ntpMs = nowMs, isAnchor = true): void {
    this.ssrc = p.ssrc;
    // RFC 3550 §6.4.1: both counts wrap at 32 bits.
    this.packets = (this.packets + 1) >>> 0;
    this.octets = (this.octets + p.payload.length) >>> 0;
    this.sent = true;
    if (isAnchor || !this.mapping.isSet) this.mapping.follow(p.timestamp, ntpMs);
  }

  /**
   * The SR for `nowMs`, or undefined before the first packet: the NTP time of now and the RTP time the mapping gives
   * it, so that both name the same instant.
   */
  senderReport(nowMs: number): Buffer | undefined {
    const rtpTime = this.mapping.rtpTimeAt(nowMs);
    if (!this.sent || rtpTime === undefined) return undefined;
    return buildSenderReport({
      ssrc: this.ssrc, ...ntpTimeOfUnixMs(nowMs), rtpTime, packetCount: this.packets, octetCount: this.octets, reports: [],
    });
  }

  /** A BYE for the stream's source, or undefined when nothing was sent. */
  bye(): Buffer | undefined {
    return this.sent ? buildBye([this.ssrc]) : undefined;
  }
}
