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

/**
 * Serialises a message into chunks: a type 0 header, then type 3 continuations (RTMP spec §5.3.1). No state is
 * shared with a connection, so a media message is serialised once and the same bytes go to every reader that uses
 * the same chunk size (at the cost of 11 header bytes per message that type 1/2 compression would save). The bytes
 * are written into one buffer sized up front: one allocation and one copy of the body per message.
 */
export function serializeRtmpMessage(msg: RtmpMessage, chunkSize: number): Buffer {
  if (!(chunkSize >= 1)) throw new RangeError(`invalid chunk size ${chunkSize}`);
  const body = msg.body;
  const ext = msg.timestamp >= 0xffffff;
  const basic = basicHeaderLength(msg.chunkStreamId);
  const chunks = Math.max(1, Math.ceil(body.length / chunkSize));
  // Type 3 continuations repeat the extended timestamp (§5.3.1.3), as FFmpeg, OBS and librtmp expect.
  const contLen = basic + (ext ? 4 : 0);
  const out = Buffer.allocUnsafe(basic + 11 + (ext ? 4 : 0) + body.length + (chunks - 1) * contLen);
  let pos = writeBasicHeader(out, 0, 0, msg.chunkStreamId);
  out.writeUIntBE(ext ? 0xffffff : msg.timestamp, pos, 3);
  out.writeUIntBE(body.length, pos + 3, 3);
  out[pos + 6] = msg.type;
  out.writeUInt32LE(msg.messageStreamId, pos + 7);
  pos += 11;
  if (ext) pos = out.writeUInt32BE(msg.timestamp >>> 0, pos);
  for (let off = 0; off < body.length; off += chunkSize) {
    if (off > 0) {
      pos = writeBasicHeader(out, pos, 3, msg.chunkStreamId);
      if (ext) pos = out.writeUInt32BE(msg.timestamp >>> 0, pos);
    }
    const end = Math.min(body.length, off + chunkSize);
    pos += body.copy(out, pos, off, end);
  }
  return out;
}
