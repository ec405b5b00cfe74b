import { VIDEO_CLOCK_RATE } from '../../lib/index.ts';

// How much of the gap between the nominal and the arrival time each frame closes: small, so that pipe jitter does
// not reach the timestamps, large enough to follow a camera whose real rate differs from the configured one.
const CORRECTION = 1 / 8;
// Beyond this gap the clock jumps to the arrival time (the camera stalled, or frames were lost).
const MAX_GAP_MS = 1000;

/**
 * Presentation times, in 90 kHz ticks from 0, of frames read from a camera tool's pipe, which carries no timestamps:
 * frames are spaced by the configured frame rate, pulled gently toward their arrival times, and strictly increase.
 */
export class RpiCameraFrameClock {
  private readonly frameTicks: number;
  private originMs: number | undefined;
  private prev = 0;

  constructor(fps: number) {
    this.frameTicks = VIDEO_CLOCK_RATE / (fps > 0 ? fps : 30);
  }

  /** The pts of the frame that arrived at `arrivalMs` (a monotonic clock such as performance.now()). */
  next(arrivalMs: number): number {
    if (this.originMs === undefined) {
      this.originMs = arrivalMs;
      this.prev = 0;
      return 0;
    }
    const arrival = ((arrivalMs - this.originMs) * VIDEO_CLOCK_RATE) / 1000;
    const nominal = this.prev + this.frameTicks;
    const gap = arrival - nominal;
    const pts = Math.abs(gap) > (MAX_GAP_MS * VIDEO_CLOCK_RATE) / 1000 ? arrival : nominal + gap * CORRECTION;
    this.prev = Math.max(this.prev + 1, Math.round(pts));
    return this.prev;
  }
}
