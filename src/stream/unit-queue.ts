import type { UnitCallback } from './stream-reader.ts';
import type { Unit } from './unit.ts';

/** One queued delivery: the callback, the unit and its weight in bytesOut. */
export interface QueuedUnit { cb: UnitCallback; unit: Unit; bytes: number }

/**
 * A reader's bounded FIFO of deliveries, kept in parallel arrays: queuing a unit for each of hundreds of readers
 * allocates nothing (an object per reader per packet was a measurable share of the GC work of RTSP fan-out).
 * `push` refuses (returns false) when full instead of growing.
 */
export class UnitQueue {
  private readonly cbs: (UnitCallback | undefined)[];
  private readonly units: (Unit | undefined)[];
  private readonly bytes: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
    this.cbs = new Array<UnitCallback | undefined>(capacity).fill(undefined);
    this.units = new Array<Unit | undefined>(capacity).fill(undefined);
    this.bytes = new Float64Array(capacity);
  }

  /** Deliveries waiting. */
  get size(): number { return this.count; }

  /** Appends a delivery; false when the queue is full (nothing is stored). */
  push(cb: UnitCallback, unit: Unit, bytes: number): boolean {
    if (this.count === this.capacity) return false;
    let i = this.head + this.count;
    if (i >= this.capacity) i -= this.capacity;
    this.cbs[i] = cb;
    this.units[i] = unit;
    this.bytes[i] = bytes;
    this.count++;
    return true;
  }

  /** Moves the oldest delivery into `out`; false when the queue is empty. */
  shiftInto(out: QueuedUnit): boolean {
    if (this.count === 0) return false;
    const i = this.head;
    out.cb = this.cbs[i]!;
    out.unit = this.units[i]!;
    out.bytes = this.bytes[i]!;
    this.cbs[i] = undefined;
    this.units[i] = undefined;
    this.head = i + 1 === this.capacity ? 0 : i + 1;
    this.count--;
    return true;
  }

  /** Drops every delivery. */
  clear(): void {
    this.cbs.fill(undefined);
    this.units.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}
