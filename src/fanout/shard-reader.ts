import type { FeedRing } from './feed-ring.ts';
import type { ShardReaderLimits } from './shard-wire.ts';

/** What a shard reader needs of its socket: net.Socket has it. */
export interface ShardSocket {
  write(b: Buffer): boolean;
  cork(): void;
  uncork(): void;
  readonly writableLength: number;
  once(event: 'drain', cb: () => void): unknown;
  removeListener(event: 'drain', cb: () => void): unknown;
}

/**
 * One reader on a shard: writes its feed's records from its own position, batched per call with cork/uncork, under
 * the same bounds as a reader of the main process: it stops at the high-water mark and resumes on drain, drops (and
 * counts) records that fell out of the ring, and fails after `writeTimeoutMs` without draining.
 */
export class ShardReader {
  /** Bytes written since the last report. */
  bytes = 0;
  /** Records dropped since the last report. */
  drops = 0;
  /** Waiting for the socket to drain (write pressure). */
  private paused = false;
  /** Held by its client (RTSP PAUSE): no media until resumeAt(). */
  private held = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly onDrain = (): void => {
    this.paused = false;
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    this.pump();
  };

  constructor(
    private readonly socket: ShardSocket, private readonly ring: FeedRing, private next: number,
    private readonly limits: ShardReaderLimits, private readonly onTimeout: () => void,
  ) {}

  /** Writes what the reader has not sent yet, before record `until`, unless it waits for its socket to drain. */
  pump(until = Infinity): void {
    if (this.held || this.closed) return;
    const ring = this.ring;
    const end = Math.min(ring.end, until);
    if (!ring.started || this.next >= end) return;
    // Behind by more than the reader's queue or the ring holds: the oldest records go, as a full queue would drop.
    // Counted while the reader waits for its socket too, so a stalled reader's drops are reported (and logged) as
    // they happen, as a full queue counts them in the main process.
    const floor = Math.max(ring.oldest, ring.end - this.limits.queueSize);
    if (this.next < floor) { this.drops += floor - this.next; this.next = floor; }
    if (this.paused) return;
    this.socket.cork();
    try {
      while (this.next < end) {
        const b = ring.get(this.next++);
        if (!b) { this.drops++; continue; } // dropped on the way (the pipe to this shard was full)
        this.socket.write(b);
        this.bytes += b.length;
        if (this.socket.writableLength > this.limits.highWaterBytes) { this.pause(); break; }
      }
    } finally {
      this.socket.uncork();
    }
  }

  /** Writes no more media until resumeAt(); the connection's own bytes still go. */
  hold(): void { this.held = true; }

  /**
   * Writes media again from record `seq` on, at the next pump: what the feed sent while held is skipped, not counted
   * as dropped (the client asked not to get it). A reader that is not held only moves forward to `seq`. No pump here:
   * records from `seq` on come after the Resume record on the pipe, and an early Resume is replayed in its place.
   */
  resumeAt(seq: number): void {
    this.held = false;
    if (seq > this.next) this.next = seq;
  }

  /** Writes bytes of the connection itself (its control messages), between whole records. */
  writeOwn(b: Buffer): void {
    if (this.closed) return;
    this.socket.write(b);
    this.bytes += b.length;
  }

  /** Stops writing and clears the timer. */
  close(): void {
    this.closed = true;
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    this.socket.removeListener('drain', this.onDrain);
  }

  private pause(): void {
    this.paused = true;
    this.socket.once('drain', this.onDrain);
    this.timer = setTimeout(() => { this.timer = undefined; if (!this.closed) this.onTimeout(); }, this.limits.writeTimeoutMs);
  }
}
