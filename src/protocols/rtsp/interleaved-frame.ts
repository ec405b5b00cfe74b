import { RtspParseError } from './rtsp-parse-error.ts';

/*
 * RFC 2326 §10.12: RTP and RTCP over the RTSP connection.
 *  0                   1                   2                   3
 * |  '$' = 0x24   |    channel    |        payload length         |
 * |                     payload (length bytes) …                  |
 */
const DOLLAR = 0x24;
/** Bytes before an interleaved payload. */
export const INTERLEAVED_HEADER_BYTES = 4;
/** Largest payload the 16-bit length can frame. */
export const INTERLEAVED_MAX_PAYLOAD = 0xffff;

/** An interleaved frame read from a connection's bytes. */
export interface InterleavedFrame {
  readonly channel: number;
  /** A view into the input (no copy). */
  readonly payload: Buffer;
  /** Bytes the frame took in the input, header included. */
  readonly size: number;
}

/** `$` + channel + 16-bit length (RFC 2326 §10.12); RangeError when either does not fit. */
export function buildInterleavedHeader(channel: number, length: number): Buffer {
  checkChannel(channel);
  if (!Number.isInteger(length) || length < 0 || length > INTERLEAVED_MAX_PAYLOAD) throw new RangeError(`interleaved payload too big (${length} bytes)`);
  const b = Buffer.allocUnsafe(INTERLEAVED_HEADER_BYTES);
  b[0] = DOLLAR;
  b[1] = channel;
  b.writeUInt16BE(length, 2);
  return b;
}

function checkChannel(channel: number): void {
  if (!Number.isInteger(channel) || channel < 0 || channel > 255) throw new RangeError(`invalid interleaved channel ${channel}`);
}

/** A whole frame: header and a copy of `payload` in one buffer. */
export function buildInterleavedFrame(channel: number, payload: Buffer): Buffer {
  const framed = Buffer.allocUnsafe(INTERLEAVED_HEADER_BYTES + payload.length);
  buildInterleavedHeader(channel, payload.length).copy(framed, 0);
  payload.copy(framed, INTERLEAVED_HEADER_BYTES);
  return framed;
}

// Framed copies per packet and channel. Readers of one stream mostly use the same channels, so a packet is framed
// once and the same bytes go to every TCP reader (docs/performance.md §Serialise once); entries die with the packet.
const framedByPayload = new WeakMap<Buffer, Buffer[]>();

/** Like buildInterleavedFrame, but built once per (payload, channel) and shared: callers must not modify it. */
export function sharedInterleavedFrame(channel: number, payload: Buffer): Buffer {
  let byChannel = framedByPayload.get(payload);
  if (!byChannel) { byChannel = []; framedByPayload.set(payload, byChannel); }
  let framed = byChannel[channel];
  if (!framed) {
    framed = buildInterleavedFrame(channel, payload);
    byChannel[channel] = framed;
  }
  return framed;
}

// The frames of a batch of packets, joined, per packet list and channel; entries die with the list (a stream's unit).
const joinedByPackets = new WeakMap<readonly { readonly raw: Buffer }[], Buffer[]>();

/**
 * The interleaved frames of `packets` on `channel`, one after the other in one buffer, built once per (list, channel)
 * and shared: callers must not modify it. Why one buffer: a reader then queues one chunk per video frame on its socket
 * instead of one per packet, and Node's per-write work (a Writable entry, then an iovec) was a tenth of RTSP/TCP
 * fan-out; the copy is made once for all readers.
 */
export function sharedInterleavedFrames(channel: number, packets: readonly { readonly raw: Buffer }[]): Buffer {
  if (packets.length === 1) return sharedInterleavedFrame(channel, packets[0]!.raw);
  let byChannel = joinedByPackets.get(packets);
  if (!byChannel) { byChannel = []; joinedByPackets.set(packets, byChannel); }
  let joined = byChannel[channel];
  if (!joined) {
    checkChannel(channel);
    let size = 0;
    for (const p of packets) size += INTERLEAVED_HEADER_BYTES + p.raw.length;
    joined = Buffer.allocUnsafe(size);
    let at = 0;
    for (const p of packets) {
      const n = p.raw.length;
      if (n > INTERLEAVED_MAX_PAYLOAD) throw new RangeError(`interleaved payload too big (${n} bytes)`);
      joined[at] = DOLLAR;
      joined[at + 1] = channel;
      joined.writeUInt16BE(n, at + 2);
      p.raw.copy(joined, at + INTERLEAVED_HEADER_BYTES);
      at += INTERLEAVED_HEADER_BYTES + n;
    }
    byChannel[channel] = joined;
  }
  return joined;
}

/**
 * Reads the frame at the start of `buf`: undefined while it is incomplete. Throws RtspParseError when `buf` does not
 * start with `$` (the caller decides between a frame and an RTSP message by that byte).
 */
export function readInterleavedFrame(buf: Buffer): InterleavedFrame | undefined {
  if (buf.length === 0) return undefined;
  if (buf[0] !== DOLLAR) throw new RtspParseError('interleaved frame does not start with $');
  if (buf.length < INTERLEAVED_HEADER_BYTES) return undefined;
  const size = INTERLEAVED_HEADER_BYTES + buf.readUInt16BE(2);
  if (buf.length < size) return undefined;
  return { channel: buf[1]!, payload: buf.subarray(INTERLEAVED_HEADER_BYTES, size), size };
}
