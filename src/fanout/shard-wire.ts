/**
 * What the main process and a fan-out shard say to each other (docs/multicore-fanout.md).
 *
 * Media and a connection's own outgoing bytes go down a pipe as length-prefixed records, 15-byte header then body:
 *   u8 kind | u32 id (feed or connection) | u48 seq (media: the feed's record number; resume: the next one; else 0) | u32 length
 * all big-endian. 48 bits, as a feed of 100 records a second passes 2^32 in about 16 months. Control travels over Node's IPC channel as the JSON messages typed below; an `adopt` carries the
 * socket handle.
 */

/**
 * Record kinds on the pipe. Media: one wire message of a feed, shared by every reader of the feed on the shard.
 * Conn: bytes for one connection only (its control messages). End (empty body): the connection's socket ends once
 * the records before this one are written (a FIN after the last response or RTCP BYE); it is a record, not an IPC
 * message, so that it cannot overtake the connection's last bytes, which travel on the pipe.
 * Hold (empty body): the connection's reader writes no more media after the records before this one (RTSP PAUSE).
 * Resume (empty body, `seq`: the feed record to go on from): it writes media again, skipping what came meanwhile.
 * Both are records for the same reason as End: they take effect exactly between the media and responses around them.
 * MediaLazy: a Media record that may wait (audio of a stream with video): the shard writes it with the feed's next
 * Media record, or once MAX_LAZY_WAITING of them wait, so a reader gets one write per video frame, not one more per
 * audio frame (StreamReader's `lazy` does the same for readers of the main process).
 */
export const RecordKind = { Media: 1, Conn: 2, End: 3, Hold: 4, Resume: 5, MediaLazy: 6 } as const;

/** MediaLazy records of a feed that wait at most: the one that makes this many is written with those before it. */
export const MAX_LAZY_WAITING = 3;

/** True for the kinds that carry a feed's media (numbered records of the feed's ring). */
export function isMediaRecord(kind: RecordKind): boolean {
  return kind === RecordKind.Media || kind === RecordKind.MediaLazy;
}

/** A record kind's value. */
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

/** Bytes before a record's body. */
export const RECORD_HEADER_BYTES = 15;
/** Largest sequence number (48 bits): a feed would need 89,000 years at 100 records a second to reach it. */
export const MAX_SEQ = 2 ** 48 - 1;
/** Largest record body accepted: a record is one wire message (an RTMP frame), so this is a corrupt pipe. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** One record read from the pipe. */
export interface ShardRecord { readonly kind: RecordKind; readonly id: number; readonly seq: number; readonly body: Buffer }

/** Bytes of a record body given as one buffer or as pieces written one after another. */
export function bodyLength(body: Buffer | readonly Buffer[]): number {
  if (Buffer.isBuffer(body)) return body.length;
  let n = 0;
  for (const b of body) n += b.length;
  return n;
}

/** The header of a record; written before its body, so the body is never copied. */
export function recordHeader(kind: RecordKind, id: number, seq: number, length: number): Buffer {
  const h = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
  h.writeUInt8(kind, 0);
  h.writeUInt32BE(id >>> 0, 1);
  h.writeUIntBE(seq, 5, 6);
  h.writeUInt32BE(length, 11);
  return h;
}

/** Splits the pipe's byte stream back into records, whatever the chunking. */
export class RecordParser {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes the pending chunks must reach before a record can complete: a large record is joined once, not per chunk. */
  private need = RECORD_HEADER_BYTES;

  /** Feeds a chunk; returns the records it completes. Throws on a kind or length no sender writes. */
  push(chunk: Buffer): ShardRecord[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.need) {
      if (this.pending.length > 1 && this.need === RECORD_HEADER_BYTES) this.join(); // a header split over chunks
      return [];
    }
    const buf = this.join();
    const out: ShardRecord[] = [];
    let off = 0;
    this.need = RECORD_HEADER_BYTES;
    while (buf.length - off >= RECORD_HEADER_BYTES) {
      const kind = buf.readUInt8(off);
      if (kind < RecordKind.Media || kind > RecordKind.MediaLazy) throw new Error(`fan-out pipe: unknown record kind ${kind}`);
      const length = buf.readUInt32BE(off + 11);
      if (length > MAX_RECORD_BYTES) throw new Error(`fan-out pipe: record of ${length} bytes`);
      if (buf.length - off - RECORD_HEADER_BYTES < length) { this.need = RECORD_HEADER_BYTES + length; break; }
      const start = off + RECORD_HEADER_BYTES;
      out.push({ kind: kind as RecordKind, id: buf.readUInt32BE(off + 1), seq: buf.readUIntBE(off + 5, 6), body: buf.subarray(start, start + length) });
      off = start + length;
    }
    this.pending = off < buf.length ? [buf.subarray(off)] : [];
    this.pendingBytes = buf.length - off;
    return out;
  }

  private join(): Buffer {
    const b = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [b];
    return b;
  }
}

/** Per-reader limits a shard applies, as the main process would (docs/limits.md § Readers). */
export interface ShardReaderLimits {
  /** Records a reader may be behind the feed before the oldest are dropped and counted (readBufferCount). */
  readonly queueSize: number;
  /** Unsent bytes above which the reader stops taking records until its socket drains. */
  readonly highWaterBytes: number;
  /** A reader that stays above the high-water mark this long is closed (writeTimeout). */
  readonly writeTimeoutMs: number;
}

/** IPC messages from the main process to a shard. */
export type ToShard =
  /** Take over the socket sent with this message; write the feed's records from `seq` on. */
  | { t: 'adopt'; conn: number; feed: number; seq: number; limits: ShardReaderLimits }
  /** Close this connection's socket. */
  | { t: 'close'; conn: number }
  /** The main process sends no more records of this feed numbered below `seq`; drop them, and any still on the way. */
  | { t: 'feed-end'; feed: number; seq: number };

/** Counters of one connection since the last report: [conn, bytes written, records dropped, unsent bytes]. */
export type ConnStats = [conn: number, bytes: number, drops: number, unsent: number];

/** IPC messages from a shard to the main process. */
export type FromShard =
  /** The shard listens and can take sockets. */
  | { t: 'ready' }
  /** Bytes the client sent, base64: a player's acknowledgements, pings and commands are few and small. */
  | { t: 'data'; conn: number; b64: string }
  /** The connection's socket closed; `error` when it failed rather than ended. */
  | { t: 'closed'; conn: number; error?: string }
  /** Counters of the connections that changed, once a second. */
  | { t: 'stats'; conns: ConnStats[] };
