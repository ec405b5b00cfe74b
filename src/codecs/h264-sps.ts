import { BitReader, unescapeRbsp } from './bit-reader.ts';
import { CodecError } from './codec-error.ts';
import { VIDEO_CLOCK_RATE } from '../lib/index.ts';

/** The SPS fields the server needs (ITU-T H.264 §7.3.2.1.1 and Annex E.1.1). */
export interface H264Sps {
  readonly profileIdc: number;
  readonly width: number;
  readonly height: number;
  readonly separateColourPlane: boolean;
  readonly log2MaxFrameNum: number;
  readonly frameMbsOnly: boolean;
  readonly pocType: number;
  /** log2_max_pic_order_cnt_lsb (POC type 0). */
  readonly log2MaxPocLsb: number;
  /** VUI max_num_reorder_frames, when the encoder wrote it. */
  readonly maxNumReorderFrames?: number;
  /** Frame duration from VUI timing (90 kHz ticks), when present. */
  readonly frameDuration90k?: number;
}

// Profiles whose SPS carries chroma format, bit depths and scaling lists (§7.3.2.1.1).
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** Parses an H264 SPS NAL unit (with its 1-byte header). Throws CodecError when malformed. */
export function parseH264Sps(nalu: Uint8Array): H264Sps {
  if (nalu.length < 4 || (nalu[0]! & 0x1f) !== 7) throw new CodecError('not an H264 SPS');
  const r = new BitReader(unescapeRbsp(nalu.subarray(1)));
  const profileIdc = r.bits(8);
  r.skip(16); // constraint flags, level_idc
  r.ue(); // seq_parameter_set_id
  let separateColourPlane = false;
  let chromaFormatIdc = 1;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc === 3) separateColourPlane = r.flag();
    r.ue(); r.ue(); // bit depths
    r.skip(1); // qpprime_y_zero_transform_bypass_flag
    if (r.flag()) {
      for (let i = 0; i < (chromaFormatIdc !== 3 ? 8 : 12); i++) if (r.flag()) skipScalingList(r, i < 6 ? 16 : 64);
    }
  }
  const log2MaxFrameNum = r.ue() + 4;
  const pocType = r.ue();
  let log2MaxPocLsb = 0;
  if (pocType === 0) log2MaxPocLsb = r.ue() + 4;
  else if (pocType === 1) {
    r.skip(1); r.se(); r.se();
    const n = r.ue();
    if (n > 255) throw new CodecError('invalid num_ref_frames_in_pic_order_cnt_cycle');
    for (let i = 0; i < n; i++) r.se();
  } else if (pocType !== 2) throw new CodecError('invalid pic_order_cnt_type');
  if (log2MaxFrameNum > 16 || log2MaxPocLsb > 16) throw new CodecError('invalid SPS field sizes');
  r.ue(); // max_num_ref_frames
  r.skip(1); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.ue() + 1;
  const heightUnits = r.ue() + 1;
  const frameMbsOnly = r.flag();
  if (!frameMbsOnly) r.skip(1);
  r.skip(1); // direct_8x8_inference_flag
  let crop = [0, 0, 0, 0];
  if (r.flag()) crop = [r.ue(), r.ue(), r.ue(), r.ue()];
  // Crop units (§7.4.2.1.1, Table 6-1): 2 luma samples for 4:2:0 horizontally and (per field pair) vertically.
  const cropX = chromaFormatIdc === 0 || chromaFormatIdc === 3 || separateColourPlane ? 1 : 2;
  const cropY = (chromaFormatIdc === 1 && !separateColourPlane ? 2 : 1) * (frameMbsOnly ? 1 : 2);
  const codedWidth = widthMbs * 16;
  const codedHeight = heightUnits * 16 * (frameMbsOnly ? 1 : 2);
  let width = codedWidth - cropX * (crop[0]! + crop[1]!);
  let height = codedHeight - cropY * (crop[2]! + crop[3]!);
  // Offsets that crop the whole picture away break §7.4.2.1.1; FFmpeg then ignores the cropping, and so do we,
  // rather than report a size of 0 or less (HLS RESOLUTION, tkhd, the API).
  if (width <= 0 || height <= 0) { width = codedWidth; height = codedHeight; }
  const base = { profileIdc, width, height, separateColourPlane, log2MaxFrameNum, frameMbsOnly, pocType, log2MaxPocLsb };
  if (!r.flag()) return base;
  try {
    return { ...base, ...parseVui(r) };
  } catch {
    return base; // a truncated VUI (seen from some cameras) loses only the optional hints
  }
}

