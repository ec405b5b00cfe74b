import { FrameRtpError, type FragmentFraming } from './frame-rtp.ts';

/**
 * MP4A-LATM (RFC 3016 §4, RFC 6416 §6) with cpresent=0, the StreamMuxConfig being in the SDP `config`: each
 * audioMuxElement is PayloadLengthInfo (bytes of 255 then the remainder) + the AU; an element may span packets,
 * the marker ending it. The fragments are carried like MPEG-4 video (no payload header), hence the same framing.
 */
export const latmFraming: FragmentFraming = {
  header: () => new Uint8Array(0),
  parse: (pl) => {
    if (pl.length === 0) throw new FrameRtpError('empty LATM payload');
    return { headerLength: 0 };
  },
};

/** An audioMuxElement (PayloadLengthInfo + PayloadMux) for one AU. */
export function latmMuxElement(au: Uint8Array): Buffer {
  const lengthInfo = Buffer.alloc(Math.floor(au.length / 255) + 1, 255);
  lengthInfo[lengthInfo.length - 1] = au.length % 255;
  return Buffer.concat([lengthInfo, au]);
}

/** The AUs of one or more consecutive audioMuxElements (one subframe each). Throws FrameRtpError when malformed. */
export function parseLatmMuxElements(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < b.length) {
    let len = 0;
    for (;;) {
      const v = b[pos++];
      if (v === undefined) throw new FrameRtpError('truncated LATM PayloadLengthInfo');
      len += v;
      if (v !== 255) break;
    }
    if (pos + len > b.length) throw new FrameRtpError('LATM AU exceeds the payload');
    out.push(b.subarray(pos, pos + len));
    pos += len;
  }
  return out;
}
