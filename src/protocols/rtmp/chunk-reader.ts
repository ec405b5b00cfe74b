import { ByteQueue } from '../../lib/index.ts';
import { RtmpProtocolError } from './rtmp-errors.ts';
import { MAX_MESSAGE_BYTES, RtmpMessageType, type RtmpMessage } from './rtmp-message.ts';

interface ChunkStream {
  timestamp: number; delta: number; length: number; type: number; streamId: number;
  extended: boolean; parts: Buffer[]; received: number; started: boolean;
}

// Message header length by chunk type 0 … 3 (RTMP spec §5.3.1.2).
const MESSAGE_HEADER_LENGTH = [11, 7, 3, 0] as const;

function newChunkStream(): ChunkStream {
  return { timestamp: 0, delta: 0, length: 0, type: 0, streamId: 0, extended: false, parts: [], received: 0, started: false };
}

// Interleaved messages are bounded too: at most this many chunk streams may be open at once.
const MAX_CHUNK_STREAMS = 64;
// Body bytes of unfinished messages, all chunk streams together. Without it, 64 chunk streams × 10 MiB could be held
// per connection, and a player's connection has no read deadline to end it. Encoders interleave small audio messages
// into one large video message, so two messages of the largest size leave room for any real sender.
const MAX_PARTIAL_BYTES = 2 * MAX_MESSAGE_BYTES;

/**
 * Reassembles RTMP chunks (RTMP spec §5.3) into messages, whatever the TCP chunking. Set Chunk Size is applied at
 * once; sizes outside 1 … MAX_MESSAGE_BYTES, oversized messages and continuation headers on unknown chunk streams
 * throw RtmpProtocolError (docs/limits.md §RTMP). Fragments are kept as received, never pre-allocated from a length.
 */
export class RtmpChunkReader {
  // Received bytes, parsed in place: a chunk's payload is taken as views of the reads that carried it, so a message
  // whose header and body came in separate reads (FFmpeg writes them with two syscalls) is not copied to be parsed.
  private readonly queue = new ByteQueue();
  // Bytes the incomplete chunk at the front needs: until they are queued, a read only appends (a 10 MiB chunk
  // arriving in 4 KiB reads is parsed once, not once per read).
  private need = 0;
  private chunkSize = 128;
  private readonly streams = new Map<number, ChunkStream>();
  /** Sum of `received` over the chunk streams whose message is unfinished (bounded by MAX_PARTIAL_BYTES). */
  private partialBytes = 0;

  /** Feeds bytes; returns the messages they complete. */
  push(chunk: Buffer): RtmpMessage[] {
    this.queue.push(chunk);
    if (this.queue.length < this.need) return [];
    this.need = 0;
    const out: RtmpMessage[] = [];
    for (;;) {
      const m = this.readChunk();
      if (m === null) break;
      if (m !== undefined) out.push(m);
    }
    return out;
  }

