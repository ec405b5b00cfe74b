import { MpegTsError } from './mpegts-error.ts';

/**
 * opus_access_unit of the draft ETSI "Opus Interactive Audio Codec, Transport Multiplexing Standard" (Xiph's
 * OpusTS), which is how FFmpeg puts Opus in a PES: each packet behind an opus_control_header.
 *
 *   control_header_prefix(11)=0x3FF start_trim_flag(1) end_trim_flag(1) control_extension_flag(1) reserved(2)
 *   au_size: bytes of 0xFF adding 255 each, then one byte < 255 adding its value
 *   [reserved(3) start_trim(13)] [reserved(3) end_trim(13)] [control_extension_length(8) reserved bytes]
 *   the Opus packet (au_size bytes)
 */
const PREFIX_HIGH = 0x7f;
const PREFIX_LOW_MASK = 0xe0;
const START_TRIM = 0x10;
const END_TRIM = 0x08;
const EXTENSION = 0x04;
/** Most packets one PES may hold (docs/limits.md §Media: parsed lists are bounded). */
const MAX_PACKETS = 256;

/** Opus packets behind control headers without trims, as mediacommon writes them. */
export function encodeOpusAccessUnits(packets: readonly Uint8Array[]): Buffer {
  const parts: Uint8Array[] = [];
  for (const p of packets) {
    const size = Buffer.alloc(Math.floor(p.length / 255) + 1, 0xff);
    size[size.length - 1] = p.length % 255;
    parts.push(Buffer.from([PREFIX_HIGH, PREFIX_LOW_MASK]), size, p);
  }
  return Buffer.concat(parts);
}

/** Splits a PES payload into its Opus packets (views); trims are skipped. Throws MpegTsError. */
export function decodeOpusAccessUnits(payload: Uint8Array): Buffer[] {
  const b = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const packets: Buffer[] = [];
  let pos = 0;
  while (pos < b.length) {
    if (packets.length >= MAX_PACKETS) throw new MpegTsError('too many Opus packets in one PES');
    if (pos + 2 > b.length || b[pos] !== PREFIX_HIGH || (b[pos + 1]! & PREFIX_LOW_MASK) !== PREFIX_LOW_MASK) {
      throw new MpegTsError('missing Opus control header');
    }
    const flags = b[pos + 1]!;
    pos += 2;
    let size = 0;
    for (;;) {
      if (pos >= b.length) throw new MpegTsError('Opus au_size truncated');
      const v = b[pos++]!;
      size += v;
      if (v !== 0xff) break;
    }
    if (flags & START_TRIM) pos += 2;
    if (flags & END_TRIM) pos += 2;
    if (flags & EXTENSION) pos += 1 + (b[pos] ?? 0);
    if (pos + size > b.length) throw new MpegTsError('Opus packet truncated');
    packets.push(b.subarray(pos, pos + size));
    pos += size;
  }
  return packets;
}
