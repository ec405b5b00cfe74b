import type { Logger } from '../lib/index.ts';
import type { Codec, Format, FormatOf, Media } from '../formats/index.ts';
import type { GopSegment } from './gop-cache.ts';
import { unitBytes, type Unit, type UnitCallback } from './unit.ts';
import { UnitQueue, type QueuedUnit } from './unit-queue.ts';

export type { UnitCallback } from './unit.ts';

/** A reader's callback for one format, as a stream's format keeps it. */
export interface Target { readonly reader: StreamReader; readonly cb: UnitCallback }

/** The unit a reader of RTP gets for a unit of the GOP log (with the packets of its size), or undefined to skip it. */
export type LogView = (unit: Unit) => Unit | undefined;

/**
 * What a reader's queue entries are, which is what its "discarding N …" log line and `discarded` count.
 * 'packets' (RTSP readers): every unit is queued; a dropped unit counts its RTP packets.
 * 'frames' (RTMP readers): only units carrying a payload (an access unit, audio frames) are queued, one entry each;
 * the payload-less units of RTP sources (fragments of an access unit) mean nothing to such a reader and are skipped.
 */
export type ReaderEntries = 'packets' | 'frames';

/** The RTP a reader asks for (StreamReaderOptions.rtp). */
export interface ReaderRtp {
  /** Largest packet, header included. */
  readonly maxPacketSize: number;
  /**
   * Packets made by the stream from each unit's payload, never the publisher's own: one unit per access unit, so the
   * reader can join from the GOP cache and start at a key frame. The packets of the units a joining reader walks in
   * the GOP log are made when it first needs them, out of the live order: the reader numbers packets itself (WebRTC
   * peers do).
   */
  readonly fromPayloads?: boolean;
  /**
   * The packets of a video access unit come in one unit, when its last packet arrives, instead of one unit per packet
   * of the publisher (FrameBatcher). For readers that send a frame's packets together anyway (RTSP over TCP holds
   * its writes until a frame ends; over UDP they leave in one batch): one queue entry and one callback per frame.
   * The queue then counts frames, as MediaMTX's does for every reader. Ignored with `fromPayloads` (whole units already).
   */
  readonly frames?: boolean;
}

/** Options of a StreamReader. */
export interface StreamReaderOptions {
  /** Entries in the bounded queue (MediaMTX `readBufferCount` / `writeQueueSize`). */
  queueSize: number;
  log: Logger;
  /** What the queue holds and the discard count counts; 'packets' by default. */
  entries?: ReaderEntries;
  /**
   * Asks for RTP: every unit then carries RTP packets of at most `maxPacketSize` bytes, header included (RTSP
   * readers: udpMaxPayloadSize; WebRTC: ~1,200 and `fromPayloads`), made by the stream once for all readers of that
   * kind and size unless the publisher's own packets fit. Without it, units come as written: payloads, and RTP only
   * when the publisher sent RTP.
   */
  rtp?: ReaderRtp;
  /** Called before a batch of callbacks runs (e.g. `socket.cork()`). */
  beforeBatch?: () => void;
  /** Called after a batch (e.g. `socket.uncork()`), so a batch becomes one writev. */
  afterBatch?: () => void;
  /** Called when a callback throws or rejects; the reader stops. */
  onError?: (err: Error) => void;
}


/** A read-only copy of a reader's counters, for the API and metrics. */
export interface StreamReaderSnapshot {
  readonly entries: ReaderEntries;
  /** Entries waiting in the queue. */
  readonly queued: number;
  /** Entries dropped because the reader was too slow (RTP packets or frames, as `entries` says). */
  readonly discarded: number;
  /** Bytes of the units delivered to the reader's callbacks (RTP packets, or payloads). */
  readonly bytesOut: number;
  /** True while the reader delivers its join burst from the GOP cache. */
  readonly inBurst: boolean;
}

// Lazy units (onData's `lazy`) that may wait for another unit before the reader drains: past this many the reader
// drains anyway, so an audio track goes out at least every third frame (~64 ms of AAC) when the video stops.
const LAZY_WAIT_MAX = 3;

/** Options of StreamReader.onData. */
export interface OnDataOptions {
  /**
   * The format's units may wait in the queue for the next unit of another format before the reader drains (at most
   * LAZY_WAIT_MAX of them): an audio track's frames then go out with the next video frame, one socket write instead
   * of two. Why: 47 AAC frames a second between 30 video frames were a third of a TCP reader's event-loop turns and
   * writes; the audio is late by at most the gap between video frames, and arrives in order.
   */
  readonly lazy?: boolean;
}

// Units taken from the GOP log per batch: between batches afterBatch runs, where a writer checks its socket's
// backpressure and may pause, so a joining reader's burst never lands in the socket all at once.
const LOG_BATCH = 64;

