import type { RtpPacket } from '../../formats/index.ts';
import { buildReceiverReport, ntpMiddle32, type RtcpSenderReport } from './rtcp-packets.ts';

// RFC 3550 §6.4.1: cumulative loss is a signed 24-bit field.
const MAX_TOTAL_LOST = 0x7fffff;

/** Options of an RtcpReceiver. */
export interface RtcpReceiverOptions {
  /** Clock rate of the media's RTP timestamps, for jitter. */
  readonly clockRate: number;
  /** SSRC the Receiver Reports are sent as. */
  readonly localSsrc: number;
}

/**
 * The receiving side of one RTP stream (one media), sans-I/O: tracks sequence numbers, loss and interarrival jitter
 * (RFC 3550 Appendix A.1, A.8) and the last Sender Report, and builds Receiver Reports with LSR/DLSR (§6.4.2).
 * A server uses it for publishers (some cameras stop sending without RRs), a client for what it reads.
 */
export class RtcpReceiver {
  private remoteSsrc = 0;
  private hasReceived = false;
  private baseSeq = 0;
  private maxSeq = 0;
  /** Sequence number cycles, already shifted: a multiple of 0x10000. */
  private cycles = 0;
  private received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private jitter = 0;
  private lastTransit: number | undefined;
  private lastSenderReport = 0;
  private lastSenderReportAt: number | undefined;
  private lost = 0;

  constructor(private readonly opts: RtcpReceiverOptions) {}

  /** Packets found missing from sequence gaps since the receiver was created. */
  get packetsLost(): number { return this.lost; }

  /** Packets received from the current source. */
  get packetsReceived(): number { return this.received; }

  /** Records an RTP packet that arrived at `nowMs`; returns how many packets its sequence number shows missing. */
  onRtp(p: Pick<RtpPacket, 'ssrc' | 'sequenceNumber' | 'timestamp'>, nowMs: number): number {
    let missing = 0;
    if (!this.hasReceived || p.ssrc !== this.remoteSsrc) {
      // A new source (or a restarted one): statistics start over (RFC 3550 A.1 init_seq).
      this.hasReceived = true;
      this.remoteSsrc = p.ssrc;
      this.baseSeq = this.maxSeq = p.sequenceNumber;
      this.cycles = this.received = this.expectedPrior = this.receivedPrior = this.jitter = 0;
      this.lastTransit = undefined;
    } else {
      const delta = (p.sequenceNumber - this.maxSeq + 0x10000) % 0x10000;
      // Ahead by less than half the sequence space: in order or after a gap. Anything else is late or duplicated.
      if (delta > 0 && delta < 0x8000) {
        if (p.sequenceNumber < this.maxSeq) this.cycles += 0x10000;
        missing = delta - 1;
        this.lost += missing;
        this.maxSeq = p.sequenceNumber;
      }
    }
    this.received++;
    // RFC 3550 A.8: jitter from the change of transit time, in timestamp units, smoothed by 1/16.
    const arrival = Math.round((nowMs * this.opts.clockRate) / 1000);
    const transit = (arrival - p.timestamp) | 0;
    if (this.lastTransit !== undefined) {
      const d = Math.abs((transit - this.lastTransit) | 0);
      this.jitter += (d - this.jitter) / 16;
    }
    this.lastTransit = transit;
    return missing;
  }

  /** Records a Sender Report from the source that arrived at `nowMs` (it feeds LSR/DLSR). */
  onSenderReport(sr: Pick<RtcpSenderReport, 'ntpSeconds' | 'ntpFraction'>, nowMs: number): void {
    this.lastSenderReport = ntpMiddle32(sr.ntpSeconds, sr.ntpFraction);
    this.lastSenderReportAt = nowMs;
  }

  /** The Receiver Report for `nowMs`, or undefined before the first packet; starts a new loss-fraction interval. */
  receiverReport(nowMs: number): Buffer | undefined {
    if (!this.hasReceived) return undefined;
    const highestSequence = this.cycles + this.maxSeq;
    const expected = highestSequence - this.baseSeq + 1;
    const totalLost = Math.max(0, Math.min(expected - this.received, MAX_TOTAL_LOST));
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.received - this.receivedPrior;
    this.expectedPrior = expected;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval <= 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
    const at = this.lastSenderReportAt;
    return buildReceiverReport({
      ssrc: this.opts.localSsrc,
      reports: [{
        ssrc: this.remoteSsrc, fractionLost, totalLost, highestSequence, jitter: Math.floor(this.jitter),
        lastSenderReport: this.lastSenderReport,
        // DLSR: 1/65536 s since that SR; 0 when none came.
        delaySinceLastSenderReport: at === undefined ? 0 : Math.floor(((nowMs - at) * 65536) / 1000),
      }],
    });
  }
}
