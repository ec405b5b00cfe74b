import { CodecError } from './codec-error.ts';

/**
 * Splits an Annex-B byte stream (ITU-T H.264 Annex B: 00 00 01 / 00 00 00 01 start codes) into NAL units (views).
 * More than `maxNalus` NAL units throw CodecError as soon as the one too many is found: a PES of megabytes of bare
 * start codes would otherwise make millions of views (hundreds of MiB) before any count limit is checked.
 */
export function annexBToNalus(buf: Uint8Array, maxNalus = Infinity): Uint8Array[] {
  const out: Uint8Array[] = [];
  const add = (n: Uint8Array): void => {
    if (n.length === 0) return;
    if (out.length >= maxNalus) throw new CodecError(`more than ${maxNalus} NAL units`);
    out.push(n);
  };
  let start = -1;
  let i = 0;
  while (i + 2 < buf.length) {
    if (buf[i] === 0 && buf[i + 1] === 0 && buf[i + 2] === 1) {
      if (start >= 0) add(trimZeros(buf.subarray(start, i)));
      i += 3;
      start = i;
    } else i++;
  }
  if (start >= 0 && start < buf.length) add(buf.subarray(start));
  return out;
}

// The zero before a 4-byte start code belongs to the start code, not to the previous NAL unit (trailing_zero_8bits).
function trimZeros(n: Uint8Array): Uint8Array {
  let end = n.length;
  while (end > 0 && n[end - 1] === 0) end--;
  return n.subarray(0, end);
}

/** Joins NAL units as an Annex-B byte stream with 4-byte start codes. */
export function nalusToAnnexB(nalus: readonly Uint8Array[]): Buffer {
  const sc = Buffer.from([0, 0, 0, 1]);
  return Buffer.concat(nalus.flatMap((n) => [sc, n]));
}

/**
 * The NAL unit without a leading Annex-B start code (00 00 01 or 00 00 00 01). Some cameras put one in front of
 * each parameter set of SDP sprop-parameter-sets / sprop-vps/sps/pps, where RFC 6184 §8.1 wants bare NAL units.
 */
export function stripStartCode(nalu: Buffer): Buffer {
  if (nalu[0] === 0 && nalu[1] === 0) {
    if (nalu[2] === 1) return nalu.subarray(3);
    if (nalu[2] === 0 && nalu[3] === 1) return nalu.subarray(4);
  }
  return nalu;
}
