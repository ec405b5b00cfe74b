import { RingBuffer, type Logger } from '../lib/index.ts';
import type { Format, Media } from '../formats/index.ts';
import type { Unit } from './unit.ts';

/** Callback a reader registers for one format. It may return a promise; the queue waits for it. */
export type UnitCallback = (unit: Unit) => void | Promise<void>;

/** Options of a StreamReader. */
export interface StreamReaderOptions {
  /** Entries in the bounded queue (MediaMTX `readBufferCount` / `writeQueueSize`). */
  queueSize: number;
  log: Logger;
  /** Called before a batch of callbacks runs (e.g. `socket.cork()`). */
  beforeBatch?: () => void;
  /** Called after a batch (e.g. `socket.uncork()`), so a batch becomes one writev. */
  afterBatch?: () => void;
  /** Called when a callback throws or rejects; the reader stops. */
  onError?: (err: Error) => void;
}

interface Entry { cb: UnitCallback; unit: Unit }

/**
 * A reader's side of a Stream: a bounded queue drained asynchronously, so the publisher never waits.
 * When the queue is full, new units are dropped and counted ("reader is too slow").
 */
export class StreamReader {
  /** Callbacks per format, read by Stream.addReader. */
  readonly callbacks = new Map<Format, { media: Media; cb: UnitCallback }>();
  private readonly queue: RingBuffer<Entry>;
  private scheduled = false;
  private paused = false;
  private running = false;
  private closed = false;
  private discardedSinceLog = 0;
  private discardLogTimer: NodeJS.Timeout | undefined;
  /** Units dropped because the queue was full. */
  framesDiscarded = 0;

  constructor(private readonly opts: StreamReaderOptions) {
    this.queue = new RingBuffer<Entry>(opts.queueSize);
  }

  /** Registers the callback for units of `format`; call before Stream.addReader. */
  onData(media: Media, format: Format, cb: UnitCallback): void {
    this.callbacks.set(format, { media, cb });
  }

  /** Queues a unit; called synchronously by the Stream. */
  push(cb: UnitCallback, unit: Unit): void {
    if (this.closed) return;
    if (!this.queue.push({ cb, unit })) {
      this.framesDiscarded++;
      this.discardedSinceLog++;
      if (!this.discardLogTimer) {
        this.discardLogTimer = setTimeout(() => this.logDiscarded(), 1000);
        this.discardLogTimer.unref();
      }
      return;
    }
    this.schedule();
  }

  /** Stops draining until resume(), e.g. while the socket's buffer is above its high-water mark. */
  pause(): void { this.paused = true; }

  /** Resumes draining. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.schedule();
  }

  /** Entries waiting in the queue. */
  get queued(): number { return this.queue.size; }

  /** Drops the queue and stops callbacks. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.clear();
    if (this.discardLogTimer) { clearTimeout(this.discardLogTimer); this.logDiscarded(); }
  }

  private logDiscarded(): void {
    this.discardLogTimer = undefined;
    if (this.discardedSinceLog === 0) return;
    this.opts.log.warn(`reader is too slow, discarding ${this.discardedSinceLog} frames`);
    this.discardedSinceLog = 0;
  }

  private schedule(): void {
    if (this.scheduled || this.paused || this.running || this.closed) return;
    this.scheduled = true;
    setImmediate(() => { this.scheduled = false; this.drain(); });
  }

  private drain(): void {
    if (this.paused || this.closed || this.running) return;
    this.running = true;
    this.opts.beforeBatch?.();
    try {
      for (;;) {
        if (this.paused || this.closed) break;
        const e = this.queue.shift();
        if (!e) break;
        const r = e.cb(e.unit);
        if (r instanceof Promise) {
          // Async consumer (muxers): continue after it settles, keeping order.
          this.opts.afterBatch?.();
          r.then(() => { this.running = false; this.schedule(); }, (err: unknown) => this.fail(err));
          return;
        }
      }
    } catch (err) {
      this.opts.afterBatch?.();
      this.fail(err);
      return;
    }
    this.opts.afterBatch?.();
    this.running = false;
  }

  private fail(err: unknown): void {
    this.running = false;
    const e = err instanceof Error ? err : new Error(String(err));
    this.close();
    this.opts.onError?.(e);
  }
}
