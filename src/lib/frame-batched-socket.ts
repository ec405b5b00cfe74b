import type { Writable } from 'node:stream';
import { SharedJoin } from './shared-join.ts';

/** How long the tail of a frame may wait in a held socket for the rest of the frame (or the next one). */
export const FRAME_FLUSH_DELAY_MS = 10;

// One timer for every held socket of the process: thousands of readers cost one setTimeout per window, not one each.
const due = new Set<FrameBatchedSocket>();
let timer: NodeJS.Timeout | undefined;

function flushDue(): void {
  timer = undefined;
  const sockets = [...due];
  due.clear();
  for (const s of sockets) s.flush();
}

/**
 * Holds a socket's writes until a frame ends, so that a reader sends one write per frame instead of one per packet
 * or per batch (docs/performance.md, batch writes per reader). A frame's packets usually arrive from the publisher in
 * a few reads; whatever is held without a frame end goes out within FRAME_FLUSH_DELAY_MS anyway. What is held goes
 * out as one buffer, joined once for every reader of the stream holding the same buffers (SharedJoin); a batch too
 * large to copy goes out as one writev (cork/uncork).
 */
export class FrameBatchedSocket {
  private isHolding = false;
  private readonly parts: Buffer[] = [];
  private heldBytes = 0;
  private join: SharedJoin | undefined;

  constructor(private readonly socket: Writable) {}

  /** Bytes held, not yet handed to the socket. */
  get held(): number { return this.heldBytes; }

  /**
   * Starts holding writes (idempotent). `join`: where batches are joined, shared by the readers whose batches hold
   * the same buffers (one per stream); without it each batch is joined for this socket alone.
   */
  hold(join?: SharedJoin): void {
    if (this.isHolding || this.socket.destroyed) return;
    this.isHolding = true;
    this.join = join;
  }

  /** Writes `b`, or holds it while a batch is held. */
  write(b: Buffer): void {
    if (!this.isHolding) { this.socket.write(b); return; }
    this.parts.push(b);
    this.heldBytes += b.length;
  }

  /**
   * Ends a batch of writes: with `isFrameEnd` (or `force`), what is held goes out now; otherwise within
   * FRAME_FLUSH_DELAY_MS.
   */
  endBatch(isFrameEnd: boolean): void {
    if (!this.isHolding) return;
    if (isFrameEnd) { this.flush(); return; }
    due.add(this);
    timer ??= setTimeout(flushDue, FRAME_FLUSH_DELAY_MS).unref();
  }

  /** Sends what is held now (before an RTSP response, before waiting for 'drain', when the writer stops). */
  flush(): void {
    due.delete(this);
    if (!this.isHolding) return;
    this.isHolding = false;
    const parts = this.parts;
    const bytes = this.heldBytes;
    this.heldBytes = 0;
    if (parts.length === 0) return;
    if (parts.length === 1) {
      this.socket.write(parts[0]!);
    } else if (SharedJoin.fits(parts, bytes)) {
      this.socket.write(this.join ? this.join.join(parts, bytes) : Buffer.concat(parts, bytes));
    } else {
      this.socket.cork();
      for (const p of parts) this.socket.write(p);
      this.socket.uncork();
    }
    parts.length = 0;
  }
}
