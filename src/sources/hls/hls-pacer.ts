import type { Format, Media } from '../../formats/index.ts';
import { unitBytes, type SubStream, type Unit } from '../../stream/index.ts';

interface Entry { readonly media: Media; readonly format: Format; readonly unit: Unit; readonly seconds: number; readonly bytes: number }

/** A jump of the timeline (EXT-X-DISCONTINUITY, a skipped stretch) larger than this restarts the pacing clock. */
const REBASE_SECONDS = 5;
/**
 * Bytes queued beyond which waitBelow() waits whatever the timestamps say: two of the largest segments the client
 * takes. Why: the seconds ahead are told by timestamps alone, so segments whose timestamps start over (a looped file,
 * an encoder that restarts, a hostile server) never look ahead of the clock, and every listed segment would be
 * fetched at network speed into memory.
 */
const MAX_QUEUED_BYTES = 100 * 1024 * 1024;

/**
 * Writes units into the stream at the pace of their timestamps, as gohlslib's client does: segments arrive in
 * bursts (several at the start, then one per target duration), while readers expect a live stream. Units of all
 * tracks share one clock: seconds of decode time. Per-track queues keep each track in order; the earliest head
 * goes first, so fMP4 parts (all video, then all audio) come out interleaved.
 */
export class HlsPacer {
  private readonly queues = new Map<Format, Entry[]>();
  private timer: NodeJS.Timeout | undefined;
  private base: { seconds: number; wallMs: number } | undefined;
  private lastSeconds = 0;
  private waiters: (() => void)[] = [];
  private isClosed = false;
  private bytes = 0;

  constructor(private readonly sub: SubStream, private readonly now: () => number = Date.now, private readonly maxQueuedBytes = MAX_QUEUED_BYTES) {}

  /** Queues a unit; it is written when the wall clock reaches its time. */
  push(media: Media, format: Format, unit: Unit): void {
    if (this.isClosed) return;
    const seconds = (unit.dts ?? unit.pts) / format.clockRate;
    let q = this.queues.get(format);
    if (!q) { q = []; this.queues.set(format, q); }
    const bytes = unitBytes(unit);
    q.push({ media, format, unit, seconds, bytes });
    this.bytes += bytes;
    this.lastSeconds = Math.max(this.lastSeconds, seconds);
    this.schedule();
  }

  /** Seconds of media queued ahead of the wall clock. */
  get bufferedSeconds(): number {
    if (!this.base || this.isClosed) return 0;
    return Math.max(0, this.lastSeconds - this.clockSeconds());
  }

  /** Bytes of the units queued. */
  get queuedBytes(): number { return this.bytes; }

  /**
   * Resolves once at most `seconds` of media, and at most the byte bound, are queued (or at once); rejects when
   * `signal` aborts.
   */
  async waitBelow(seconds: number, signal: AbortSignal): Promise<void> {
    while (this.bufferedSeconds > seconds || this.bytes > this.maxQueuedBytes) {
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
      await new Promise<void>((resolve) => {
        // Over the byte bound only, the next write (which wakes waiters) or 250 ms decides.
        const aheadMs = (this.bufferedSeconds - seconds) * 1000;
        const t = setTimeout(resolve, aheadMs > 0 ? Math.min(250, aheadMs) : 250);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** Stops writing; queued units are dropped. */
  close(): void {
    this.isClosed = true;
    clearTimeout(this.timer);
    this.queues.clear();
    this.bytes = 0;
    for (const w of this.waiters.splice(0)) w();
  }

  private clockSeconds(): number {
    return this.base ? this.base.seconds + (this.now() - this.base.wallMs) / 1000 : 0;
  }

  private head(): Entry | undefined {
    let best: Entry | undefined;
    for (const q of this.queues.values()) if (q[0] && (!best || q[0].seconds < best.seconds)) best = q[0];
    return best;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (let e = this.head(); e; e = this.head()) {
      if (!this.base || Math.abs(e.seconds - this.clockSeconds()) > REBASE_SECONDS) {
        this.base = { seconds: e.seconds, wallMs: this.now() };
        this.lastSeconds = e.seconds;
        for (const q of this.queues.values()) for (const x of q) this.lastSeconds = Math.max(this.lastSeconds, x.seconds);
      }
      const waitMs = (e.seconds - this.clockSeconds()) * 1000;
      if (waitMs > 1) {
        this.timer = setTimeout(() => this.schedule(), waitMs);
        return;
      }
      this.queues.get(e.format)!.shift();
      this.bytes -= e.bytes;
      this.sub.writeUnit(e.media, e.format, e.unit);
      for (const w of this.waiters.splice(0)) w();
    }
  }
}
