import { EventEmitter } from 'node:events';

/** How a RemoteSocket reaches its shard. */
export interface RemoteSocketLink {
  /** Sends bytes for this connection down the shard's pipe. */
  write(b: Buffer): void;
  /** Asks the shard to close the socket. */
  close(): void;
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
  private closed = false;

  constructor(private readonly link: RemoteSocketLink) { super(); }

  /** True once closed from either side. */
  get destroyed(): boolean { return this.closed; }

  /** Queues bytes for the client after the records the shard has; always true (the shard bounds the socket). */
  write(b: Buffer): boolean {
    if (!this.closed) this.link.write(b);
    return true;
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
  }

  /** Called by the pool: the socket is gone on the shard (or the shard is). */
  ended(error?: string): void {
    if (this.closed) return;
    // 'error' without a listener would throw into the pool's message handler.
    if (error && this.listenerCount('error') > 0) this.emit('error', new Error(error));
    this.gone();
  }

  private gone(): void {
    this.closed = true;
    process.nextTick(() => this.emit('close'));
  }
}
