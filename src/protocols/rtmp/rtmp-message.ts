/** RTMP message types (RTMP spec §5.4, §6.2, §7.1). */
export const RtmpMessageType = {
  SetChunkSize: 1, Abort: 2, Acknowledgement: 3, UserControl: 4, WindowAckSize: 5, SetPeerBandwidth: 6,
  Audio: 8, Video: 9, DataAmf3: 15, CommandAmf3: 17, DataAmf0: 18, CommandAmf0: 20, Aggregate: 22,
} as const;

/** A complete RTMP message. */
export interface RtmpMessage {
  readonly chunkStreamId: number;
  readonly type: number;
  /** Milliseconds, 32-bit. */
  readonly timestamp: number;
  readonly messageStreamId: number;
  readonly body: Buffer;
}

/** Largest message body accepted (docs/limits.md §RTMP: gortmplib's 10 MiB). */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
