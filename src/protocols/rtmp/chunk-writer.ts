import type { RtmpMessage } from './rtmp-message.ts';

/** Length of a basic header for a chunk stream id (RTMP spec §5.3.1.1: 1, 2 or 3 bytes). */
function basicHeaderLength(csid: number): number {
  return csid < 64 ? 1 : csid < 320 ? 2 : 3;
}

/** Writes a basic header at `pos`; returns the position after it. */
function writeBasicHeader(out: Buffer, pos: number, fmt: number, csid: number): number {
  if (csid < 64) { out[pos] = (fmt << 6) | csid; return pos + 1; }
  if (csid < 320) { out[pos] = fmt << 6; out[pos + 1] = csid - 64; return pos + 2; }
  out[pos] = (fmt << 6) | 1; out[pos + 1] = (csid - 64) & 0xff; out[pos + 2] = (csid - 64) >> 8;
  return pos + 3;
}

/** What a message is besides its body. */
export type RtmpMessageHead = Omit<RtmpMessage, 'body'>;

/**
 * Serialises a message into chunks: a type 0 header, then type 3 continuations (RTMP spec §5.3.1). No state is
 * shared with a connection, so a media message is serialised once and the same bytes go to every reader that uses
 * the same chunk size (at the cost of 11 header bytes per message that type 1/2 compression would save).
 */
export function serializeRtmpMessage(msg: RtmpMessage, chunkSize: number): Buffer {
  return serializeRtmpParts(msg, [msg.body], chunkSize);
}

/**
 * serializeRtmpMessage for a body given as parts in order (an FLV tag header, then a frame's NAL units with their
 * lengths). Why parts: the chunks are written into one buffer sized up front, so the body's bytes are copied once,
 * straight from where the stream holds them; joining them into a body first copied a video frame twice more.
 */
export function serializeRtmpParts(head: RtmpMessageHead, parts: readonly Buffer[], chunkSize: number): Buffer {
  if (!(chunkSize >= 1)) throw new RangeError(`invalid chunk size ${chunkSize}`);
  let length = 0;
  for (let i = 0; i < parts.length; i++) length += parts[i]!.length;
  const ext = head.timestamp >= 0xffffff;
  const basic = basicHeaderLength(head.chunkStreamId);
  const chunks = Math.max(1, Math.ceil(length / chunkSize));
  // Type 3 continuations repeat the extended timestamp (§5.3.1.3), as FFmpeg, OBS and librtmp expect.
  const contLen = basic + (ext ? 4 : 0);
  const out = Buffer.allocUnsafe(basic + 11 + (ext ? 4 : 0) + length + (chunks - 1) * contLen);
  let pos = writeBasicHeader(out, 0, 0, head.chunkStreamId);
  out.writeUIntBE(ext ? 0xffffff : head.timestamp, pos, 3);
  out.writeUIntBE(length, pos + 3, 3);
  out[pos + 6] = head.type;
  out.writeUInt32LE(head.messageStreamId, pos + 7);
  pos += 11;
  if (ext) pos = out.writeUInt32BE(head.timestamp >>> 0, pos);
  let room = chunkSize; // body bytes the current chunk still takes
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    for (let off = 0; off < part.length;) {
      if (room === 0) {
        pos = writeBasicHeader(out, pos, 3, head.chunkStreamId);
        if (ext) pos = out.writeUInt32BE(head.timestamp >>> 0, pos);
        room = chunkSize;
      }
      const n = Math.min(room, part.length - off);
      pos += part.copy(out, pos, off, off + n);
      off += n;
      room -= n;
    }
  }
  return out;
}
