import { CodecError, H264NaluType, H264_MAX_AU_BYTES, H264_MAX_NALUS, h264NaluType } from '../../codecs/index.ts';

// ITU-T H.264 Annex B start code prefix; a 4-byte start code is this plus a leading zero byte.
const START_CODE = Buffer.from([0, 0, 1]);
// NAL unit types that, after a picture, begin the next access unit (ITU-T H.264 §7.4.1.2.3): SEI, SPS, PPS, AUD,
// and 14–18 (prefix NAL unit, subset SPS, DPS, reserved).
const AU_LEADING_TYPES = new Set<number>([H264NaluType.Sei, H264NaluType.Sps, H264NaluType.Pps, H264NaluType.Aud, 14, 15, 16, 17, 18]);

const isVcl = (type: number): boolean => type >= 1 && type <= 5;

// first_mb_in_slice is the slice header's first field, ue(v): the value 0 is the single bit 1, so a slice that starts
// a picture has the top bit of the byte after the NAL header set (§7.3.3).
const startsPicture = (nalu: Uint8Array): boolean => ((nalu[1] ?? 0) & 0x80) !== 0;

/** Whether a NAL unit (at least its first two bytes) that follows a picture begins the next access unit. */
function beginsAccessUnit(nalu: Uint8Array): boolean {
  const type = h264NaluType(nalu);
  return isVcl(type) ? startsPicture(nalu) : AU_LEADING_TYPES.has(type);
}

/**
 * Splits an H264 Annex-B byte stream, as read from a pipe in chunks of any size, into access units (NAL units
 * without start codes). A pipe keeps no frame boundaries: an access unit is complete when the header of the next
 * one's first NAL unit arrives, so each is returned as the next frame begins. Memory is bounded: a NAL unit or
 * access unit larger than H264_MAX_AU_BYTES, or one of more than H264_MAX_NALUS NAL units, throws CodecError.
 */
export class H264ByteStreamSplitter {
  /** Bytes not yet returned: from the start of the current NAL unit (or garbage before the first start code). */
  private buf: Buffer = Buffer.alloc(0);
  /** Offset in buf of the current NAL unit's first byte; -1 before the first start code. */
  private nalStart = -1;
  /** Where the next start code search begins (earlier bytes hold none). */
  private scanFrom = 0;
  private au: Buffer[] = [];
  private auBytes = 0;
  private auHasPicture = false;

  /** Feeds bytes; returns the access units they completed, in order. */
  push(chunk: Uint8Array): Buffer[][] {
    const out: Buffer[][] = [];
    this.buf = this.buf.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const at = this.buf.indexOf(START_CODE, this.scanFrom);
      if (at < 0) break;
      if (this.nalStart >= 0) this.addNalu(trimTrailingZeros(this.buf.subarray(this.nalStart, at)), out);
      this.nalStart = at + START_CODE.length;
      this.scanFrom = this.nalStart;
    }
    // The NAL unit in progress can already tell that the access unit before it is complete: its header is enough.
    if (this.auHasPicture && this.nalStart >= 0 && this.buf.length - this.nalStart >= 2 && beginsAccessUnit(this.buf.subarray(this.nalStart))) {
      out.push(this.au);
      this.resetAu();
    }
    this.compact();
    return out;
  }

  /** Ends the stream: returns the last access unit, whose end no start code marks. */
  flush(): Buffer[][] {
    const out: Buffer[][] = [];
    if (this.nalStart >= 0) this.addNalu(this.buf.subarray(this.nalStart), out);
    if (this.auHasPicture) out.push(this.au);
    this.buf = Buffer.alloc(0);
    this.nalStart = -1;
    this.scanFrom = 0;
    this.resetAu();
    return out;
  }

  private compact(): void {
    if (this.nalStart < 0) {
      // Garbage before the first start code is dropped, but for the two bytes that may begin one.
      this.buf = this.buf.subarray(Math.max(0, this.buf.length - 2));
      this.scanFrom = 0;
      return;
    }
    this.buf = this.buf.subarray(this.nalStart);
    this.scanFrom = Math.max(0, this.buf.length - 2);
    this.nalStart = 0;
    if (this.buf.length > H264_MAX_AU_BYTES) throw new CodecError(`H264 NAL unit larger than ${H264_MAX_AU_BYTES} bytes`);
  }

  private addNalu(view: Uint8Array, out: Buffer[][]): void {
    if (view.length === 0) return;
    // A copy: a view would keep the whole pipe chunk alive for as long as the unit stays in a GOP cache.
    const nalu = Buffer.from(view);
    if (this.auHasPicture && beginsAccessUnit(nalu)) {
      out.push(this.au);
      this.resetAu();
    }
    if (this.au.length >= H264_MAX_NALUS) throw new CodecError(`H264 access unit with more than ${H264_MAX_NALUS} NAL units`);
    this.auBytes += nalu.length;
    if (this.auBytes > H264_MAX_AU_BYTES) throw new CodecError(`H264 access unit larger than ${H264_MAX_AU_BYTES} bytes`);
    this.au.push(nalu);
    if (isVcl(h264NaluType(nalu))) this.auHasPicture = true;
  }

  private resetAu(): void {
    this.au = [];
    this.auBytes = 0;
    this.auHasPicture = false;
  }
}

// The zero before a 4-byte start code belongs to the start code (trailing_zero_8bits, Annex B.1), not the NAL unit.
function trimTrailingZeros(n: Uint8Array): Uint8Array {
  let end = n.length;
  while (end > 0 && n[end - 1] === 0) end--;
  return n.subarray(0, end);
}
