/**
 * Start-code knowledge of the two MPEG video elementary streams an MPEG-TS may carry besides H264/H265: MPEG-4
 * Visual (ISO/IEC 14496-2 §6.2) and MPEG-1/2 video (ISO/IEC 11172-2 §2.4.2, 13818-2 §6.2). Both are sequences of
 * `00 00 01 <code>` units; what a frame is and whether decoding can start there is read from those codes.
 */

// ISO/IEC 14496-2 Table 6-3 start code values.
const MPEG4_VOS = 0xb0;
const MPEG4_GOV = 0xb3;
const MPEG4_VOP = 0xb6;
// ISO/IEC 13818-2 Table 6-1: sequence_header_code.
const MPEG2_SEQUENCE_HEADER = 0xb3;

/** Positions of the start codes of `b`: the index of the code byte after each `00 00 01`. */
function* startCodes(b: Uint8Array): Generator<number> {
  for (let i = 0; i + 3 < b.length; i++) {
    if (b[i] === 0 && b[i + 1] === 0 && b[i + 2] === 1) {
      yield i + 3;
      i += 2;
    }
  }
}

/**
 * The configuration of an MPEG-4 Visual frame (RFC 6416 §7.1 `config`): the VOS/VO/VOL headers in front of its
 * first GOV or VOP, or undefined when the frame does not start with them.
 */
export function mpeg4VideoConfig(frame: Uint8Array): Buffer | undefined {
  for (const at of startCodes(frame)) {
    const code = frame[at]!;
    if (code === MPEG4_GOV || code === MPEG4_VOP) return at - 3 > 0 ? Buffer.from(frame.subarray(0, at - 3)) : undefined;
  }
  return undefined;
}

/** profile_and_level_indication of the visual_object_sequence header in `config` (14496-2 §6.2.2), or undefined. */
export function mpeg4VideoProfileLevel(config: Uint8Array): number | undefined {
  for (const at of startCodes(config)) if (config[at] === MPEG4_VOS && at + 1 < config.length) return config[at + 1];
  return undefined;
}

/** True when the frame's first VOP is intra coded (vop_coding_type 00, 14496-2 §6.2.5): a decoder can start there. */
export function mpeg4VideoIsRandomAccess(frame: Uint8Array): boolean {
  for (const at of startCodes(frame)) if (frame[at] === MPEG4_VOP) return at + 1 < frame.length && frame[at + 1]! >> 6 === 0;
  return false;
}

/** True when the MPEG-1/2 video frame carries a sequence header: encoders put one in front of each I-frame that opens a GOP. */
export function mpeg1VideoIsRandomAccess(frame: Uint8Array): boolean {
  for (const at of startCodes(frame)) if (frame[at] === MPEG2_SEQUENCE_HEADER) return true;
  return false;
}
