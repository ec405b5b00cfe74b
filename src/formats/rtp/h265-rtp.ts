import { H265NaluType, H265_MAX_AU_BYTES, H265_MAX_NALUS, h265IsRandomAccess } from '../../codecs/index.ts';
import type { RtpPacket } from './rtp-packet.ts';
import { RtpSequencer, TimestampUnwrapper } from './rtp-sequencer.ts';

/** Thrown for RTP payloads that can't be turned into H265 NAL units. */
export class H265RtpError extends Error {
  override readonly name = 'H265RtpError';
}

/** Splits H265 access units into RTP packets: single NAL unit or FU (RFC 7798 §4.4.1, §4.4.3), marker on the last. */
export class H265Packetizer {
  private readonly seq: RtpSequencer;

  constructor(payloadType: number, private readonly maxPayload = 1460) {
    // Fragments carry a 2–3 byte header: a smaller payload would never make progress.
    if (maxPayload < 4) throw new RangeError(`maximum RTP payload of ${maxPayload} bytes is too small`);
    this.seq = new RtpSequencer(payloadType);
  }

  /** Packets of one access unit at `pts` (90 kHz ticks). */
  packetize(au: readonly Uint8Array[], pts: number): RtpPacket[] {
    const ts = pts >>> 0;
    const out: RtpPacket[] = [];
    au.forEach((n, i) => {
      const last = i === au.length - 1;
      const nalu = Buffer.from(n.buffer, n.byteOffset, n.byteLength);
      if (nalu.length <= this.maxPayload) { out.push(this.seq.next(nalu, ts, last)); return; }
      // FU: payload header = NAL header with type 49 (F, LayerId and TID kept); FU header = S, E, original type.
      const type = (nalu[0]! >> 1) & 0x3f;
      const ph0 = (nalu[0]! & 0x81) | (H265NaluType.Fu << 1);
      const step = this.maxPayload - 3;
      for (let off = 2; off < nalu.length; off += step) {
        const end = Math.min(nalu.length, off + step);
        const fu = (off === 2 ? 0x80 : 0) | (end === nalu.length ? 0x40 : 0) | type;
        out.push(this.seq.next(Buffer.concat([Buffer.from([ph0, nalu[1]!, fu]), nalu.subarray(off, end)]), ts, last && end === nalu.length));
      }
    });
    return out;
  }
}

/** A depacketized H265 access unit. */
export interface H265AccessUnit { readonly pts: number; readonly nalus: Buffer[]; readonly randomAccess: boolean }

/** Reassembles H265 access units (single NAL, AP, FU; no DONL, as sprop-max-don-diff is 0 in practice). */
export class H265Depacketizer {
  private nalus: Buffer[] = [];
  private bytes = 0;
  private fragments: Buffer[] | undefined;
  private fragmentBytes = 0;
  private lastSeq: number | undefined;
  private curTs: number | undefined;
  private readonly unwrapper = new TimestampUnwrapper();

  /** Feeds one packet; returns the access units it completes. Throws H265RtpError for malformed payloads. */
  push(p: RtpPacket): H265AccessUnit[] {
    const out: H265AccessUnit[] = [];
    if (this.lastSeq !== undefined && p.sequenceNumber !== ((this.lastSeq + 1) & 0xffff)) this.fragments = undefined; // a gap breaks an FU
    this.lastSeq = p.sequenceNumber;
    if (this.curTs !== undefined && p.timestamp !== this.curTs && this.nalus.length > 0) out.push(this.flush());
    this.curTs = p.timestamp;
    const pl = p.payload;
    if (pl.length < 3) throw new H265RtpError('short H265 RTP payload');
    const type = (pl[0]! >> 1) & 0x3f;
    if (type === H265NaluType.Ap) {
      let pos = 2;
      while (pos < pl.length) {
        if (pos + 2 > pl.length) throw new H265RtpError('truncated aggregation packet');
        const len = pl.readUInt16BE(pos); pos += 2;
        if (len < 2 || pos + len > pl.length) throw new H265RtpError('invalid aggregated NAL unit size');
        this.add(pl.subarray(pos, pos + len));
        pos += len;
      }
    } else if (type === H265NaluType.Fu) {
      const start = (pl[2]! & 0x80) !== 0;
      const end = (pl[2]! & 0x40) !== 0;
      if (start) { this.fragments = [Buffer.from([(pl[0]! & 0x81) | ((pl[2]! & 0x3f) << 1), pl[1]!])]; this.fragmentBytes = 0; }
      if (this.fragments) {
        this.addFragment(pl.subarray(3));
        if (end) { const n = Buffer.concat(this.fragments); this.fragments = undefined; this.add(n); }
      }
    } else if (type === H265NaluType.Paci) {
      throw new H265RtpError('PACI packets are not supported');
    } else {
      this.add(pl);
    }
    if (p.marker && this.nalus.length > 0) out.push(this.flush());
    return out;
  }

  // A NAL unit being reassembled counts toward the access-unit limit as it grows, so an endless FU is bounded too.
  private addFragment(b: Buffer): void {
    this.fragmentBytes += b.length;
    if (this.bytes + this.fragmentBytes > H265_MAX_AU_BYTES) {
      this.fragments = undefined;
      throw new H265RtpError('fragmented NAL unit exceeds the size limits');
    }
    this.fragments!.push(b);
  }

  private add(nalu: Buffer): void {
    this.bytes += nalu.length;
    if (this.nalus.length >= H265_MAX_NALUS || this.bytes > H265_MAX_AU_BYTES) {
      this.nalus = []; this.bytes = 0;
      throw new H265RtpError('access unit exceeds the size limits');
    }
    this.nalus.push(nalu);
  }

  private flush(): H265AccessUnit {
    const nalus = this.nalus;
    this.nalus = [];
    this.bytes = 0;
    return { pts: this.unwrapper.unwrap(this.curTs ?? 0), nalus, randomAccess: h265IsRandomAccess(nalus) };
  }
}