/**
 * A reader's side of a Stream: a bounded queue drained asynchronously, so the publisher never waits.
 * When the queue is full, new units are dropped and counted ("reader is too slow").
 *
 * A reader that joins from the GOP cache first walks the stream's GOP log (`follow`) instead of its queue: the log
 * already holds every unit since the key frame and keeps growing with live ones, so nothing is copied or queued
 * for the burst, and the reader drains it at its own pace, paused by backpressure like live units. Once it reaches
 * the end of the log it switches to its queue, from the next unit written on. Order is the stream's write order
 * throughout, and no unit is delivered twice or skipped.
 */
export class StreamReader {
  /** Callbacks per format, read by Stream.addReader. */
  readonly callbacks = new Map<Format, { media: Media; cb: UnitCallback; logView?: LogView }>();
  /** What the queue holds and `discarded` counts. */
  readonly entries: ReaderEntries;
  private readonly queue: UnitQueue;
  /** The delivery being made, reused: draining allocates nothing per unit. */
  private readonly current: QueuedUnit = { cb: () => undefined, unit: { pts: 0 }, bytes: 0 };
  private readonly framesOnly: boolean;
  /** Position in the GOP log while the burst is delivered; cleared at its end. */
  private cursor: { seg: GopSegment; i: number } | undefined;
  /** True while units written to the stream reach this reader through the log rather than its queue. */
  private following = false;
  private scheduled = false;
  private paused = false;
  private running = false;
  private closed = false;
  private discardedSinceLog = 0;
  /** Callbacks registered with `lazy`, and lazy units waiting since the last drain. */
  private readonly lazy = new Set<UnitCallback>();
  private lazyWaiting = 0;
  private discardLogTimer: NodeJS.Timeout | undefined;
  /** Entries dropped because the reader was too slow: RTP packets or frames, as `entries` says. */
  discarded = 0;
  /** Bytes of the units delivered to the callbacks. */
  bytesOut = 0;
  /** The stream's counters, which delivered bytes are added to too. */
  private streamCounters: { bytesOut: number } | undefined;

  constructor(private readonly opts: StreamReaderOptions) {
    this.queue = new UnitQueue(opts.queueSize);
    this.entries = opts.entries ?? 'packets';
    this.framesOnly = this.entries === 'frames';
  }

  /** The RTP the reader asked for (`rtp` option), or undefined for units as written. */
  get rtp(): ReaderRtp | undefined { return this.opts.rtp; }

  /**
   * Registers the callback for units of `format`; call before Stream.addReader. The callback's units are typed by
   * the format's codec: narrowing `format.codec` before the call narrows their payload.
   */
  onData<C extends Codec>(media: Media, format: FormatOf<C>, cb: UnitCallback<C>, options?: OnDataOptions): void {
    // Kept type-erased: the stream calls it only with units written for this format, so of codec C.
    this.callbacks.set(format, { media, cb: cb as UnitCallback });
    if (options?.lazy) this.lazy.add(cb as UnitCallback);
  }

  /** Called by Stream.addReader: bytes delivered from now on are added to the stream's counters too. */
  countInto(counters: { bytesOut: number }): void { this.streamCounters = counters; }

  /** Called by Stream.addReader for readers of RTP joining from the GOP cache: how units of `format` in the log are seen. */
  viewLogWith(format: Format, view: LogView): void {
    const r = this.callbacks.get(format);
    if (r) r.logView = view;
  }

  /** A read-only copy of the counters. */
  snapshot(): StreamReaderSnapshot {
    return { entries: this.entries, queued: this.queue.size, discarded: this.discarded, bytesOut: this.bytesOut, inBurst: this.inBurst };
  }

  /**
   * Starts delivery with the GOP log from `seg`'s first unit (its key frame); called by Stream.addReader, at the
   * moment the reader is attached, so the log and the live units that follow it join without a gap.
   */
  follow(seg: GopSegment): void {
    if (this.closed) return;
    this.cursor = { seg, i: 0 };
    this.following = true;
    this.schedule();
  }

  /**
   * The stream stopped recording its GOP log (a GOP outgrew the cache): the reader finishes what the log holds,
   * then continues with its queue, which receives units from now on.
   */
  stopFollowing(): void { this.following = false; }

  /** The reader was detached from the stream: whatever the GOP log still holds or gains is no longer for it. */
  leaveLog(): void {
    this.cursor = undefined;
    this.following = false;
  }

  /** Queues a unit; called synchronously by the Stream, which gives its size (unitBytes) once for all readers. */
  push(cb: UnitCallback, unit: Unit, bytes = unitBytes(unit)): void {
    if (this.closed) return;
    if (this.following) {
      // The unit is in the log already; only a reader more than a whole GOP behind needs attention.
      if (this.cursor?.seg.next?.next) this.skipToLatestGop();
      if (!this.waitsLazily(cb)) this.schedule();
      return;
    }
    if (this.framesOnly && unit.payload === undefined) return;
    if (!this.queue.push(cb, unit, bytes)) {
      this.countDiscarded(this.weight(unit));
      return;
    }
    if (!this.waitsLazily(cb)) this.schedule();
  }

