import { randomInt } from 'node:crypto';
import type { Media, RtpPacket } from '../../formats/index.ts';

// Receiver reports go to publishers this often; some cameras stop sending without them.
const RR_PERIOD_MS = 5000;

interface SourceStats {
  clockRate: number; ssrc: number; seen: boolean;
  baseSeq: number; maxSeq: number; cycles: number; received: number;
  expectedPrior: number; receivedPrior: number;
  jitter: number; lastTransit: number | undefined;
  lsr: number; lsrAt: number;
}

/**
 * Per publishing session: tracks what arrived per media (RFC 3550 Appendix A.1/A.8) and periodically emits
 * Receiver Reports with loss, extended highest sequence number, jitter and LSR/DLSR.
 */
export class RtcpRecordReporter {
  private readonly stats: SourceStats[];
  private readonly timer: NodeJS.Timeout;
  private readonly ourSsrc = randomInt(1, 0xffffffff);
  /** Packets found missing from sequence gaps, over all medias. */
  packetsLost = 0;

  constructor(medias: readonly Media[], private readonly send: (mediaIndex: number, pkt: Buffer) => void) {
    this.stats = medias.map((m) => ({
      clockRate: m.formats[0]?.clockRate ?? 90000, ssrc: 0, seen: false, baseSeq: 0, maxSeq: 0, cycles: 0, received: 0,
      expectedPrior: 0, receivedPrior: 0, jitter: 0, lastTransit: undefined, lsr: 0, lsrAt: 0,
    }));
    this.timer = setInterval(() => this.report(), RR_PERIOD_MS);
    this.timer.unref();
  }

  /** Records an RTP packet received on media `i`. */
  onRtp(i: number, p: RtpPacket, nowMs: number): void {
    const s = this.stats[i];
    if (!s) return;
    if (!s.seen || p.ssrc !== s.ssrc) {
      Object.assign(s, { seen: true, ssrc: p.ssrc, baseSeq: p.sequenceNumber, maxSeq: p.sequenceNumber, cycles: 0, received: 0, expectedPrior: 0, receivedPrior: 0, jitter: 0, lastTransit: undefined });
    } else {
      const delta = (p.sequenceNumber - s.maxSeq + 0x10000) % 0x10000;
      if (delta > 0 && delta < 0x8000) {
        if (p.sequenceNumber < s.maxSeq) s.cycles += 0x10000;
        if (delta > 1) this.packetsLost += delta - 1;
        s.maxSeq = p.sequenceNumber;
      }
    }
    s.received++;
    const arrival = Math.round((nowMs * s.clockRate) / 1000);
    const transit = (arrival - p.timestamp) | 0;
    if (s.lastTransit !== undefined) {
      const d = Math.abs((transit - s.lastTransit) | 0);
      s.jitter += (d - s.jitter) / 16;
    }
    s.lastTransit = transit;
  }

  /** Records an RTCP packet from the publisher on media `i` (Sender Reports feed LSR/DLSR). */
  onRtcp(i: number, buf: Buffer, nowMs: number): void {
    const s = this.stats[i];
    // RFC 3550 §6.4.1: PT 200 = SR; LSR is the middle 32 bits of its NTP timestamp.
    if (!s || buf.length < 20 || buf[1] !== 200) return;
    s.lsr = buf.readUInt32BE(10);
    s.lsrAt = nowMs;
  }

  private report(): void {
    const now = Date.now();
    this.stats.forEach((s, i) => {
      if (!s.seen) return;
      const extMax = s.cycles + s.maxSeq;
      const expected = extMax - s.baseSeq + 1;
      const lost = Math.max(0, Math.min(expected - s.received, 0x7fffff));
      const expectedInterval = expected - s.expectedPrior;
      const receivedInterval = s.received - s.receivedPrior;
      s.expectedPrior = expected;
      s.receivedPrior = s.received;
      const lostInterval = expectedInterval - receivedInterval;
      const fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
      const b = Buffer.alloc(32);
      b[0] = 0x81; b[1] = 201; b.writeUInt16BE(7, 2);
      b.writeUInt32BE(this.ourSsrc, 4);
      b.writeUInt32BE(s.ssrc >>> 0, 8);
      b.writeUInt32BE(((fraction << 24) | lost) >>> 0, 12);
      b.writeUInt32BE(extMax >>> 0, 16);
      b.writeUInt32BE(Math.floor(s.jitter) >>> 0, 20);
      b.writeUInt32BE(s.lsr >>> 0, 24);
      // DLSR in units of 1/65536 s since the last SR.
      b.writeUInt32BE(s.lsrAt === 0 ? 0 : Math.floor(((now - s.lsrAt) * 65536) / 1000) >>> 0, 28);
      this.send(i, b);
    });
  }

  /** Stops the timer. */
  close(): void { clearInterval(this.timer); }
}
