import { CodecError } from './codec-error.ts';
import { H264NaluType, h264NaluType } from './h264.ts';
import { parseH264SliceHeader, parseH264Sps, type H264Sps } from './h264-sps.ts';

// Assumed frame duration (90 kHz, 30 fps) when neither VUI timing nor earlier frames tell it.
const DEFAULT_FRAME_DURATION = 3000;

/**
 * Derives decoding timestamps of H264 access units from their PTS and picture order (RTP carries only PTS; RTMP, MP4
 * and MPEG-TS need DTS). Decode index i and presentation index p (POC / step, relative to the last IDR) give the
 * number of frames k = p − i + R between decoding and presentation, R being the reorder depth. With the previous
 * DTS, a frame duration d = (PTS − prevDTS) / (k + 1) follows, and DTS = PTS − k·d. R comes from the SPS's VUI;
 * without it, it is learnt from the first frame that needs more. DTS is always increasing and, as far as the input
 * allows, never after PTS. POC types 1 and 2 need no reordering support here (type 2 forbids reordering; type 1 is
 * practically unused) and get DTS = PTS.
 */
export class H264DtsExtractor {
  private sps: H264Sps | undefined;
  private spsBytes: Uint8Array | undefined;
  private reorder = 0;
  private decodeIndex = 0;
  private idrPoc = 0;
  private pocStep = 2;
  private prevPocMsb = 0;
  private prevPocLsb = 0;
  private prevDts: number | undefined;
  private frameDuration: number | undefined;
  private seenIdr = false;

  /** `sps`: the SPS known out of band (SDP sprop-parameter-sets, AVC config), since many streams never repeat it. */
  constructor(sps?: Uint8Array) {
    if (sps) this.onSps(sps);
  }

  /** DTS of an access unit with presentation time `pts` (90 kHz, unwrapped). */
  extract(au: readonly Uint8Array[], pts: number): number {
    let slice: Uint8Array | undefined;
    for (const n of au) {
      const t = h264NaluType(n);
      if (t === H264NaluType.Sps) this.onSps(n);
      else if ((t === H264NaluType.NonIdr || t === H264NaluType.Idr) && !slice) slice = n;
    }
    let dts = pts;
    if (slice && this.sps?.pocType === 0) {
      try {
        dts = this.fromPoc(slice, this.sps, pts);
      } catch (err) {
        if (!(err instanceof CodecError)) throw err; // a slice we can't read: its PTS stands in
      }
    }
    if (this.prevDts !== undefined && dts <= this.prevDts) dts = this.prevDts + 1;
    dts = Math.round(dts);
    if (this.prevDts !== undefined && this.seenIdr) this.frameDuration = dts - this.prevDts;
    this.prevDts = dts;
    return dts;
  }

  private onSps(n: Uint8Array): void {
    if (this.spsBytes && Buffer.compare(this.spsBytes, n) === 0) return;
    try {
      this.sps = parseH264Sps(n);
      this.spsBytes = Uint8Array.from(n);
      if (this.sps.maxNumReorderFrames !== undefined) this.reorder = this.sps.maxNumReorderFrames;
    } catch (err) {
      if (!(err instanceof CodecError)) throw err; // keep the previous SPS
    }
  }

  /** POC type 0 (§8.2.1.1) and the DTS it implies. */
  private fromPoc(slice: Uint8Array, sps: H264Sps, pts: number): number {
    const h = parseH264SliceHeader(slice, sps);
    const maxLsb = 2 ** sps.log2MaxPocLsb;
    let msb: number;
    if (h.idr) msb = 0;
    else if (h.pocLsb < this.prevPocLsb && this.prevPocLsb - h.pocLsb >= maxLsb / 2) msb = this.prevPocMsb + maxLsb;
    else if (h.pocLsb > this.prevPocLsb && h.pocLsb - this.prevPocLsb > maxLsb / 2) msb = this.prevPocMsb - maxLsb;
    else msb = this.prevPocMsb;
    const poc = msb + h.pocLsb;
    if (h.nalRefIdc !== 0 || h.idr) { this.prevPocMsb = msb; this.prevPocLsb = h.pocLsb; }
    if (h.idr) { this.seenIdr = true; this.decodeIndex = 0; this.idrPoc = poc; } else this.decodeIndex++;
    if (!this.seenIdr) return pts;
    // Frame-coded streams step POC by 2 per frame (x264, most encoders); an odd difference means a step of 1.
    if ((poc - this.idrPoc) % 2 !== 0) this.pocStep = 1;
    const p = (poc - this.idrPoc) / this.pocStep;
    let k = p - this.decodeIndex + this.reorder;
    if (k < 0) { this.reorder -= k; k = 0; } // presented earlier than R allows: R was too small
    if (h.idr || this.prevDts === undefined) return pts - k * (this.frameDuration ?? this.sps?.frameDuration90k ?? DEFAULT_FRAME_DURATION);
    return pts - (k * (pts - this.prevDts)) / (k + 1);
  }
}
