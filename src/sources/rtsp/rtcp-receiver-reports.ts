import { randomInt } from 'node:crypto';
import type { Media, RtpPacket } from '../../formats/index.ts';
import { RtcpParseError, RtcpReceiver, parseRtcpPackets } from '../../protocols/rtsp/index.ts';

// Receiver reports go upstream this often; some cameras stop sending without them (gortsplib sends them too).
const RR_PERIOD_MS = 5000;

/**
 * One RtcpReceiver per media read from an upstream and the timer that sends their Receiver Reports (RFC 3550
 * §6.4.2), with LSR/DLSR from the upstream's Sender Reports.
 */
export class RtcpReceiverReports {
  private readonly receivers: RtcpReceiver[];
  private readonly timer: NodeJS.Timeout;

  constructor(medias: readonly Media[], private readonly send: (mediaIndex: number, pkt: Buffer) => void, periodMs = RR_PERIOD_MS) {
    // One SSRC for our reports on every media, as a receiver-only participant (RFC 3550 §8.1).
    const localSsrc = randomInt(1, 0xffffffff);
    this.receivers = medias.map((m) => new RtcpReceiver({ clockRate: m.formats[0]?.clockRate ?? 90000, localSsrc }));
    this.timer = setInterval(() => this.report(), periodMs);
    this.timer.unref();
  }

  /** Records an RTP packet of media `i`; returns how many packets its sequence number shows missing. */
  onRtp(i: number, p: RtpPacket, nowMs: number): number {
    return this.receivers[i]?.onRtp(p, nowMs) ?? 0;
  }

  /** Records an RTCP compound packet of media `i`: its Sender Report feeds LSR/DLSR; malformed ones are ignored. */
  onRtcp(i: number, buf: Buffer, nowMs: number): void {
    const r = this.receivers[i];
    if (!r) return;
    try {
      for (const p of parseRtcpPackets(buf)) if (p.type === 'sr') { r.onSenderReport(p, nowMs); return; }
    } catch (err) {
      // A malformed report only costs the upstream LSR/DLSR in ours; its media keeps flowing.
      if (!(err instanceof RtcpParseError)) throw err;
    }
  }

  /** Stops the timer. */
  close(): void { clearInterval(this.timer); }

  private report(): void {
    const now = Date.now();
    this.receivers.forEach((r, i) => {
      const rr = r.receiverReport(now);
      if (rr) this.send(i, rr);
    });
  }
}
