import type { Format, Media } from '../../formats/index.ts';
import type { SubStream, Unit } from '../../stream/index.ts';

interface Entry { readonly media: Media; readonly format: Format; readonly unit: Unit; readonly seconds: number }

/** A jump of the timeline (EXT-X-DISCONTINUITY, a skipped stretch) larger than this restarts the pacing clock. */
const REBASE_SECONDS = 5;

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

  constructor(private readonly sub: SubStream, private readonly now: () => number = Date.now) {}

  /** Queues a unit; it is written when the wall clock reaches its time. */
  push(media: Media, format: Format, unit: Unit): void {
    if (this.isClosed) return;
    const seconds = (unit.dts ?? unit.pts) / format.clockRate;
    let q = this.queues.get(format);
    if (!q) { q = []; this.queues.set(format, q); }
    q.push({ media, format, unit, seconds });
    this.lastSeconds = Math.max(this.lastSeconds, seconds);
    this.schedule();
  }

  /** Seconds of media queued ahead of the wall clock. */
  get bufferedSeconds(): number {
    if (!this.base || this.isClosed) return 0;
    return Math.max(0, this.lastSeconds - this.clockSeconds());
  }

  /** Resolves once at most `seconds` of media are queued (or at once); rejects when `signal` aborts. */
  async waitBelow(seconds: number, signal: AbortSignal): Promise<void> {
    while (this.bufferedSeconds > seconds) {
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(250, (this.bufferedSeconds - seconds) * 1000));
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** Stops writing; queued units are dropped. */
  close(): void {
    this.isClosed = true;
    clearTimeout(this.timer);
    this.queues.clear();
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
      this.sub.writeUnit(e.media, e.format, e.unit);
      for (const w of this.waiters.splice(0)) w();
    }
  }
}
