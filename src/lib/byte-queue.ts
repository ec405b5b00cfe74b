/**
 * Bytes received in pieces (socket reads), read in place and taken as views of the pieces, never joined. Why: a
 * publisher that writes a message's header and its body in two syscalls (FFmpeg over RTMP) arrives as two reads;
 * joining them to parse copied every media payload once more on ingest. Headers that straddle two pieces are read
 * byte by byte; only the fast path (all in the first piece) uses Buffer's readers.
 */
export class ByteQueue {
  private readonly pieces: Buffer[] = [];
  // First unconsumed piece. Why an index, not `shift()`: once the array outgrows V8's regular objects (~16K pieces, a
  // large chunk drip-fed in small reads), shift moves every element, and taking the pieces became quadratic.
  private head = 0;
  // Read position in pieces[head].
  private offset = 0;
  private bytes = 0;

  /** Bytes queued and not yet skipped or taken. */
  get length(): number {
    return this.bytes;
  }

  /** Appends a piece (kept as is, not copied). */
  push(piece: Buffer): void {
    if (piece.length === 0) return;
    this.pieces.push(piece);
    this.bytes += piece.length;
  }

  /** The byte at `index` from the read position; index must be below `length`. */
  at(index: number): number {
    let k = index + this.offset;
    for (let i = this.head; i < this.pieces.length; i++) {
      const p = this.pieces[i]!;
      if (k < p.length) return p[k]!;
      k -= p.length;
    }
    throw new RangeError(`byte ${index} is beyond the ${this.bytes} queued`);
  }

  /** Big-endian unsigned integer of `size` (1 … 4) bytes at `index`. */
  uintBE(index: number, size: number): number {
    const first = this.pieces[this.head];
    if (first !== undefined && this.offset + index + size <= first.length) return first.readUIntBE(this.offset + index, size);
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + this.at(index + i);
    return v;
  }

  /** Little-endian unsigned 32-bit integer at `index`. */
  uint32LE(index: number): number {
    const first = this.pieces[this.head];
    if (first !== undefined && this.offset + index + 4 <= first.length) return first.readUInt32LE(this.offset + index);
    return (this.at(index) + this.at(index + 1) * 0x100 + this.at(index + 2) * 0x10000 + this.at(index + 3) * 0x1000000);
  }

  /** Drops `count` bytes from the front (count ≤ length). */
  skip(count: number): void {
    this.consume(count, undefined);
  }

  /** Moves `count` bytes from the front into `into`, as the pieces themselves or views of them (count ≤ length). */
  take(count: number, into: Buffer[]): void {
    this.consume(count, into);
  }

  private consume(count: number, into: Buffer[] | undefined): void {
    if (count > this.bytes) throw new RangeError(`cannot take ${count} of ${this.bytes} bytes`);
    this.bytes -= count;
    while (count > 0) {
      const p = this.pieces[this.head]!;
      const left = p.length - this.offset;
      if (count < left) {
        into?.push(p.subarray(this.offset, this.offset + count));
        this.offset += count;
        break;
      }
      into?.push(this.offset === 0 ? p : p.subarray(this.offset));
      this.head++;
      this.offset = 0;
      count -= left;
    }
    // Consumed pieces are dropped in bulk, once they are most of the array: amortised constant time per piece, and
    // no consumed read stays referenced for long.
    if (this.head === this.pieces.length) { this.pieces.length = 0; this.head = 0; }
    else if (this.head >= 64 && this.head * 2 >= this.pieces.length) { this.pieces.splice(0, this.head); this.head = 0; }
  }
}
