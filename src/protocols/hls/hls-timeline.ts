import { rescale } from '../../lib/index.ts';

/** Where one track's input ticks land on the output timeline. */
interface TrackClock {
  readonly clockRate: number;
  readonly timescale: number;
  baseIn: number;
  startOut: number;
  lastOut: number | undefined;
  /** The last forward step, used to continue after a jump back. */
  lastStep: number;
}

/** The clock of a track, as the timeline needs it. */
export interface TimelineTrack { readonly id: number; readonly timescale: number; readonly format: { readonly clockRate: number } }

/**
 * The muxer's timeline: decode times of every track, in each track's output ticks, from 0 at the first unit placed
 * (the first video key frame, or the first audio frame without video), increasing for the muxer's whole life.
 *
 * Tracks of an RTP publisher count from unrelated origins, so a track's first unit is placed by its wall-clock time
 * (`unit.ntp`) against the first track's; without wall-clock times (RTMP), the tracks share an origin and their
 * timestamps are compared directly. Afterwards each track advances by its own ticks, in integers.
 */
export class HlsTimeline {
  private ref: { readonly ntpMs: number | undefined; readonly dtsIn: number; readonly clockRate: number } | undefined;
  private readonly clocks = new Map<number, TrackClock>();
  /** Jumps back that the timeline absorbed (publisher restarts, reordered input). */
  jumpsBack = 0;

  /** True once the track's first unit was placed. */
  has(track: TimelineTrack): boolean { return this.clocks.has(track.id); }

  /** The output decode time of a unit with input decode time `dtsIn` (format ticks); places the track at its first unit. */
  place(track: TimelineTrack, dtsIn: number, ntp: Date | undefined): number {
    let c = this.clocks.get(track.id);
    if (!c) {
      c = this.anchor(track, dtsIn, ntp);
      this.clocks.set(track.id, c);
    }
    let out = c.startOut + rescale(dtsIn - c.baseIn, c.clockRate, c.timescale, 'round');
    if (c.lastOut !== undefined) {
      if (out <= c.lastOut) {
        // Decode times must increase (fMP4 sample durations are unsigned). A small step back (reordered input) moves
        // one tick on; a large one (a publisher that restarted its clock) moves the track's origin.
        this.jumpsBack++;
        const next = c.lastOut + (c.lastOut - out > c.timescale ? c.lastStep : 1);
        c.startOut += next - out;
        out = next;
      } else {
        c.lastStep = out - c.lastOut;
      }
    }
    c.lastOut = out;
    return out;
  }

  /** Converts a duration or offset in a track's format ticks to its output ticks. */
  ticks(track: TimelineTrack, ticksIn: number): number {
    return rescale(ticksIn, track.format.clockRate, track.timescale, 'round');
  }

  private anchor(track: TimelineTrack, dtsIn: number, ntp: Date | undefined): TrackClock {
    const ntpMs = ntp?.getTime();
    const clock = { clockRate: track.format.clockRate, timescale: track.timescale, baseIn: dtsIn, lastOut: undefined, lastStep: 1 };
    if (!this.ref) {
      this.ref = { ntpMs, dtsIn, clockRate: track.format.clockRate };
      return { ...clock, startOut: 0 };
    }
    const ref = this.ref;
    const ts = track.timescale;
    const startOut = ntpMs !== undefined && ref.ntpMs !== undefined ? rescale(ntpMs - ref.ntpMs, 1000, ts, 'round')
      : rescale(dtsIn, track.format.clockRate, ts, 'round') - rescale(ref.dtsIn, ref.clockRate, ts, 'round');
    return { ...clock, startOut };
  }
}
