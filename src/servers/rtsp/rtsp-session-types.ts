import type { Media, RtpPacket } from '../../formats/index.ts';
import type { SharedJoin } from '../../lib/index.ts';
import type { MediaTransport } from '../../protocols/rtsp/index.ts';
import type { RemoteSocket } from '../../fanout/index.ts';
import type { RtspShardSeat } from './rtsp-fanout.ts';

export type { MediaTransport, TransportKind } from '../../protocols/rtsp/index.ts';

/** A media set up in the session. */
export interface SetupMedia {
  readonly index: number;
  readonly media: Media;
  readonly transport: MediaTransport;
}

/** RTSP session states (RFC 2326 Appendix A), with MediaMTX's names. */
export type SessionState = 'initial' | 'prePlay' | 'play' | 'preRecord' | 'record';

/** What a session needs from the TCP connection that carries its interleaved frames. */
export interface InterleavedWriter {
  /** Queues `$ channel length` + payload. */
  writeInterleaved(channel: number, payload: Buffer): void;
  /** Queues the frames of `packets` on `channel` as one chunk (sharedInterleavedFrames). */
  writeInterleavedPackets(channel: number, packets: readonly RtpPacket[]): void;
  /**
   * Holds the frames written from now on (a reader's batch), see FrameBatchedSocket; `join` joins them once for the
   * stream's readers.
   */
  holdWrites(join?: SharedJoin): void;
  /** Ends a batch: held frames go out now at the end of a frame, else within a few milliseconds. */
  endBatch(isFrameEnd: boolean): void;
  /** Sends held frames now. */
  flushWrites(): void;
  /** Bytes waiting in the socket's user-space buffer. */
  readonly writableLength: number;
  /** Resolves on the socket's next 'drain'. */
  onceDrain(cb: () => void): void;
  /** True when the connection may move to a fan-out shard now (plain TCP, one session, no request in progress). */
  canMoveToShard?(): boolean;
  /**
   * Hands the socket to the seat's shard; from then on the connection writes and reads through the returned
   * RemoteSocket, and `onBytes` gets the bytes the shard reports sent. Undefined when it failed (the connection closed).
   */
  moveToShard?(seat: RtspShardSeat, onBytes: (n: number) => void): RemoteSocket | undefined;
}
