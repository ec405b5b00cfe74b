import { randomInt } from 'node:crypto';
import type { Media, RtpPacket } from '../../formats/index.ts';
import { RtcpParseError, RtcpReceiver, parseRtcpPackets, type RtcpSenderReport } from '../../protocols/rtsp/index.ts';

// Receiver reports go to publishers this often; some cameras stop sending without them.
const RR_PERIOD_MS = 5000;

/** The timer around one RtcpReceiver per media of a publishing session: a Receiver Report every few seconds. */
export class RtcpRecordReporter {
  private readonly receivers: RtcpReceiver[];
  private readonly timer: NodeJS.Timeout;

  constructor(medias: readonly Media[], private readonly send: (mediaIndex: number, pkt: Buffer) => void) {
    // One SSRC for the session's reports on every media, as a receiver-only participant (RFC 3550 §8.1).
    const localSsrc = randomInt(1, 0xffffffff);
    this.receivers = medias.map((m) => new RtcpReceiver({ clockRate: m.formats[0]?.clockRate ?? 90000, localSsrc }));
    this.timer = setInterval(() => this.report(), RR_PERIOD_MS);
    this.timer.unref();
  }

  /** Packets found missing from sequence gaps, over all medias. */
  get packetsLost(): number {
    return this.receivers.reduce((sum, r) => sum + r.packetsLost, 0);
  }

  /** Records an RTP packet received on media `i`. */
  onRtp(i: number, p: RtpPacket, nowMs: number): void {
    this.receivers[i]?.onRtp(p, nowMs);
  }

  /** Records an RTCP compound packet from the publisher on media `i` (Sender Reports feed LSR/DLSR). */
  onRtcp(i: number, buf: Buffer, nowMs: number): void {
    const r = this.receivers[i];
    if (!r) return;
    const sr = firstSenderReport(buf);
    if (sr) r.onSenderReport(sr, nowMs);
  }

  private report(): void {
    const now = Date.now();
    this.receivers.forEach((r, i) => {
      const rr = r.receiverReport(now);
      if (rr) this.send(i, rr);
    });
  }

  /** Stops the timer. */
  close(): void { clearInterval(this.timer); }
}

/** The first SR of a compound packet; undefined when there is none or the packet is malformed. */
function firstSenderReport(buf: Buffer): RtcpSenderReport | undefined {
  try {
    for (const p of parseRtcpPackets(buf)) if (p.type === 'sr') return p;
  } catch (err) {
    // Malformed RTCP from a publisher only costs it LSR/DLSR in our reports; its media keeps flowing.
    if (!(err instanceof RtcpParseError)) throw err;
  }
  return undefined;
}
