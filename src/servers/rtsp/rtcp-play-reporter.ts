import type { Media, RtpPacket } from '../../formats/index.ts';

// RTCP sender reports go to readers this often (gortsplib uses a few seconds; clients only need one before sync).
const SR_PERIOD_MS = 5000;
// RFC 3550 §4: NTP epoch is 1900-01-01, 2208988800 s before the Unix epoch.
const NTP_UNIX_OFFSET_S = 2208988800;

interface MediaStats { ssrc: number; clockRate: number; packets: number; octets: number; lastTs: number; lastAt: number; seen: boolean }

/**
 * Per reader session: counts what was sent per media and periodically emits an RTCP Sender Report
 * (RFC 3550 §6.4.1) so clients can map RTP time to wall clock; emits BYE (§6.6) when reading stops,
 * which makes FFmpeg end the read cleanly.
 */
export class RtcpPlayReporter {
  private readonly stats: MediaStats[];
  private readonly timer: NodeJS.Timeout;

  constructor(medias: readonly Media[], private readonly send: (mediaIndex: number, pkt: Buffer) => void) {
    this.stats = medias.map((m) => ({ ssrc: 0, clockRate: m.formats[0]?.clockRate ?? 90000, packets: 0, octets: 0, lastTs: 0, lastAt: 0, seen: false }));
    this.timer = setInterval(() => this.report(), SR_PERIOD_MS);
    this.timer.unref();
  }

  /** Records one RTP packet sent on media `i`. */
  onPacketSent(i: number, p: RtpPacket): void {
    const s = this.stats[i];
    if (!s) return;
    s.seen = true;
    s.ssrc = p.ssrc;
    s.packets = (s.packets + 1) >>> 0;
    s.octets = (s.octets + p.payload.length) >>> 0;
    s.lastTs = p.timestamp;
    s.lastAt = Date.now();
  }

  private report(): void {
    const now = Date.now();
    this.stats.forEach((s, i) => {
      if (!s.seen) return;
      const rtpTs = (s.lastTs + Math.round(((now - s.lastAt) * s.clockRate) / 1000)) >>> 0;
      this.send(i, buildSenderReport(s.ssrc, now, rtpTs, s.packets, s.octets));
    });
  }

  /** Stops the timer; with `sendBye`, tells the client each source ended (the stream is gone, not paused). */
  close(sendBye: boolean): void {
    clearInterval(this.timer);
    if (sendBye) this.stats.forEach((s, i) => { if (s.seen) this.send(i, buildBye(s.ssrc)); });
  }
}

/** RFC 3550 §6.4.1 SR with no report blocks (28 bytes). */
function buildSenderReport(ssrc: number, unixMs: number, rtpTs: number, packets: number, octets: number): Buffer {
  const b = Buffer.alloc(28);
  b[0] = 0x80; b[1] = 200; b.writeUInt16BE(6, 2);
  b.writeUInt32BE(ssrc >>> 0, 4);
  const secs = Math.floor(unixMs / 1000) + NTP_UNIX_OFFSET_S;
  b.writeUInt32BE(secs >>> 0, 8);
  b.writeUInt32BE(Math.floor(((unixMs % 1000) / 1000) * 2 ** 32) >>> 0, 12);
  b.writeUInt32BE(rtpTs, 16);
  b.writeUInt32BE(packets, 20);
  b.writeUInt32BE(octets, 24);
  return b;
}

/** RFC 3550 §6.6 BYE for one source (8 bytes). */
function buildBye(ssrc: number): Buffer {
  const b = Buffer.alloc(8);
  b[0] = 0x81; b[1] = 203; b.writeUInt16BE(1, 2);
  b.writeUInt32BE(ssrc >>> 0, 4);
  return b;
}
