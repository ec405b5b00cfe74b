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

/**
 * Reassembles RTMP chunks (RTMP spec §5.3) into messages, whatever the TCP chunking. Set Chunk Size is applied at
 * once; sizes outside 1 … MAX_MESSAGE_BYTES, oversized messages and continuation headers on unknown chunk streams
 * throw RtmpProtocolError (docs/limits.md §RTMP). Fragments are kept as received, never pre-allocated from a length.
 */
export class RtmpChunkReader {
  private buf: Buffer = Buffer.alloc(0);
  // Bytes received after `buf` while a chunk is incomplete, joined only once `need` bytes are there: a 10 MiB chunk
  // arriving in 4 KiB reads is then copied once, not once per read.
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private need = 0;
  private chunkSize = 128;
  private readonly streams = new Map<number, ChunkStream>();

  /** Feeds bytes; returns the messages they complete. */
  push(chunk: Buffer): RtmpMessage[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.buf.length + this.pendingBytes < this.need) return [];
    this.buf = this.buf.length === 0 && this.pending.length === 1 ? chunk : Buffer.concat([this.buf, ...this.pending]);
    this.pending = [];
    this.pendingBytes = 0;
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
    const b = this.buf;
    if (b.length < 1) return null;
    const fmt = b[0]! >> 6;
    let csid = b[0]! & 0x3f;
    let pos = 1;
    if (csid === 0) { if (b.length < 2) return null; csid = b[1]! + 64; pos = 2; }
    else if (csid === 1) { if (b.length < 3) return null; csid = b[2]! * 256 + b[1]! + 64; pos = 3; }
    const headerLen = MESSAGE_HEADER_LENGTH[fmt]!;
    if (b.length < pos + headerLen) return null;
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
    if (fmt <= 2) tsField = b.readUIntBE(pos, 3);
    if (fmt <= 1) { length = b.readUIntBE(pos + 3, 3); type = b[pos + 6]!; }
    if (fmt === 0) streamId = b.readUInt32LE(pos + 7);
    pos += headerLen;
    if (fmt <= 2) extended = tsField === 0xffffff;
    if (extended) {
      if (b.length < pos + 4) return null;
      if (fmt <= 2) tsField = b.readUInt32BE(pos);
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
    if (b.length < pos + take) { this.need = pos + take; return null; }
    let s = cs;
    if (!s) { s = newChunkStream(); this.streams.set(csid, s); }
    s.length = length; s.type = type; s.streamId = streamId; s.extended = extended; s.timestamp = timestamp; s.delta = delta;
    s.started = true;
    if (take > 0) s.parts.push(b.subarray(pos, pos + take));
    s.received = received + take;
    this.buf = b.subarray(pos + take);
    if (s.received < length) return undefined;
    const body = s.parts.length === 1 ? s.parts[0]! : Buffer.concat(s.parts);
    s.parts.length = 0;
    s.received = 0;
    const msg: RtmpMessage = { chunkStreamId: csid, type, timestamp, messageStreamId: streamId, body };
    if (msg.type === RtmpMessageType.SetChunkSize) this.setChunkSize(body);
    else if (msg.type === RtmpMessageType.Abort && body.length >= 4) this.streams.delete(body.readUInt32BE(0));
    return msg;
  }

  private setChunkSize(body: Buffer): void {
    if (body.length < 4) throw new RtmpProtocolError('short Set Chunk Size');
    const size = body.readUInt32BE(0) & 0x7fffffff;
    // Size 0 would let 1-byte headers grow a message forever (docs/limits.md §RTMP).
    if (size < 1 || size > MAX_MESSAGE_BYTES) throw new RtmpProtocolError(`invalid chunk size ${size}`);
    this.chunkSize = size;
  }
}