  /** Returns null when more bytes are needed, undefined for a chunk that did not finish a message. */
  private readChunk(): RtmpMessage | undefined | null {
    const q = this.queue;
    const queued = q.length;
    if (queued < 1) return null;
    const first = q.at(0);
    const fmt = first >> 6;
    let csid = first & 0x3f;
    let pos = 1;
    if (csid === 0) { if (queued < 2) return null; csid = q.at(1) + 64; pos = 2; }
    else if (csid === 1) { if (queued < 3) return null; csid = q.at(2) * 256 + q.at(1) + 64; pos = 3; }
    const headerLen = MESSAGE_HEADER_LENGTH[fmt]!;
    if (queued < pos + headerLen) return null;
    const cs = this.streams.get(csid);
    if (!cs) {
      if (fmt !== 0) throw new RtmpProtocolError(`chunk type ${fmt} on chunk stream ${csid} before any type 0 header`);
      if (this.streams.size >= MAX_CHUNK_STREAMS) throw new RtmpProtocolError('too many chunk streams');
    }
    // The header is read into locals and the chunk stream is updated only once the whole chunk is there: an
    // incomplete chunk is read again from its first byte when more bytes arrive.
    let length = cs?.length ?? 0;
    let type = cs?.type ?? 0;
    let streamId = cs?.streamId ?? 0;
    let extended = cs?.extended ?? false;
    let tsField = 0;
    if (fmt <= 2) tsField = q.uintBE(pos, 3);
    if (fmt <= 1) { length = q.uintBE(pos + 3, 3); type = q.at(pos + 6); }
    if (fmt === 0) streamId = q.uint32LE(pos + 7);
    pos += headerLen;
    if (fmt <= 2) extended = tsField === 0xffffff;
    if (extended) {
      if (queued < pos + 4) return null;
      if (fmt <= 2) tsField = q.uintBE(pos, 4);
      pos += 4; // type 3 repeats the extended field (as FFmpeg, OBS and librtmp send it)
    }
    if (length > MAX_MESSAGE_BYTES) throw new RtmpProtocolError(`message of ${length} bytes exceeds the limit`);
    const received = cs?.received ?? 0;
    const firstChunk = received === 0;
    // A new message header while one is half received would make the declared length disagree with what arrived
    // (MediaMTX refuses it too).
    if (!firstChunk && fmt !== 3) throw new RtmpProtocolError(`chunk type ${fmt} on chunk stream ${csid} while a message is in progress`);
    let timestamp = cs?.timestamp ?? 0;
    let delta = cs?.delta ?? 0;
    if (firstChunk) {
      if (fmt === 0) { timestamp = tsField; delta = 0; }
      else if (fmt === 1 || fmt === 2) { delta = tsField; timestamp = (timestamp + tsField) >>> 0; }
      else if (cs?.started) timestamp = (timestamp + delta) >>> 0;
    }
    const take = Math.min(this.chunkSize, length - received);
    const finishes = received + take >= length;
    if (!finishes && this.partialBytes + take > MAX_PARTIAL_BYTES) throw new RtmpProtocolError('too many bytes of unfinished messages');
    if (queued < pos + take) { this.need = pos + take; return null; }
    let s = cs;
    if (!s) { s = newChunkStream(); this.streams.set(csid, s); }
    s.length = length; s.type = type; s.streamId = streamId; s.extended = extended; s.timestamp = timestamp; s.delta = delta;
    s.started = true;
    q.skip(pos);
    if (take > 0) q.take(take, s.parts);
    s.received = received + take;
    if (!finishes) { this.partialBytes += take; return undefined; }
    this.partialBytes -= received;
    const body = s.parts.length === 1 ? s.parts[0]! : Buffer.concat(s.parts, length);
    s.parts.length = 0;
    s.received = 0;
    const msg: RtmpMessage = { chunkStreamId: csid, type, timestamp, messageStreamId: streamId, body };
    if (msg.type === RtmpMessageType.SetChunkSize) this.setChunkSize(body);
    else if (msg.type === RtmpMessageType.Abort && body.length >= 4) this.abort(body.readUInt32BE(0));
    return msg;
  }

  /** Abort Message (§5.4.2): the chunk stream's unfinished message is dropped, with the stream. */
  private abort(csid: number): void {
    const s = this.streams.get(csid);
    if (!s) return;
    this.partialBytes -= s.received;
    this.streams.delete(csid);
  }

  private setChunkSize(body: Buffer): void {
    if (body.length < 4) throw new RtmpProtocolError('short Set Chunk Size');
    const size = body.readUInt32BE(0) & 0x7fffffff;
    // Size 0 would let 1-byte headers grow a message forever (docs/limits.md §RTMP).
    if (size < 1 || size > MAX_MESSAGE_BYTES) throw new RtmpProtocolError(`invalid chunk size ${size}`);
    this.chunkSize = size;
  }
}
