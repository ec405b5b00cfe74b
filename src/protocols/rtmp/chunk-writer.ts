import type { RtmpMessage } from './rtmp-message.ts';

function basicHeader(fmt: number, csid: number): Buffer {
  if (csid < 64) return Buffer.from([(fmt << 6) | csid]);
  if (csid < 320) return Buffer.from([fmt << 6, csid - 64]);
  return Buffer.from([(fmt << 6) | 1, (csid - 64) & 0xff, (csid - 64) >> 8]);
}

/**
 * Serialises a message into chunks: a type 0 header, then type 3 continuations (RTMP spec §5.3.1). No state is
 * shared with a connection, so a media message is serialised once and the same bytes go to every reader that uses
 * the same chunk size (at the cost of 11 header bytes per message that type 1/2 compression would save).
 */
export function serializeRtmpMessage(msg: RtmpMessage, chunkSize: number): Buffer {
  if (!(chunkSize >= 1)) throw new RangeError(`invalid chunk size ${chunkSize}`);
  const ext = msg.timestamp >= 0xffffff;
  const h = Buffer.allocUnsafe(11 + (ext ? 4 : 0));
  h.writeUIntBE(ext ? 0xffffff : msg.timestamp, 0, 3);
  h.writeUIntBE(msg.body.length, 3, 3);
  h[6] = msg.type;
  h.writeUInt32LE(msg.messageStreamId, 7);
  if (ext) h.writeUInt32BE(msg.timestamp >>> 0, 11);
  const parts: Buffer[] = [basicHeader(0, msg.chunkStreamId), h];
  const cont = basicHeader(3, msg.chunkStreamId);
  const extField = ext ? h.subarray(11) : undefined;
  for (let off = 0; off < msg.body.length; off += chunkSize) {
    if (off > 0) { parts.push(cont); if (extField) parts.push(extField); }
    parts.push(msg.body.subarray(off, Math.min(msg.body.length, off + chunkSize)));
  }
  return Buffer.concat(parts);
}
