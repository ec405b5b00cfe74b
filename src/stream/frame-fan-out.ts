import { FrameBatcher } from './frame-batcher.ts';
import type { Target } from './stream-reader.ts';
import { unitBytes, type Unit } from './unit.ts';

// How long a batch may wait for the rest of its access unit: a publisher that sets no marker bit, or whose last
// packet is late, still reaches the readers within this, as a TCP reader's held writes do (FrameBatchedSocket).
export const FRAME_BATCH_WAIT_MS = 10;

/**
 * The readers of an RTP output that take whole frames (ReaderRtp.frames), and the batching that makes them: a video
 * format's packets are joined into access units (FrameBatcher) and queued once per frame to each reader; other
 * formats' units are queued as they come. One timer per output sends a batch that waits too long.
 */
export class FrameFanOut {
  readonly targets: Target[] = [];
  private readonly batcher: FrameBatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** `isVideo`: whether the format's packets are joined into frames (video) or passed one unit at a time. */
  constructor(isVideo: boolean) {
    this.batcher = isVideo ? new FrameBatcher() : undefined;
  }

  /**
   * Takes `view`, the output's view of `unit`: a view made by the output (not the unit itself) holds a whole access
   * unit already; the unit itself is a publisher's packet passing through.
   */
  write(unit: Unit, view: Unit): void {
    const batcher = this.batcher;
    if (!batcher) { this.queue(view); return; }
    const ready = batcher.add(view, view !== unit);
    for (let f = 0; f < ready.length; f++) this.queue(ready[f]!);
    if (batcher.pending === 0) {
      if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flushDue(), FRAME_BATCH_WAIT_MS).unref();
    }
  }

  /** Removes a reader's targets; with the last one, packets waiting are let go. */
  removeReader(isOf: (t: Target) => boolean): void {
    for (let i = this.targets.length - 1; i >= 0; i--) if (isOf(this.targets[i]!)) this.targets.splice(i, 1);
    if (this.targets.length === 0) this.clear();
  }

  /** Lets go of the packets waiting and the timer. */
  clear(): void {
    this.batcher?.clear();
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
  }

  private flushDue(): void {
    this.timer = undefined;
    const ready = this.batcher?.flush() ?? [];
    for (let f = 0; f < ready.length; f++) this.queue(ready[f]!);
  }

  private queue(frame: Unit): void {
    const list = this.targets;
    const bytes = unitBytes(frame);
    for (let i = 0; i < list.length; i++) list[i]!.reader.push(list[i]!.cb, frame, bytes);
  }
}
