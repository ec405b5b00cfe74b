// Why: a reader's batch (an audio frame or two and the next video frame) went out as one writev of its 2–3 shared
// buffers, through Node's cork/uncork: a buffered-write record per buffer, an array per writev, in every reader. The
// readers of one stream drain the same batch in the same turn, so the batch joined once into one buffer serves them
// all, and each reader makes a single plain write (docs/performance.md, Batch writes).

/** How many recent batches a SharedJoin remembers: readers that lag by a batch or two still find theirs. */
const SLOTS = 4;

/** Largest batch joined: beyond it (a joining reader's burst from the GOP cache) the writer sends the parts as they are. */
export const SHARED_JOIN_MAX_PARTS = 16;

/** Largest total size joined, bytes: a reader catching up on many frames would copy them all for itself alone. */
export const SHARED_JOIN_MAX_BYTES = 512 * 1024;

interface Slot { parts: Buffer[]; joined: Buffer }

/**
 * Joins the buffers of a reader's batch into one, once for every reader whose batch holds the same buffers (the
 * same objects, in the same order): the first reader copies, the others get the same bytes. Parts are shared
 * buffers that are never written to after they are made (a stream's serialised messages), so identity is content.
 */
export class SharedJoin {
  private readonly slots: Slot[] = [];
  private next = 0;

  /** True when `join` should be used for these parts: more than one, and few and small enough to copy. */
  static fits(parts: readonly Buffer[], bytes: number): boolean {
    return parts.length > 1 && parts.length <= SHARED_JOIN_MAX_PARTS && bytes <= SHARED_JOIN_MAX_BYTES;
  }

  /** The parts as one buffer: the one made for an earlier reader with the same parts, or a new one. */
  join(parts: readonly Buffer[], bytes: number): Buffer {
    for (let s = 0; s < this.slots.length; s++) {
      const slot = this.slots[s]!;
      if (sameParts(slot.parts, parts)) return slot.joined;
    }
    const joined = Buffer.concat(parts as Buffer[], bytes);
    const slot = { parts: parts.slice(), joined };
    if (this.slots.length < SLOTS) this.slots.push(slot);
    else this.slots[this.next] = slot;
    this.next = (this.next + 1) % SLOTS;
    return joined;
  }

  /** Forgets the batches it holds (their buffers can then be freed). */
  clear(): void {
    this.slots.length = 0;
    this.next = 0;
  }
}

function sameParts(a: readonly Buffer[], b: readonly Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
