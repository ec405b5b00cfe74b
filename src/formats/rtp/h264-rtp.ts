import { H264NaluType, H264_MAX_AU_BYTES, H264_MAX_NALUS, h264IsRandomAccess } from '../../codecs/index.ts';
import type { RtpPacket } from './rtp-packet.ts';
import { NaluPacketizer } from './nalu-packetizer.ts';
import { NaluAuAssembler, type NaluAccessUnit } from './nalu-au-assembler.ts';

/** Thrown for RTP payloads that can't be turned into H264 NAL units. */
export class H264RtpError extends Error {
  override readonly name = 'H264RtpError';
}

/** FU-A (RFC 6184 §5.8): the indicator keeps F/NRI with type 28; the FU header carries S/E and the original type. */
const FU_A = {
  naluHeaderSize: 1,
  header: (nalu: Buffer, first: boolean, last: boolean): Buffer =>
    Buffer.from([(nalu[0]! & 0xe0) | H264NaluType.FuA, (first ? 0x80 : 0) | (last ? 0x40 : 0) | (nalu[0]! & 0x1f)]),
};

/** STAP-A (RFC 6184 §5.7, §5.7.1): F set when any aggregated unit has it, NRI the highest of theirs, type 24. */
const STAP_A = {
  headerSize: 1,
  header: (nalus: readonly Buffer[]): Buffer => {
    let f = 0;
    let nri = 0;
    for (const n of nalus) { f |= n[0]! & 0x80; nri = Math.max(nri, n[0]! & 0x60); }
    return Buffer.from([f | nri | H264NaluType.StapA]);
  },
};

/**
 * Splits H264 access units into RTP packets (packetization-mode 1): small consecutive NAL units together in a STAP-A,
 * the others as single NAL unit packets or FU-A (RFC 6184 §5.6–5.8), marker on the last.
 */
export class H264Packetizer extends NaluPacketizer {
  constructor(payloadType: number, maxPayload = 1460) { super(payloadType, maxPayload, FU_A, STAP_A); }
}

/** A depacketized access unit. */
export type H264AccessUnit = NaluAccessUnit;

/** Reassembles H264 access units from RTP packets (single NAL, STAP-A, FU-A); emits on marker or timestamp change. */
export class H264Depacketizer {
  private readonly asm = new NaluAuAssembler({
    maxNalus: H264_MAX_NALUS, maxBytes: H264_MAX_AU_BYTES, isRandomAccess: h264IsRandomAccess, error: (m) => new H264RtpError(m),
  });

  /** Feeds one packet; returns the access units it completes. Throws H264RtpError for malformed payloads. */
  push(p: RtpPacket): H264AccessUnit[] {
    const out = this.asm.begin(p);
    const pl = p.payload;
    if (pl.length < 1) throw new H264RtpError('empty H264 RTP payload');
    const type = pl[0]! & 0x1f;
    if (type >= 1 && type <= 23) this.asm.add(pl);
    else if (type === H264NaluType.StapA) {
      let pos = 1;
      let count = 0;
      while (pos < pl.length) {
        if (pos + 2 > pl.length) throw new H264RtpError('truncated STAP-A');
        const len = pl.readUInt16BE(pos); pos += 2;
        // A zero size after at least one unit is padding some cameras append; gortsplib stops there too.
        if (len === 0 && count > 0) break;
        if (len === 0 || pos + len > pl.length) throw new H264RtpError('invalid STAP-A NAL unit size');
        this.asm.add(pl.subarray(pos, pos + len));
        pos += len;
        count++;
      }
    } else if (type === H264NaluType.FuA) {
      if (pl.length < 3) throw new H264RtpError('short FU-A');
      // FU indicator keeps F/NRI, the FU header the type: together they rebuild the NAL header (RFC 6184 §5.8).
      if (pl[1]! & 0x80) this.asm.startFragment(Buffer.from([(pl[0]! & 0xe0) | (pl[1]! & 0x1f)]));
      this.asm.addFragment(pl.subarray(2), (pl[1]! & 0x40) !== 0);
    } else {
      throw new H264RtpError(`unsupported H264 RTP payload type ${type}`);
    }
    out.push(...this.asm.end(p));
    return out;
  }
}
