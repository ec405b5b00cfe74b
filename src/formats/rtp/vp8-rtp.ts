import { FrameRtpError, type FragmentFraming } from './frame-rtp.ts';

/**
 * VP8 payload descriptor (RFC 7741 §4.2). We send the 1-byte form (S on a frame's first packet, partition 0);
 * received descriptors may carry the X extension: PictureID (7 or 15 bits), TL0PICIDX, TID/KEYIDX.
 */
export const vp8Framing: FragmentFraming = {
  header: (first) => Uint8Array.of(first ? 0x10 : 0),
  parse(pl) {
    if (pl.length < 2) throw new FrameRtpError('short VP8 payload');
    let pos = 1;
    if (pl[0]! & 0x80) {
      const x = pl[pos++]!;
      if (x & 0x80) pos += pl[pos] !== undefined && pl[pos]! & 0x80 ? 2 : 1; // PictureID, M bit selects 15 bits
      if (x & 0x40) pos++; // TL0PICIDX
      if (x & 0x30) pos++; // TID / Y / KEYIDX
    }
    if (pos >= pl.length) throw new FrameRtpError('VP8 payload descriptor without data');
    return { headerLength: pos, start: (pl[0]! & 0x10) !== 0 && (pl[0]! & 0x07) === 0 };
  },
};

/** True when a VP8 frame is a key frame (RFC 6386 §9.1: frame tag bit 0 is 0). */
export function vp8IsKeyFrame(frame: Uint8Array): boolean { return frame.length > 0 && (frame[0]! & 1) === 0; }
