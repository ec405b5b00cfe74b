import type { Description, Format, Media } from '../formats/index.ts';
import type { StreamReader, UnitCallback } from './stream-reader.ts';
import type { Unit } from './unit.ts';

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

  constructor(readonly description: Description) {
    for (const m of description.medias) for (const f of m.formats) this.targets.set(f, []);
  }

  /** Readers currently attached. */
  get readers(): ReadonlySet<StreamReader> { return this.readerSet; }

  /** Attaches a reader whose callbacks were registered with onData. */
  addReader(reader: StreamReader): void {
    if (this.closed || this.readerSet.has(reader)) return;
    this.readerSet.add(reader);
    for (const [format, { cb }] of reader.callbacks) {
      const list = this.targets.get(format);
      if (list) list.push({ reader, cb });
    }
  }

  /** Detaches a reader. */
  removeReader(reader: StreamReader): void {
    if (!this.readerSet.delete(reader)) return;
    for (const list of this.targets.values()) {
      const i = list.findIndex((t) => t.reader === reader);
      if (i >= 0) list.splice(i, 1);
    }
  }

  /** Fans a unit out to every reader of `format`. */
  writeUnit(_media: Media, format: Format, unit: Unit): void {
    if (this.closed) return;
    const list = this.targets.get(format);
    if (!list) return;
    if (unit.rtpPackets) for (const p of unit.rtpPackets) this.stats.bytesIn += p.raw.length;
    for (let i = 0; i < list.length; i++) {
      const t = list[i]!;
      t.reader.push(t.cb, unit);
    }
  }

  /** Detaches every reader; further writes are ignored. */
  close(): void {
    this.closed = true;
    for (const r of this.readerSet) this.removeReader(r);
  }
}
