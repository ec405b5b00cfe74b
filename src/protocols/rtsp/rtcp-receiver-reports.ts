import { randomInt } from 'node:crypto';
import type { Media, RtpPacket } from '../../formats/index.ts';
import { RtcpParseError, parseRtcpPackets, type RtcpSenderReport } from './rtcp-packets.ts';
import { RtcpReceiver } from './rtcp-receiver.ts';

// Receiver reports go to the sender (an upstream camera, a publisher) this often: some cameras stop sending without
// them. gortsplib sends them as well.
const RR_PERIOD_MS = 5000;

/**
 * The receiving side of every media of one RTSP session, client (reading an upstream) or server (a publisher): one
 * RtcpReceiver per media and the timer that sends their Receiver Reports (RFC 3550 §6.4.2), with LSR/DLSR taken
 * from the sender's Sender Reports.
 */
export class RtcpReceiverReports {
  /** Per media index; none for a media without a format, whose RTP nobody can read. */
  private readonly receivers: (RtcpReceiver | undefined)[];
  private readonly timer: NodeJS.Timeout;

  constructor(medias: readonly Media[], private readonly send: (mediaIndex: number, pkt: Buffer) => void, periodMs = RR_PERIOD_MS) {
    // One SSRC for our reports on every media, as a receiver-only participant (RFC 3550 §8.1).
    const localSsrc = randomInt(1, 0xffffffff);
    // Jitter is in the media's RTP clock (RFC 3550 A.8): its first format's, the one a session's packets carry.
    this.receivers = medias.map((m) => {
      const format = m.formats[0];
      return format ? new RtcpReceiver({ clockRate: format.clockRate, localSsrc }) : undefined;
    });
    this.timer = setInterval(() => this.report(), periodMs);
    this.timer.unref();
  }

  /** Packets found missing from sequence gaps, over all medias. */
  get packetsLost(): number {
    return this.receivers.reduce((sum, r) => sum + (r?.packetsLost ?? 0), 0);
  }

  /** Records an RTP packet of media `i` that arrived at `nowMs`; returns how many packets its sequence number shows missing. */
  onRtp(i: number, p: RtpPacket, nowMs: number): number {
    return this.receivers[i]?.onRtp(p, nowMs) ?? 0;
  }

  /** Records an RTCP compound packet of media `i`: its first Sender Report feeds LSR/DLSR. */
  onRtcp(i: number, buf: Buffer, nowMs: number): void {
    const r = this.receivers[i];
    if (!r) return;
    const sr = firstSenderReport(buf);
    if (sr) r.onSenderReport(sr, nowMs);
  }

  /** Stops the timer. */
  close(): void { clearInterval(this.timer); }

  private report(): void {
    const now = Date.now();
    this.receivers.forEach((r, i) => {
      const rr = r?.receiverReport(now);
      if (rr) this.send(i, rr);
    });
  }
}

/** The first SR of a compound packet; undefined when there is none or the packet is malformed. */
function firstSenderReport(buf: Buffer): RtcpSenderReport | undefined {
  try {
    for (const p of parseRtcpPackets(buf)) if (p.type === 'sr') return p;
  } catch (err) {
    // Malformed RTCP only costs the sender LSR/DLSR in our reports; its media keeps flowing.
    if (!(err instanceof RtcpParseError)) throw err;
  }
  return undefined;
}
