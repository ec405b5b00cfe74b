import type { Unit, UnitCallback } from './unit.ts';

/** One queued delivery: the callback, the unit and its weight in bytesOut. */
export interface QueuedUnit { cb: UnitCallback; unit: Unit; bytes: number }

// Slots a queue starts with. Why not `capacity` (readBufferCount, 512 by default) at once: three arrays of 512 slots
// are 12 KiB per reader, most of a reader's memory, while a reader that keeps up holds a few units at a time.
const INITIAL_SLOTS = 16;

/**
 * A reader's bounded FIFO of deliveries, kept in parallel arrays: queuing a unit for each of hundreds of readers
 * allocates nothing (an object per reader per packet was a measurable share of the GC work of RTSP fan-out). The
 * arrays start small and double when full, up to `capacity`; `push` refuses (returns false) when `capacity` is reached.
 */
export class UnitQueue {
  private cbs: (UnitCallback | undefined)[];
  private units: (Unit | undefined)[];
  private bytes: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
    const slots = Math.min(capacity, INITIAL_SLOTS);
    this.cbs = new Array<UnitCallback | undefined>(slots).fill(undefined);
    this.units = new Array<Unit | undefined>(slots).fill(undefined);
    this.bytes = new Float64Array(slots);
  }

  /** Deliveries waiting. */
  get size(): number { return this.count; }

  /** Slots allocated now (for tests and memory accounting). */
  get slots(): number { return this.cbs.length; }

  /** Appends a delivery; false when the queue is full (nothing is stored). */
  push(cb: UnitCallback, unit: Unit, bytes: number): boolean {
    if (this.count === this.capacity) return false;
    if (this.count === this.cbs.length) this.grow();
    let i = this.head + this.count;
    if (i >= this.cbs.length) i -= this.cbs.length;
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
    this.head = i + 1 === this.cbs.length ? 0 : i + 1;
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

  /** Doubles the slots (up to capacity), the waiting deliveries first, in order. */
  private grow(): void {
    const slots = Math.min(this.capacity, this.cbs.length * 2);
    const cbs = new Array<UnitCallback | undefined>(slots).fill(undefined);
    const units = new Array<Unit | undefined>(slots).fill(undefined);
    const bytes = new Float64Array(slots);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) % this.cbs.length;
      cbs[k] = this.cbs[i];
      units[k] = this.units[i];
      bytes[k] = this.bytes[i]!;
    }
    this.cbs = cbs;
    this.units = units;
    this.bytes = bytes;
    this.head = 0;
  }
}
