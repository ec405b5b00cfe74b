import type { Description, Format, Media } from '../formats/index.ts';
import type { StreamReader, UnitCallback } from './stream-reader.ts';
import type { Unit } from './unit.ts';
import { GopCache, type GopCacheLimits } from './gop-cache.ts';

/** Counters of a stream, read by the API and metrics. */
export interface StreamStats {
  bytesIn: number;
  framesInError: number;
}

/** A publisher's write handle: where its units enter the stream. */
export interface SubStream {
  writeUnit(media: Media, format: Format, unit: Unit): void;
}

interface Target { reader: StreamReader; cb: UnitCallback }

/**
 * The fan-out point between one publisher and many readers. `writeUnit` is synchronous and O(readers):
 * it only appends to each reader's bounded queue.
 */
export class Stream implements SubStream {
  readonly stats: StreamStats = { bytesIn: 0, framesInError: 0 };
  private readonly targets = new Map<Format, Target[]>();
  private readonly readerSet = new Set<StreamReader>();
  private closed = false;
  private readonly closeListeners: (() => void)[] = [];
  private readonly gop: GopCache | undefined;

  /** `opts.gop`: bounds of the GOP cache (defaults of GopCache); `opts.now`: its clock, for tests. */
  constructor(readonly description: Description, opts: { gop?: Partial<GopCacheLimits>; now?: () => number } = {}) {
    for (const m of description.medias) for (const f of m.formats) this.targets.set(f, []);
    const video = description.medias.find((m) => m.kind === 'video')?.formats[0];
    this.gop = video ? new GopCache(video, opts.gop, opts.now) : undefined;
  }

  /** Readers currently attached. */
  get readers(): ReadonlySet<StreamReader> { return this.readerSet; }

  /** Units and bytes of the GOP being cached, for the API and memory accounting. */
  get gopCacheSize(): { units: number; bytes: number } { return this.gop?.size ?? { units: 0, bytes: 0 }; }

  /**
   * Attaches a reader whose callbacks were registered with onData. With `fromGop`, the reader first receives
   * the units since the last key frame, so it can decode at once (RTMP readers; RTSP readers start live as MediaMTX's do).
   * It walks them in the GOP log at its own pace, not through its bounded queue, so a long GOP can't overflow it.
   */
  addReader(reader: StreamReader, opts: { fromGop?: boolean } = {}): void {
    if (this.closed || this.readerSet.has(reader)) return;
    this.readerSet.add(reader);
    const head = opts.fromGop ? this.gop?.head() : undefined;
    if (head) reader.follow(head);
    for (const [format, { cb }] of reader.callbacks) {
      const list = this.targets.get(format);
      if (list) list.push({ reader, cb });
    }
  }

  /** Detaches a reader. */
  removeReader(reader: StreamReader): void {
    if (!this.readerSet.delete(reader)) return;
    reader.leaveLog();
    for (const list of this.targets.values()) {
      const i = list.findIndex((t) => t.reader === reader);
      if (i >= 0) list.splice(i, 1);
    }
  }

  /** Fans a unit out to every reader of `format`. */
  writeUnit(media: Media, format: Format, unit: Unit): void {
    if (this.closed) return;
    const list = this.targets.get(format);
    if (!list) return;
    if (unit.rtpPackets) for (const p of unit.rtpPackets) this.stats.bytesIn += p.raw.length;
    if (this.gop?.add(media, format, unit) === 'cut') {
      // The log ends before this unit: readers still walking it take this one and the next from their queues.
      for (const r of this.readerSet) r.stopFollowing();
    }
    for (let i = 0; i < list.length; i++) {
      const t = list[i]!;
      t.reader.push(t.cb, unit);
    }
  }

  /** True after close(). */
  get isClosed(): boolean { return this.closed; }

  /** Registers `cb` to run once when the stream closes (immediately if it already did). */
  onClose(cb: () => void): void {
    if (this.closed) cb(); else this.closeListeners.push(cb);
  }

  /** Detaches every reader and notifies close listeners; further writes are ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const r of this.readerSet) this.removeReader(r);
    for (const cb of this.closeListeners.splice(0)) cb();
  }
}
