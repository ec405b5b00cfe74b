import { buildInterleavedHeader } from '../../protocols/rtsp/index.ts';

// Framed copies per packet and channel. Readers of one stream mostly use the same channels, so a packet is framed
// once and the same bytes go to every TCP reader (PERFORMANCE.md §2.1); entries die with the packet.
const cache = new WeakMap<Buffer, Buffer[]>();

/** `$ channel length payload` for `payload`, built once per (payload, channel) and shared. */
export function interleavedFrame(payload: Buffer, channel: number): Buffer {
  let byChannel = cache.get(payload);
  if (!byChannel) { byChannel = []; cache.set(payload, byChannel); }
  let framed = byChannel[channel];
  if (!framed) {
    framed = Buffer.allocUnsafe(4 + payload.length);
    buildInterleavedHeader(channel, payload.length).copy(framed, 0);
    payload.copy(framed, 4);
    byChannel[channel] = framed;
  }
  return framed;
}
