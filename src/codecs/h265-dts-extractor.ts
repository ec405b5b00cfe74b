import { CodecError } from './codec-error.ts';
import { H265NaluType, h265NaluType } from './h265.ts';
import { parseH265Pps, parseH265SlicePoc, parseH265Sps, parseH265VpsFrameDuration, type H265Pps, type H265Sps } from './h265-params.ts';
import { PocDtsEstimator, type PocPicture } from './poc-dts.ts';

// NAL unit types whose pictures don't update prevTid0Pic (§8.3.1): RADL/RASL (6–9) and sub-layer non-reference (even ≤ 14).
function updatesPrevTid0(type: number): boolean { return !(type >= 6 && type <= 9) && !(type <= 14 && type % 2 === 0); }

/**
 * Derives decoding timestamps of H265 access units from their PTS and picture order count (§8.3.1), the same way as
 * for H264 (PocDtsEstimator); the reorder depth is sps_max_num_reorder_pics.
 */
export class H265DtsExtractor {
  private sps: H265Sps | undefined;
  private readonly pps = new Map<number, H265Pps>();
  private prevTid0Msb = 0;
  private prevTid0Lsb = 0;
  private started = false;
  private readonly estimator = new PocDtsEstimator(1);

  /** `params`: VPS/SPS/PPS known out of band (SDP sprop-*, hvcC), since many streams never repeat them. */
  constructor(params: readonly Uint8Array[] = []) {
    for (const n of params) this.onParam(n);
  }

  /** DTS of an access unit with presentation time `pts` (90 kHz, unwrapped). */
  extract(au: readonly Uint8Array[], pts: number): number {
    let slice: Uint8Array | undefined;
    for (const n of au) {
      const t = h265NaluType(n);
      if (t === H265NaluType.Vps || t === H265NaluType.Sps || t === H265NaluType.Pps) this.onParam(n);
      else if (t <= 21 && !slice) slice = n;
    }
    let pic: PocPicture | undefined;
    if (slice && this.sps) {
      try {
        pic = this.picture(slice, this.sps);
      } catch (err) {
        if (!(err instanceof CodecError)) throw err; // a slice we can't read: its PTS stands in
      }
    }
    return this.estimator.next(pic, pts);
  }

  private onParam(n: Uint8Array): void {
    try {
      if (h265NaluType(n) === H265NaluType.Vps) this.estimator.frameDurationHint = parseH265VpsFrameDuration(n) ?? this.estimator.frameDurationHint;
      else if (h265NaluType(n) === H265NaluType.Sps) {
        this.sps = parseH265Sps(n);
        this.estimator.reorder = Math.max(this.estimator.reorder, this.sps.maxNumReorderPics);
      } else if (h265NaluType(n) === H265NaluType.Pps) {
        const p = parseH265Pps(n);
        this.pps.set(p.id, p);
      }
    } catch (err) {
      if (!(err instanceof CodecError)) throw err; // keep the previous parameter sets
    }
  }

  private picture(slice: Uint8Array, sps: H265Sps): PocPicture | undefined {
    const type = h265NaluType(slice);
    const h = parseH265SlicePoc(slice, sps, this.pps);
    if (!h) return undefined;
    const irap = type >= H265NaluType.IrapFirst && type <= H265NaluType.IrapLast;
    // IDR and BLA, and a CRA that starts decoding, begin a new POC count (NoRaslOutputFlag).
    const resets = irap && (type <= 20 || !this.started);
    const maxLsb = 2 ** sps.log2MaxPocLsb;
    let msb: number;
    if (resets) msb = 0;
    else if (h.pocLsb < this.prevTid0Lsb && this.prevTid0Lsb - h.pocLsb >= maxLsb / 2) msb = this.prevTid0Msb + maxLsb;
    else if (h.pocLsb > this.prevTid0Lsb && h.pocLsb - this.prevTid0Lsb > maxLsb / 2) msb = this.prevTid0Msb - maxLsb;
    else msb = this.prevTid0Msb;
    const temporalId = (slice[1]! & 7) - 1;
    if (temporalId === 0 && updatesPrevTid0(type)) { this.prevTid0Msb = msb; this.prevTid0Lsb = h.pocLsb; }
    this.started = true;
    // Only a POC reset anchors the estimator: a CRA inside the stream keeps counting, and its leading pictures
    // (presented before it, decoded after) would otherwise look like a deeper reorder than there is.
    return { randomAccess: resets, poc: msb + h.pocLsb };
  }
}
