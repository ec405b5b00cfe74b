import type { Writable } from 'node:stream';

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
 * Holds a socket's writes (cork) until a frame ends, so that a reader gets one writev per frame instead of one
 * per packet or per batch (docs/performance.md, batch writes per reader). A frame's packets usually arrive from the
 * publisher in a few reads; whatever is held without a frame end goes out within FRAME_FLUSH_DELAY_MS anyway.
 */
export class FrameBatchedSocket {
  private isHolding = false;

  constructor(private readonly socket: Writable) {}

  /** Starts holding writes (idempotent). */
  hold(): void {
    if (this.isHolding || this.socket.destroyed) return;
    this.isHolding = true;
    this.socket.cork();
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
    this.socket.uncork();
  }
}
