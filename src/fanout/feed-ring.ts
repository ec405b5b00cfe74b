/**
 * The latest records of one feed on a shard, by sequence number: readers walk it at their own pace, and a socket that
 * arrives after its first records (handles and records travel on different channels) loses nothing.
 */
export class FeedRing {
  private readonly slots: (Buffer | undefined)[];
  // Float64: sequence numbers go past 2^31 on a stream that runs for months.
  private readonly seqs: Float64Array;
  /** Sequence number after the newest record received (0 before any). */
  end = 0;
  /** True once a record arrived; `end` means nothing before. */
  started = false;

  constructor(readonly capacity: number) {
    this.slots = new Array<Buffer | undefined>(capacity);
    this.seqs = new Float64Array(capacity).fill(-1);
  }

  /** Stores record `seq`; records are stored in order, a gap (records the main process dropped) stays empty. */
  put(seq: number, body: Buffer): void {
    const i = seq % this.capacity;
    this.slots[i] = body;
    this.seqs[i] = seq;
    if (!this.started || seq >= this.end) { this.end = seq + 1; this.started = true; }
  }

  /** Record `seq`, or undefined when it was dropped, overwritten or not received. */
  get(seq: number): Buffer | undefined {
    const i = seq % this.capacity;
    return this.seqs[i] === seq ? this.slots[i] : undefined;
  }

  /** The oldest sequence number the ring can still hold. */
  get oldest(): number { return Math.max(0, this.end - this.capacity); }
}
