import { VIDEO_CLOCK_RATE } from '../lib/index.ts';

// Timestamps here (DTS estimation, frame durations read from parameter sets) are in the 90 kHz clock that RTP
// (RFC 6184 §5.1, RFC 7798 §4.1) and MPEG-TS carry H264/H265 in.
// Assumed frame duration (30 fps) when neither the bitstream nor earlier frames tell it.
const DEFAULT_FRAME_DURATION = VIDEO_CLOCK_RATE / 30;

/** One picture as the DTS estimator needs it: whether it starts a GOP, and its picture order count. */
export interface PocPicture { readonly randomAccess: boolean; readonly poc: number }

/**
 * Decoding timestamps from PTS and picture order (shared by H264 and H265). Decode index i and presentation index
 * p (POC / step, relative to the last random-access picture) give the number of frames k = p − i + R between
 * decoding and presentation, R being the reorder depth. With the previous DTS, a frame duration
 * d = (PTS − prevDTS) / (k + 1) follows, and DTS = PTS − k·d. R comes from the SPS when the encoder wrote it;
 * otherwise, and when a picture needs more, it is learnt. DTS always increases and, as far as the input allows,
 * is never after PTS.
 */
export class PocDtsEstimator {
  reorder = 0;
  /** Frame duration from the stream's timing info, used at the first random-access picture. */
  frameDurationHint: number | undefined;
  private decodeIndex = 0;
  private anchorPoc = 0;
  private prevDts: number | undefined;
  private frameDuration: number | undefined;
  private anchored = false;

  constructor(private pocStep: number) {}

  /** DTS of a picture, or of an access unit whose picture order is unknown (`pic` undefined: DTS = PTS). */
  next(pic: PocPicture | undefined, pts: number): number {
    let dts = pic ? this.fromPoc(pic, pts) : pts;
    if (this.prevDts !== undefined && dts <= this.prevDts) dts = this.prevDts + 1;
    dts = Math.round(dts);
    if (this.prevDts !== undefined && this.anchored) this.frameDuration = dts - this.prevDts;
    this.prevDts = dts;
    return dts;
  }

  private fromPoc(pic: PocPicture, pts: number): number {
    if (pic.randomAccess) { this.anchored = true; this.decodeIndex = 0; this.anchorPoc = pic.poc; } else this.decodeIndex++;
    if (!this.anchored) return pts;
    // An odd distance means the encoder steps POC by 1 per frame, not 2 (H264 field-style numbering).
    if ((pic.poc - this.anchorPoc) % 2 !== 0) this.pocStep = 1;
    const p = (pic.poc - this.anchorPoc) / this.pocStep;
    let k = p - this.decodeIndex + this.reorder;
    if (k < 0) { this.reorder -= k; k = 0; } // presented earlier than R allows: R was too small
    if (pic.randomAccess || this.prevDts === undefined) return pts - k * (this.frameDuration ?? this.frameDurationHint ?? DEFAULT_FRAME_DURATION);
    return pts - (k * (pts - this.prevDts)) / (k + 1);
  }
}
