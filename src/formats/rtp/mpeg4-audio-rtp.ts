import type { RtpPacket } from './rtp-packet.ts';
import { RtpSequencer, TimestampUnwrapper } from './rtp-sequencer.ts';

/** Thrown for malformed RFC 3640 payloads. */
export class Mpeg4AudioRtpError extends Error {
  override readonly name = 'Mpeg4AudioRtpError';
}

// RFC 3640 §3.3.6 AAC-hbr: 13-bit AU size, 3-bit AU index (delta); AAC AUs are ≤ 5 KiB (docs/limits.md §Media).
const SIZE_BITS = 13;
const MAX_AU_BYTES = 5 * 1024;
// AU-headers-length (16 bits) + one AU header (16 bits).
const ONE_HEADER_BYTES = 4;

/** The 4-byte AU-headers section of a packet carrying one AU, or a fragment of one, of `auSize` bytes (§3.2.1). */
function oneAuHeader(auSize: number): Buffer {
  const h = Buffer.allocUnsafe(ONE_HEADER_BYTES);
  h.writeUInt16BE(16, 0); // AU-headers-length in bits: one 16-bit header
  h.writeUInt16BE(auSize << (16 - SIZE_BITS), 2);
  return h;
}

/**
 * One AAC access unit per packet, with an AU-headers section (RFC 3640 §3.2.1); an AU larger than a packet is sent
 * in fragments, each with the whole AU's size in its header and the marker on the last only (§3.2.3), as FFmpeg does.
 */
export class Mpeg4AudioPacketizer {
  private readonly seq: RtpSequencer;

  /** `maxPayload`: largest RTP payload (packet size minus the 12-byte header). */
  constructor(payloadType: number, private readonly maxPayload = 1460) {
    if (maxPayload <= ONE_HEADER_BYTES) throw new Mpeg4AudioRtpError(`payload size ${maxPayload} is too small`);
    this.seq = new RtpSequencer(payloadType);
  }

  /** Packets of `aus` starting at `pts` (ticks of the sample rate); AU i is at pts + i × 1024. */
  packetize(aus: readonly Uint8Array[], pts: number): RtpPacket[] {
    const out: RtpPacket[] = [];
    aus.forEach((au, i) => {
      if (au.length > MAX_AU_BYTES) throw new Mpeg4AudioRtpError(`AAC access unit of ${au.length} bytes (limit ${MAX_AU_BYTES})`);
      const ts = (pts + i * 1024) >>> 0;
      const header = oneAuHeader(au.length);
      const room = this.maxPayload - ONE_HEADER_BYTES;
      for (let off = 0; off < au.length || off === 0; off += room) {
        const end = Math.min(au.length, off + room);
        out.push(this.seq.next(Buffer.concat([header, au.subarray(off, end)]), ts, end === au.length));
        if (au.length === 0) break;
      }
    });
    return out;
  }
}

/** An AU being reassembled from fragments (RFC 3640 §3.2.3). */
interface Fragmented { timestamp: number; size: number; parts: Buffer[]; received: number }

/** Extracts AAC access units from RFC 3640 AAC-hbr packets (sizelength 13, indexlength 3), fragmented AUs included. */
export class Mpeg4AudioDepacketizer {
  private readonly unwrapper = new TimestampUnwrapper();
  private fragmented: Fragmented | undefined;

  /** Access units the packet completes and the pts of the first (sample-rate ticks). */
  push(p: RtpPacket): { pts: number; aus: Buffer[] } {
    const pl = p.payload;
    if (pl.length < 2) throw new Mpeg4AudioRtpError('short MPEG-4 audio payload');
    const headerBits = pl.readUInt16BE(0);
    const headerBytes = Math.ceil(headerBits / 8);
    if (headerBits % 16 !== 0 || 2 + headerBytes > pl.length) throw new Mpeg4AudioRtpError('invalid AU-headers-length');
    const pts = this.unwrapper.unwrap(p.timestamp);
    if (headerBytes === 2) {
      const size = pl.readUInt16BE(2) >> (16 - SIZE_BITS);
      const data = pl.subarray(4);
      if (size > MAX_AU_BYTES) throw new Mpeg4AudioRtpError('AU size exceeds the limit');
      if (this.fragmented || (size > data.length && !p.marker)) return { pts, aus: this.fragment(p, size, data) };
    } else {
      this.fragmented = undefined;
    }
    let data = 2 + headerBytes;
    const aus: Buffer[] = [];
    for (let h = 2; h < 2 + headerBytes; h += 2) {
      const size = pl.readUInt16BE(h) >> (16 - SIZE_BITS);
      if (size > MAX_AU_BYTES || data + size > pl.length) throw new Mpeg4AudioRtpError('AU size exceeds the packet');
      aus.push(pl.subarray(data, data + size));
      data += size;
    }
    return { pts, aus };
  }

  /** Adds a fragment; returns the AU once its last fragment (marker) completes it. */
  private fragment(p: RtpPacket, size: number, data: Buffer): Buffer[] {
    let f = this.fragmented;
    if (f && (f.timestamp !== p.timestamp || f.size !== size)) {
      // A new AU began before the last one ended: the rest of the old one was lost.
      this.fragmented = undefined;
      throw new Mpeg4AudioRtpError('fragmented AU interrupted');
    }
    if (!f) { f = { timestamp: p.timestamp, size, parts: [], received: 0 }; this.fragmented = f; }
    if (f.received + data.length > size) { this.fragmented = undefined; throw new Mpeg4AudioRtpError('AU fragments exceed the AU size'); }
    f.parts.push(Buffer.from(data));
    f.received += data.length;
    if (!p.marker) return [];
    this.fragmented = undefined;
    if (f.received !== size) throw new Mpeg4AudioRtpError('fragmented AU is incomplete');
    return [Buffer.concat(f.parts)];
  }
}
