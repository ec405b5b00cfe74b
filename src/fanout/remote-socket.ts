import { EventEmitter } from 'node:events';

/** How a RemoteSocket reaches its shard. */
export interface RemoteSocketLink {
  /** Sends bytes for this connection down the shard's pipe. */
  write(b: Buffer): void;
  /** Asks the shard to end the socket after the bytes written so far (in pipe order). */
  end(): void;
  /** Asks the shard to close the socket. */
  close(): void;
  /** Asks the shard to write no media after the records sent so far (in pipe order). */
  hold(): void;
  /** Asks the shard to write media again from feed record `seq` on. */
  resume(seq: number): void;
}

/**
 * The main process's stand-in for a socket a fan-out shard owns: what the client sends arrives as 'data', what the
 * connection writes goes to the shard, and 'error'/'close' come when the shard reports the socket gone (or exits).
 * Counters are as the shard last reported them, once a second.
 */
export class RemoteSocket extends EventEmitter {
  /** Bytes the shard wrote to the socket, media included. */
  bytesWritten = 0;
  /** Records the shard dropped because the reader was too slow. */
  discarded = 0;
  /** Unsent bytes in the socket, as last reported. */
  writableLength = 0;
  /** Called with the bytes written since the last report. */
  onBytes: ((n: number) => void) | undefined;
  /** Called with the records dropped since the last report (at most once a second): the "too slow" log line. */
  onDrops: ((n: number) => void) | undefined;
  private closed = false;
  private ending = false;

  constructor(private readonly link: RemoteSocketLink) { super(); }

  /** True once closed from either side. */
  get destroyed(): boolean { return this.closed; }

  /** Queues bytes for the client after the records the shard has; always true (the shard bounds the socket). Ignored after end(). */
  write(b: Buffer): boolean {
    if (!this.closed && !this.ending) this.link.write(b);
    return true;
  }

  /**
   * Ends the socket once the shard has written what was queued before (like net.Socket.end): the shard writes the
   * media records before it and the connection's bytes, then sends FIN and stops writing. 'close' follows when the
   * shard reports the socket gone (it destroys one whose client does not close within writeTimeout).
   */
  end(): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    this.link.end();
  }

  /** The shard writes no more of the feed after what was sent so far (RTSP PAUSE); the connection's bytes still go. */
  holdFeed(): void {
    if (!this.closed && !this.ending) this.link.hold();
  }

  /** The shard writes the feed again from record `seq` on (RTSP PLAY after PAUSE). */
  resumeFeed(seq: number): void {
    if (!this.closed && !this.ending) this.link.resume(seq);
  }

  /** Closes the socket on the shard; 'close' follows. */
  destroy(): void {
    if (this.closed) return;
    this.link.close();
    this.gone();
  }

  /** No idle timeout applies to a shard's reader (write pressure is watched there); kept for the socket's interface. */
  setTimeout(): this { return this; }

  /** Called by the pool: the client sent these bytes. */
  received(b: Buffer): void {
    if (!this.closed) this.emit('data', b);
  }

  /** Called by the pool with a shard report. */
  reported(bytes: number, drops: number, unsent: number): void {
    this.bytesWritten += bytes;
    this.discarded += drops;
    this.writableLength = unsent;
    if (bytes > 0) this.onBytes?.(bytes);
    if (drops > 0) this.onDrops?.(drops);
  }

  /** Called by the pool: the socket is gone on the shard (or the shard is). */
  ended(error?: string): void {
    if (this.closed) return;
    // Closed before 'error' is emitted: a listener that destroys the socket must not ask the shard to close it again.
    this.gone();
    // 'error' without a listener would throw into the pool's message handler.
    if (error && this.listenerCount('error') > 0) this.emit('error', new Error(error));
  }

  /** Marks the socket closed; 'close' follows on the next tick (after any 'error'). */
  private gone(): void {
    this.closed = true;
    process.nextTick(() => this.emit('close'));
  }
}