  /** True when a unit of `cb` may wait for the next drain (onData's `lazy`), counting it among those waiting. */
  private waitsLazily(cb: UnitCallback): boolean {
    return this.lazy.size !== 0 && this.lazy.has(cb) && ++this.lazyWaiting < LAZY_WAIT_MAX;
  }

  /** Stops draining until resume(), e.g. while the socket's buffer is above its high-water mark. */
  pause(): void { this.paused = true; }

  /** Resumes draining. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.schedule();
  }

  /** Entries waiting in the queue (the GOP log not included). */
  get queued(): number { return this.queue.size; }

  /** True while the reader delivers the GOP log (its join burst) rather than its queue. */
  get inBurst(): boolean { return this.cursor !== undefined; }

  /** Drops the queue and stops callbacks. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.leaveLog();
    this.queue.clear();
    if (this.discardLogTimer) { clearTimeout(this.discardLogTimer); this.logDiscarded(); }
  }

  /** What a dropped unit counts for, in `entries`. */
  private weight(unit: Unit): number {
    return this.framesOnly ? 1 : unit.rtpPackets?.length ?? 0;
  }

  private countDiscarded(n: number): void {
    if (n === 0) return;
    this.discarded += n;
    this.discardedSinceLog += n;
    if (!this.discardLogTimer) {
      this.discardLogTimer = setTimeout(() => this.logDiscarded(), 1000);
      this.discardLogTimer.unref();
    }
  }

  private logDiscarded(): void {
    this.discardLogTimer = undefined;
    if (this.discardedSinceLog === 0) return;
    this.opts.log.warn(`reader is too slow, discarding ${this.discardedSinceLog} ${this.entries}`);
    this.discardedSinceLog = 0;
  }

  /**
   * The reader is still in a GOP older than the previous one: it falls behind the stream. As a live reader drops
   * what its queue can't hold, it drops the rest of the old GOPs (counted) and resumes at the latest key frame,
   * which also lets the old GOPs be freed.
   */
  private skipToLatestGop(): void {
    const c = this.cursor!;
    let n = 0;
    for (;;) {
      for (let i = c.i; i < c.seg.units.length; i++) {
        const cu = c.seg.units[i]!;
        if (this.callbacks.has(cu.format) && !(this.framesOnly && cu.unit.payload === undefined)) n += this.weight(cu.unit);
      }
      if (!c.seg.next) break;
      c.seg = c.seg.next;
      c.i = 0;
      if (!c.seg.next) break;
    }
    this.countDiscarded(n);
  }

  /** Fills `out` with the next unit of the GOP log for this reader; false at its end, where the cursor is cleared. */
  private nextFromLog(out: QueuedUnit): boolean {
    const c = this.cursor!;
    for (;;) {
      if (c.i < c.seg.units.length) {
        const cu = c.seg.units[c.i++]!;
        if (this.framesOnly && cu.unit.payload === undefined) continue;
        const r = this.callbacks.get(cu.format);
        const unit = r?.logView ? r.logView(cu.unit) : cu.unit;
        if (r && unit) { out.cb = r.cb; out.unit = unit; out.bytes = unitBytes(unit); return true; }
        continue;
      }
      if (c.seg.next) { c.seg = c.seg.next; c.i = 0; continue; }
      // The end of the log. If it is still being recorded, this is the live edge: units written from now on go
      // to the queue. If it was cut, stopFollowing already sent them there.
      this.following = false;
      this.cursor = undefined;
      return false;
    }
  }

  private schedule(): void {
    if (this.scheduled || this.paused || this.running || this.closed) return;
    this.scheduled = true;
    setImmediate(() => { this.scheduled = false; this.drain(); });
  }

  private drain(): void {
    if (this.paused || this.closed || this.running) return;
    this.running = true;
    this.lazyWaiting = 0;
    this.opts.beforeBatch?.();
    let fromLog = 0;
    try {
      for (;;) {
        if (this.paused || this.closed) break;
        const e = this.current;
        let has = false;
        if (this.cursor) {
          if (fromLog === LOG_BATCH) {
            // Let the writer check its backpressure, then go on in the next turn unless it paused us.
            this.opts.afterBatch?.();
            this.running = false;
            this.schedule();
            return;
          }
          has = this.nextFromLog(e);
          fromLog++;
        }
        if (!has && !this.queue.shiftInto(e)) break;
        this.bytesOut += e.bytes;
        if (this.streamCounters) this.streamCounters.bytesOut += e.bytes;
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
