import { H264NaluType, H264_MAX_AU_BYTES, H264_MAX_NALUS, h264IsRandomAccess } from '../../codecs/index.ts';
import type { RtpPacket } from './rtp-packet.ts';
import { RtpSequencer, TimestampUnwrapper } from './rtp-sequencer.ts';

/** Thrown for RTP payloads that can't be turned into H264 NAL units. */
export class H264RtpError extends Error {
  override readonly name = 'H264RtpError';
}

/** Splits H264 access units into RTP packets: single NAL unit or FU-A (RFC 6184 §5.6, §5.8), marker on the last. */
export class H264Packetizer {
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
      // FU-A: indicator keeps F/NRI with type 28; the header carries S/E and the original type.
      const indicator = (nalu[0]! & 0xe0) | H264NaluType.FuA;
      const type = nalu[0]! & 0x1f;
      const step = this.maxPayload - 2;
      for (let off = 1; off < nalu.length; off += step) {
        const end = Math.min(nalu.length, off + step);
        const fuHeader = (off === 1 ? 0x80 : 0) | (end === nalu.length ? 0x40 : 0) | type;
        out.push(this.seq.next(Buffer.concat([Buffer.from([indicator, fuHeader]), nalu.subarray(off, end)]), ts, last && end === nalu.length));
      }
    });
    return out;
  }
}

/** A depacketized access unit. */
export interface H264AccessUnit { readonly pts: number; readonly nalus: Buffer[]; readonly randomAccess: boolean }

/** Reassembles H264 access units from RTP packets (single NAL, STAP-A, FU-A); emits on marker or timestamp change. */
export class H264Depacketizer {
  private nalus: Buffer[] = [];
  private bytes = 0;
  private fragments: Buffer[] | undefined;
  private fragmentBytes = 0;
  private lastSeq: number | undefined;
  private curTs: number | undefined;
  private readonly unwrapper = new TimestampUnwrapper();

  /** Feeds one packet; returns the access units it completes. Throws H264RtpError for malformed payloads. */
  push(p: RtpPacket): H264AccessUnit[] {
    const out: H264AccessUnit[] = [];
    if (this.lastSeq !== undefined && p.sequenceNumber !== ((this.lastSeq + 1) & 0xffff)) this.fragments = undefined; // a gap breaks FU-A
    this.lastSeq = p.sequenceNumber;
    if (this.curTs !== undefined && p.timestamp !== this.curTs && this.nalus.length > 0) out.push(this.flush());
    this.curTs = p.timestamp;
    const pl = p.payload;
    if (pl.length < 1) throw new H264RtpError('empty H264 RTP payload');
    const type = pl[0]! & 0x1f;
    if (type >= 1 && type <= 23) this.add(pl);
    else if (type === H264NaluType.StapA) {
      let pos = 1;
      while (pos < pl.length) {
        if (pos + 2 > pl.length) throw new H264RtpError('truncated STAP-A');
        const len = pl.readUInt16BE(pos); pos += 2;
        if (len === 0 || pos + len > pl.length) throw new H264RtpError('invalid STAP-A NAL unit size');
        this.add(pl.subarray(pos, pos + len));
        pos += len;
      }
    } else if (type === H264NaluType.FuA) {
      if (pl.length < 3) throw new H264RtpError('short FU-A');
      const start = (pl[1]! & 0x80) !== 0;
      const end = (pl[1]! & 0x40) !== 0;
      if (start) { this.fragments = [Buffer.from([(pl[0]! & 0xe0) | (pl[1]! & 0x1f)])]; this.fragmentBytes = 0; }
      if (this.fragments) {
        this.addFragment(pl.subarray(2));
        if (end) { this.add(Buffer.concat(this.fragments)); this.fragments = undefined; }
      }
    } else {
      throw new H264RtpError(`unsupported H264 RTP payload type ${type}`);
    }
    if (p.marker && this.nalus.length > 0) out.push(this.flush());
    return out;
  }

  // A NAL unit being reassembled counts toward the access-unit limit as it grows, so an endless FU is bounded too.
  private addFragment(b: Buffer): void {
    this.fragmentBytes += b.length;
    if (this.bytes + this.fragmentBytes > H264_MAX_AU_BYTES) {
      this.fragments = undefined;
      throw new H264RtpError('fragmented NAL unit exceeds the size limits');
    }
    this.fragments!.push(b);
  }

  private add(nalu: Buffer): void {
    this.bytes += nalu.length;
    if (this.nalus.length >= H264_MAX_NALUS || this.bytes > H264_MAX_AU_BYTES) {
      this.nalus = []; this.bytes = 0;
      throw new H264RtpError('access unit exceeds the size limits');
    }
    this.nalus.push(nalu);
  }

  private flush(): H264AccessUnit {
    const nalus = this.nalus;
    this.nalus = [];
    this.bytes = 0;
    return { pts: this.unwrapper.unwrap(this.curTs ?? 0), nalus, randomAccess: h264IsRandomAccess(nalus) };
  }
}