function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + r.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

/** VUI (Annex E.1.1): frame duration from timing info and max_num_reorder_frames from bitstream restrictions. */
function parseVui(r: BitReader): { maxNumReorderFrames?: number; frameDuration90k?: number } {
  const out: { maxNumReorderFrames?: number; frameDuration90k?: number } = {};
  if (r.flag() && r.bits(8) === 255) r.skip(32); // aspect_ratio_idc, Extended_SAR
  if (r.flag()) r.skip(1); // overscan
  if (r.flag()) { r.skip(4); if (r.flag()) r.skip(24); } // video signal type, colour description
  if (r.flag()) { r.ue(); r.ue(); } // chroma location
  if (r.flag()) {
    const unitsInTick = r.bits(32);
    const timeScale = r.bits(32);
    r.skip(1);
    // A frame lasts two ticks (§E.2.1, field-based timing); rejected when absurd.
    const d = (VIDEO_CLOCK_RATE * 2 * unitsInTick) / timeScale;
    if (timeScale > 0 && d >= VIDEO_CLOCK_RATE / 1000 && d <= VIDEO_CLOCK_RATE * 10) out.frameDuration90k = d; // 1 ms to 10 s
  }
  const nal = r.flag();
  if (nal) skipHrd(r);
  const vcl = r.flag();
  if (vcl) skipHrd(r);
  if (nal || vcl) r.skip(1);
  r.skip(1); // pic_struct_present_flag
  if (r.flag()) {
    r.skip(1); r.ue(); r.ue(); r.ue(); r.ue();
    const reorder = r.ue();
    if (reorder <= 16) out.maxNumReorderFrames = reorder;
  }
  return out;
}

function skipHrd(r: BitReader): void {
  const cpbCnt = r.ue() + 1;
  if (cpbCnt > 32) throw new CodecError('invalid cpb_cnt_minus1');
  r.skip(8);
  for (let i = 0; i < cpbCnt; i++) { r.ue(); r.ue(); r.skip(1); }
  r.skip(20);
}

/** The slice header fields needed for picture order (§7.3.3), read from a slice NAL unit (type 1 or 5). */
export interface H264SliceHeader { readonly idr: boolean; readonly nalRefIdc: number; readonly frameNum: number; readonly pocLsb: number; readonly field: boolean }

/** Parses the start of a slice header with the SPS it refers to. Throws CodecError when malformed. */
export function parseH264SliceHeader(nalu: Uint8Array, sps: H264Sps): H264SliceHeader {
  const type = (nalu[0] ?? 0) & 0x1f;
  if (type !== 1 && type !== 5) throw new CodecError('not a slice');
  // 32 bytes cover any slice header up to pic_order_cnt_lsb; unescaping the whole slice would be wasted work.
  const r = new BitReader(unescapeRbsp(nalu.subarray(1, 33)));
  r.ue(); r.ue(); r.ue(); // first_mb_in_slice, slice_type, pic_parameter_set_id
  if (sps.separateColourPlane) r.skip(2);
  const frameNum = r.bits(sps.log2MaxFrameNum);
  let field = false;
  if (!sps.frameMbsOnly) { field = r.flag(); if (field) r.skip(1); }
  if (type === 5) r.ue(); // idr_pic_id
  const pocLsb = sps.pocType === 0 ? r.bits(sps.log2MaxPocLsb) : 0;
  return { idr: type === 5, nalRefIdc: (nalu[0]! >> 5) & 3, frameNum, pocLsb, field };
}
