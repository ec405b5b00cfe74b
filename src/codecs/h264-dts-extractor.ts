import { CodecError } from './codec-error.ts';
import { H264NaluType, h264NaluType } from './h264.ts';
import { parseH264SliceHeader, parseH264Sps, type H264Sps } from './h264-sps.ts';
import { PocDtsEstimator, type PocPicture } from './poc-dts.ts';

/**
 * Derives decoding timestamps of H264 access units from their PTS and picture order (RTP carries only PTS; RTMP, MP4
 * and MPEG-TS need DTS), with POC type 0 (§8.2.1.1). POC types 1 and 2 need no reordering support here (type 2
 * forbids reordering; type 1 is practically unused) and get DTS = PTS.
 */
export class H264DtsExtractor {
  private sps: H264Sps | undefined;
  private spsBytes: Uint8Array | undefined;
  private prevPocMsb = 0;
  private prevPocLsb = 0;
  private readonly estimator = new PocDtsEstimator(2);

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
    let pic: PocPicture | undefined;
    if (slice && this.sps?.pocType === 0) {
      try {
        pic = this.picture(slice, this.sps);
      } catch (err) {
        if (!(err instanceof CodecError)) throw err; // a slice we can't read: its PTS stands in
      }
    }
    return this.estimator.next(pic, pts);
  }

  private onSps(n: Uint8Array): void {
    if (this.spsBytes && Buffer.compare(this.spsBytes, n) === 0) return;
    try {
      this.sps = parseH264Sps(n);
      this.spsBytes = Uint8Array.from(n);
      if (this.sps.maxNumReorderFrames !== undefined) this.estimator.reorder = this.sps.maxNumReorderFrames;
      this.estimator.frameDurationHint = this.sps.frameDuration90k;
    } catch (err) {
      if (!(err instanceof CodecError)) throw err; // keep the previous SPS
    }
  }

  /** POC type 0 (§8.2.1.1). */
  private picture(slice: Uint8Array, sps: H264Sps): PocPicture {
    const h = parseH264SliceHeader(slice, sps);
    const maxLsb = 2 ** sps.log2MaxPocLsb;
    let msb: number;
    if (h.idr) msb = 0;
    else if (h.pocLsb < this.prevPocLsb && this.prevPocLsb - h.pocLsb >= maxLsb / 2) msb = this.prevPocMsb + maxLsb;
    else if (h.pocLsb > this.prevPocLsb && h.pocLsb - this.prevPocLsb > maxLsb / 2) msb = this.prevPocMsb - maxLsb;
    else msb = this.prevPocMsb;
    if (h.nalRefIdc !== 0 || h.idr) { this.prevPocMsb = msb; this.prevPocLsb = h.pocLsb; }
    return { randomAccess: h.idr, poc: msb + h.pocLsb };
  }
}
