import { FrameRtpError, type FragmentFraming } from './frame-rtp.ts';

/**
 * VP9 payload descriptor (RFC 9628 §4.2), non-flexible mode when sending: I (15-bit picture id, one per frame),
 * B on a frame's first packet, E on its last. Received descriptors may carry layer indices, flexible-mode
 * reference indices and a scalability structure, which are skipped.
 */
export function vp9Framing(): FragmentFraming {
  let pictureId = Math.floor(Math.random() * 0x8000);
  return {
    nextFrame: () => { pictureId = (pictureId + 1) & 0x7fff; },
    header: (first, last) => Uint8Array.of(0x80 | (first ? 0x08 : 0) | (last ? 0x04 : 0), 0x80 | (pictureId >> 8), pictureId & 0xff),
    parse(pl) {
      const need = (n: number): void => { if (n > pl.length) throw new FrameRtpError('truncated VP9 payload descriptor'); };
      need(1);
      const b0 = pl[0]!;
      const [i, p, l, f, b, , v] = [0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x02].map((m) => (b0 & m) !== 0);
      let pos = 1;
      if (i) { need(pos + 1); pos += pl[pos]! & 0x80 ? 2 : 1; }
      if (l) pos += f ? 1 : 2; // TID/U/SID/D, then TL0PICIDX in non-flexible mode
      if (f && p) {
        for (let k = 0; k < 3; k++) { need(pos + 1); const more = (pl[pos++]! & 1) !== 0; if (!more) break; }
      }
      if (v) {
        need(pos + 1);
        const ss = pl[pos++]!;
        const spatialLayers = (ss >> 5) + 1;
        if (ss & 0x10) pos += 4 * spatialLayers; // Y: width and height per layer
        if (ss & 0x08) {
          need(pos + 1);
          const groups = pl[pos++]!;
          for (let g = 0; g < groups; g++) { need(pos + 1); pos += 1 + ((pl[pos]! >> 2) & 3); }
        }
      }
      need(pos + 1);
      return { headerLength: pos, start: b };
    },
  };
}
