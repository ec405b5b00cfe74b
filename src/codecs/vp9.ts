import { BitReader } from './bit-reader.ts';
import { CodecError } from './codec-error.ts';

/** What a VP9 key frame's uncompressed header tells about the stream (VP9 bitstream spec §6.2, §7.2). */
export interface Vp9KeyFrameInfo {
  readonly profile: number;
  readonly bitDepth: number;
  readonly subsamplingX: number;
  readonly subsamplingY: number;
  readonly fullRange: boolean;
  readonly width: number;
  readonly height: number;
}

const CS_RGB = 7;

/** Reads frame_marker, profile and show_existing_frame; returns the reader and profile, or undefined when not a frame. */
function frameStart(frame: Uint8Array): { r: BitReader; profile: number } | undefined {
  const r = new BitReader(frame);
  if (r.bits(2) !== 2) throw new CodecError('VP9 frame without frame_marker');
  const low = r.bits(1);
  const profile = (r.bits(1) << 1) | low;
  if (profile === 3) r.skip(1); // reserved_zero
  if (r.flag()) return undefined; // show_existing_frame: repeats a decoded frame
  return { r, profile };
}

/** The key frame's header fields, or undefined for inter frames and repeated frames. Throws CodecError when malformed. */
export function parseVp9KeyFrame(frame: Uint8Array): Vp9KeyFrameInfo | undefined {
  const start = frameStart(frame);
  if (!start) return undefined;
  const { r, profile } = start;
  if (r.bits(1) !== 0) return undefined; // frame_type 1: inter frame
  r.skip(2); // show_frame, error_resilient_mode
  if (r.bits(24) !== 0x498342) throw new CodecError('VP9 key frame without sync code');
  const bitDepth = profile >= 2 ? (r.flag() ? 12 : 10) : 8;
  const colorSpace = r.bits(3);
  let fullRange = true;
  let subsamplingX = 0;
  let subsamplingY = 0;
  if (colorSpace !== CS_RGB) {
    fullRange = r.flag();
    if (profile === 1 || profile === 3) { subsamplingX = r.bits(1); subsamplingY = r.bits(1); r.skip(1); } else { subsamplingX = 1; subsamplingY = 1; }
  } else if (profile === 1 || profile === 3) {
    r.skip(1); // reserved_zero; RGB is 4:4:4
  } else {
    throw new CodecError('VP9 RGB needs profile 1 or 3');
  }
  const width = r.bits(16) + 1;
  const height = r.bits(16) + 1;
  return { profile, bitDepth, subsamplingX, subsamplingY, fullRange, width, height };
}

/** True when a VP9 frame is a key frame (frame_type 0, not a repeated frame); false for anything unreadable. */
export function vp9IsKeyFrame(frame: Uint8Array): boolean {
  try {
    const start = frameStart(frame);
    return start !== undefined && start.r.bits(1) === 0;
  } catch {
    return false;
  }
}

// VP9 levels (VP9 levels and decoder testing, Table 1): luma picture size limit per level, smallest first.
const LEVELS: readonly [number, number][] = [
  [10, 36864], [11, 73728], [20, 122880], [21, 245760], [30, 552960], [31, 983040], [40, 2228224], [50, 8912896], [60, 35651584],
];

/**
 * Builds a VPCodecConfigurationRecord with its FullBox version 1 and flags, as Enhanced RTMP and FFmpeg carry it
 * (VP codec ISO media binding §2.2): profile, the lowest level that fits the picture size, bit depth, chroma
 * subsampling, range, unspecified colour description, no initialization data.
 */
export function buildVpcc(k: Vp9KeyFrameInfo): Buffer {
  const level = LEVELS.find(([, max]) => k.width * k.height <= max)?.[0] ?? 62;
  // chromaSubsampling: 1 = 4:2:0 co-sited with luma, 2 = 4:2:2, 3 = 4:4:4.
  const chroma = k.subsamplingX && k.subsamplingY ? 1 : k.subsamplingX ? 2 : 3;
  return Buffer.from([1, 0, 0, 0, k.profile, level, (k.bitDepth << 4) | (chroma << 1) | +k.fullRange, 2, 2, 2, 0, 0]);
}

/** The profile in a VPCodecConfigurationRecord (FullBox header included). */
export function parseVpcc(b: Buffer): { profile: number; bitDepth: number } {
  if (b.length < 12 || b[0] !== 1) throw new CodecError('invalid VPCodecConfigurationRecord');
  return { profile: b[4]!, bitDepth: b[6]! >> 4 };
}
