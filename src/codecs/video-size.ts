import { readLeb128 } from './av1.ts';
import { BitReader, unescapeRbsp } from './bit-reader.ts';
import { CodecError } from './codec-error.ts';

/** Displayed picture size in pixels. */
export interface PictureSize { readonly width: number; readonly height: number }

/**
 * Picture size of an H265 SPS NAL unit (ITU-T H.265 §7.3.2.2.1): pic_width/height_in_luma_samples less the
 * conformance window, whose offsets count in chroma units (SubWidthC, SubHeightC of Table 6-1).
 */
export function h265PictureSize(sps: Uint8Array): PictureSize {
  if (sps.length < 4 || ((sps[0]! >> 1) & 0x3f) !== 33) throw new CodecError('not an H265 SPS');
  const r = new BitReader(unescapeRbsp(sps.subarray(2)));
  r.skip(4); // sps_video_parameter_set_id
  const maxSubLayersMinus1 = r.bits(3);
  r.skip(1); // sps_temporal_id_nesting_flag
  skipProfileTierLevel(r, maxSubLayersMinus1);
  r.ue(); // sps_seq_parameter_set_id
  const chromaFormatIdc = r.ue();
  if (chromaFormatIdc > 3) throw new CodecError('invalid chroma_format_idc');
  const separateColourPlane = chromaFormatIdc === 3 && r.flag();
  const lumaWidth = r.ue();
  const lumaHeight = r.ue();
  // ChromaArrayType 0 (monochrome or separate planes) and 4:4:4 count offsets in luma samples.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const subWidth = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
  const subHeight = chromaArrayType === 1 ? 2 : 1;
  let width = lumaWidth;
  let height = lumaHeight;
  if (r.flag()) { // conformance_window_flag
    const [left, right, top, bottom] = [r.ue(), r.ue(), r.ue(), r.ue()];
    width -= subWidth * (left + right);
    height -= subHeight * (top + bottom);
  }
  if (width <= 0 || height <= 0) throw new CodecError('invalid H265 picture size');
  return { width, height };
}

// profile_tier_level(1, maxSubLayersMinus1) (§7.3.3): 88 bits of general profile, 8 of general level, then the
// sub-layer present flags padded to 16 bits, then per sub-layer 88 bits of profile and 8 of level when present.
function skipProfileTierLevel(r: BitReader, maxSubLayersMinus1: number): void {
  r.skip(88 + 8);
  const present: { profile: boolean; level: boolean }[] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) present.push({ profile: r.flag(), level: r.flag() });
  if (maxSubLayersMinus1 > 0) r.skip(2 * (8 - maxSubLayersMinus1));
  for (const p of present) r.skip((p.profile ? 88 : 0) + (p.level ? 8 : 0));
}

/**
 * Largest frame size of an AV1 sequence header OBU (AV1 spec §5.5.1: max_frame_width/height_minus_1), which is what
 * ISOBMFF sample entries carry. Kept beside parseAv1SequenceHeader, which stops reading before these fields' values.
 */
export function av1FrameSize(obu: Uint8Array): PictureSize {
  const r = new BitReader(av1ObuPayload(obu));
  r.skip(3 + 1); // seq_profile, still_picture
  if (r.flag()) { // reduced_still_picture_header
    r.skip(5); // seq_level_idx[0]
  } else {
    skipOperatingPoints(r);
  }
  const widthBits = r.bits(4) + 1;
  const heightBits = r.bits(4) + 1;
  return { width: r.bits(widthBits) + 1, height: r.bits(heightBits) + 1 };
}

// §5.5.1 from timing_info_present_flag to the end of the operating points loop.
function skipOperatingPoints(r: BitReader): void {
  let decoderModelInfo = false;
  let bufferDelayLength = 0;
  if (r.flag()) { // timing_info_present_flag: timing_info (§5.5.3)
    r.skip(32 + 32); // num_units_in_display_tick, time_scale
    if (r.flag()) r.uvlc(); // equal_picture_interval → num_ticks_per_picture_minus_1
    decoderModelInfo = r.flag();
    if (decoderModelInfo) { // decoder_model_info (§5.5.4)
      bufferDelayLength = r.bits(5) + 1;
      r.skip(32 + 5 + 5);
    }
  }
  const initialDisplayDelay = r.flag();
  const count = r.bits(5) + 1;
  for (let i = 0; i < count; i++) {
    r.skip(12); // operating_point_idc
    if (r.bits(5) > 7) r.skip(1); // seq_level_idx → seq_tier
    if (decoderModelInfo && r.flag()) r.skip(2 * bufferDelayLength + 1); // operating_parameters_info (§5.5.5)
    if (initialDisplayDelay && r.flag()) r.skip(4);
  }
}

// OBU header (§5.3.2): forbidden(1) type(4) extension_flag(1) has_size_field(1) reserved(1), optional extension byte,
// optional leb128 obu_size.
function av1ObuPayload(obu: Uint8Array): Uint8Array {
  if (obu.length === 0 || ((obu[0]! >> 3) & 0x0f) !== 1) throw new CodecError('not a sequence header OBU');
  const start = obu[0]! & 0x04 ? 2 : 1;
  if (obu.length < start) throw new CodecError('truncated OBU header');
  if ((obu[0]! & 0x02) === 0) return obu.subarray(start);
  const { value, length } = readLeb128(obu, start);
  if (start + length + value > obu.length) throw new CodecError('OBU shorter than its obu_size');
  return obu.subarray(start + length, start + length + value);
}
