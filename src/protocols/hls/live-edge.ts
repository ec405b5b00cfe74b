import { rescale } from '../../lib/index.ts';

/**
 * Tells when a muxer that was fed a backlog (the stream's GOP cache, written to it at once) has reached the live
 * edge: units of a backlog arrive much faster than their timestamps advance, live units at the pace of their
 * timestamps. A unit arrives live when the wall-clock time since the previous unit is at least half the media time
 * between them.
 */
export class LiveEdge {
  private prevTicks: number | undefined;
  private prevWallMs = 0;
  private firstTicks = 0;
  private firstWallMs = 0;
  /** Media time the muxer received ahead of the wall clock, at most: the length of the backlog, in ms. */
  backlogMs = 0;

  /** `now`: the muxer's clock in ms. */
  constructor(private readonly now: () => number) {}

  /** Records a unit of the leading track at `ticks` (`timescale` per second); true when it arrived at the live pace. */
  observe(ticks: number, timescale: number): boolean {
    const wallMs = this.now();
    const prev = this.prevTicks;
    this.prevTicks = ticks;
    const prevWallMs = this.prevWallMs;
    this.prevWallMs = wallMs;
    if (prev === undefined) {
      this.firstTicks = ticks;
      this.firstWallMs = wallMs;
      return false;
    }
    const mediaMs = rescale(ticks - this.firstTicks, timescale, 1000, 'round');
    this.backlogMs = Math.max(this.backlogMs, mediaMs - (wallMs - this.firstWallMs));
    const stepMs = rescale(ticks - prev, timescale, 1000, 'round');
    return stepMs > 0 && wallMs - prevWallMs >= stepMs / 2;
  }
}
