import type { RtpPacket } from './rtp-packet.ts';
import { RtpSequencer, TimestampUnwrapper } from './rtp-sequencer.ts';

/** Thrown for malformed RFC 3640 payloads. */
export class Mpeg4AudioRtpError extends Error {
  override readonly name = 'Mpeg4AudioRtpError';
}

// RFC 3640 §3.3.6 AAC-hbr: 13-bit AU size, 3-bit AU index (delta); AAC AUs are ≤ 5 KiB (RELIABILITY §1.5).
const SIZE_BITS = 13;
const MAX_AU_BYTES = 5 * 1024;

/** One AAC access unit per packet, with an AU-headers section (RFC 3640 §3.2.1). */
export class Mpeg4AudioPacketizer {
  private readonly seq: RtpSequencer;

  constructor(payloadType: number) { this.seq = new RtpSequencer(payloadType); }

  /** Packets of `aus` starting at `pts` (ticks of the sample rate); AU i is at pts + i × 1024. */
  packetize(aus: readonly Uint8Array[], pts: number): RtpPacket[] {
    return aus.map((au, i) => {
      const h = Buffer.allocUnsafe(4);
      h.writeUInt16BE(16, 0); // AU-headers-length in bits: one 16-bit header
      h.writeUInt16BE((au.length << 3) & 0xffff, 2);
      return this.seq.next(Buffer.concat([h, au]), (pts + i * 1024) >>> 0, true);
    });
  }
}

/** Extracts AAC access units from RFC 3640 AAC-hbr packets (sizelength 13, indexlength 3). */
export class Mpeg4AudioDepacketizer {
  private readonly unwrapper = new TimestampUnwrapper();

  /** Access units of one packet and the pts of the first (sample-rate ticks). */
  push(p: RtpPacket): { pts: number; aus: Buffer[] } {
    const pl = p.payload;
    if (pl.length < 2) throw new Mpeg4AudioRtpError('short MPEG-4 audio payload');
    const headerBits = pl.readUInt16BE(0);
    const headerBytes = Math.ceil(headerBits / 8);
    if (headerBits % 16 !== 0 || 2 + headerBytes > pl.length) throw new Mpeg4AudioRtpError('invalid AU-headers-length');
    let data = 2 + headerBytes;
    const aus: Buffer[] = [];
    for (let h = 2; h < 2 + headerBytes; h += 2) {
      const size = pl.readUInt16BE(h) >> (16 - SIZE_BITS);
      if (size > MAX_AU_BYTES || data + size > pl.length) throw new Mpeg4AudioRtpError('AU size exceeds the packet');
      aus.push(pl.subarray(data, data + size));
      data += size;
    }
    return { pts: this.unwrapper.unwrap(p.timestamp), aus };
  }
}
