import { H265NaluType, H265_MAX_AU_BYTES, H265_MAX_NALUS, h265IsRandomAccess } from '../../codecs/index.ts';
import type { RtpPacket } from './rtp-packet.ts';
import { NaluPacketizer } from './nalu-packetizer.ts';
import { NaluAuAssembler, type NaluAccessUnit } from './nalu-au-assembler.ts';

/** Thrown for RTP payloads that can't be turned into H265 NAL units. */
export class H265RtpError extends Error {
  override readonly name = 'H265RtpError';
}

/** FU (RFC 7798 §4.4.3): payload header = NAL header with type 49 (F, LayerId, TID kept); FU header = S, E, type. */
const FU = {
  naluHeaderSize: 2,
  header: (nalu: Buffer, first: boolean, last: boolean): Buffer =>
    Buffer.from([(nalu[0]! & 0x81) | (H265NaluType.Fu << 1), nalu[1]!, (first ? 0x80 : 0) | (last ? 0x40 : 0) | ((nalu[0]! >> 1) & 0x3f)]),
};

/** Splits H265 access units into RTP packets: single NAL unit or FU (RFC 7798 §4.4.1, §4.4.3), marker on the last. */
export class H265Packetizer extends NaluPacketizer {
  constructor(payloadType: number, maxPayload = 1460) { super(payloadType, maxPayload, FU); }
}

/** A depacketized H265 access unit. */
export type H265AccessUnit = NaluAccessUnit;

/** Reassembles H265 access units (single NAL, AP, FU; no DONL, as sprop-max-don-diff is 0 in practice). */
export class H265Depacketizer {
  private readonly asm = new NaluAuAssembler({
    maxNalus: H265_MAX_NALUS, maxBytes: H265_MAX_AU_BYTES, isRandomAccess: h265IsRandomAccess, error: (m) => new H265RtpError(m),
  });

  /** Feeds one packet; returns the access units it completes. Throws H265RtpError for malformed payloads. */
  push(p: RtpPacket): H265AccessUnit[] {
    const out = this.asm.begin(p);
    const pl = p.payload;
    if (pl.length < 3) throw new H265RtpError('short H265 RTP payload');
    const type = (pl[0]! >> 1) & 0x3f;
    if (type === H265NaluType.Ap) {
      let pos = 2;
      while (pos < pl.length) {
        if (pos + 2 > pl.length) throw new H265RtpError('truncated aggregation packet');
        const len = pl.readUInt16BE(pos); pos += 2;
        if (len < 2 || pos + len > pl.length) throw new H265RtpError('invalid aggregated NAL unit size');
        this.asm.add(pl.subarray(pos, pos + len));
        pos += len;
      }
    } else if (type === H265NaluType.Fu) {
      // The payload header with the FU header's type rebuilds the NAL header (RFC 7798 §4.4.3).
      if (pl[2]! & 0x80) this.asm.startFragment(Buffer.from([(pl[0]! & 0x81) | ((pl[2]! & 0x3f) << 1), pl[1]!]));
      this.asm.addFragment(pl.subarray(3), (pl[2]! & 0x40) !== 0);
    } else if (type === H265NaluType.Paci) {
      throw new H265RtpError('PACI packets are not supported');
    } else {
      this.asm.add(pl);
    }
    out.push(...this.asm.end(p));
    return out;
  }
}
