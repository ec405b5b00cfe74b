import { BitReader, unescapeRbsp } from './bit-reader.ts';
import { CodecError } from './codec-error.ts';
import { VIDEO_CLOCK_RATE } from '../lib/index.ts';

/** The H265 SPS fields the server needs (ITU-T H.265 §7.3.2.2.1). */
export interface H265Sps {
  readonly chromaFormatIdc: number;
  readonly separateColourPlane: boolean;
  readonly bitDepthLumaMinus8: number;
  readonly bitDepthChromaMinus8: number;
  readonly log2MaxPocLsb: number;
  /** sps_max_num_reorder_pics of the highest sub-layer. */
  readonly maxNumReorderPics: number;
}

/** Parses an H265 SPS NAL unit (with its 2-byte header), reading past profile_tier_level (§7.3.3). */
export function parseH265Sps(nalu: Uint8Array): H265Sps {
  if (nalu.length < 4 || ((nalu[0]! >> 1) & 0x3f) !== 33) throw new CodecError('not an H265 SPS');
  const r = new BitReader(unescapeRbsp(nalu.subarray(2)));
  r.skip(4);
  const maxSubLayersMinus1 = r.bits(3);
  r.skip(1 + 96); // temporal_id_nesting_flag, general profile/tier/level
  const present: [boolean, boolean][] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) present.push([r.flag(), r.flag()]);
  if (maxSubLayersMinus1 > 0) r.skip(2 * (8 - maxSubLayersMinus1));
  for (const [profile, level] of present) r.skip((profile ? 88 : 0) + (level ? 8 : 0));
  r.ue(); // sps_seq_parameter_set_id
  const chromaFormatIdc = r.ue();
  if (chromaFormatIdc > 3) throw new CodecError('invalid chroma_format_idc');
  const separateColourPlane = chromaFormatIdc === 3 ? r.flag() : false;
  r.ue(); r.ue(); // picture size
  if (r.flag()) { r.ue(); r.ue(); r.ue(); r.ue(); } // conformance window
  const bitDepthLumaMinus8 = r.ue();
  const bitDepthChromaMinus8 = r.ue();
  const log2MaxPocLsb = r.ue() + 4;
  if (bitDepthLumaMinus8 > 8 || bitDepthChromaMinus8 > 8 || log2MaxPocLsb > 16) throw new CodecError('invalid SPS field sizes');
  const allLayers = r.flag();
  let maxNumReorderPics = 0;
  for (let i = allLayers ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
    r.ue();
    maxNumReorderPics = r.ue();
    r.ue();
  }
  return { chromaFormatIdc, separateColourPlane, bitDepthLumaMinus8, bitDepthChromaMinus8, log2MaxPocLsb, maxNumReorderPics: Math.min(maxNumReorderPics, 16) };
}

/** The H265 PPS fields a slice header depends on (§7.3.2.3.1). */
export interface H265Pps { readonly id: number; readonly outputFlagPresent: boolean; readonly numExtraSliceHeaderBits: number }

/** Parses an H265 PPS NAL unit (with its 2-byte header). */
export function parseH265Pps(nalu: Uint8Array): H265Pps {
  if (nalu.length < 3 || ((nalu[0]! >> 1) & 0x3f) !== 34) throw new CodecError('not an H265 PPS');
  const r = new BitReader(unescapeRbsp(nalu.subarray(2)));
  const id = r.ue();
  r.ue(); // pps_seq_parameter_set_id
  r.skip(1); // dependent_slice_segments_enabled_flag
  const outputFlagPresent = r.flag();
  const numExtraSliceHeaderBits = r.bits(3);
  if (id > 63) throw new CodecError('invalid pps_pic_parameter_set_id');
  return { id, outputFlagPresent, numExtraSliceHeaderBits };
}

/** Picture order fields of the first slice segment of a picture (§7.3.6.1); undefined for other segments. */
export function parseH265SlicePoc(nalu: Uint8Array, sps: H265Sps, ppsById: ReadonlyMap<number, H265Pps>): { pocLsb: number } | undefined {
  const type = ((nalu[0] ?? 0) >> 1) & 0x3f;
  if (type > 21) throw new CodecError('not a slice segment');
  const r = new BitReader(unescapeRbsp(nalu.subarray(2, 40)));
  if (!r.flag()) return undefined; // not first_slice_segment_in_pic
  if (type >= 16) r.skip(1); // no_output_of_prior_pics_flag
  const pps = ppsById.get(r.ue());
  if (!pps) throw new CodecError('slice refers to an unknown PPS');
  r.skip(pps.numExtraSliceHeaderBits);
  r.ue(); // slice_type
  if (pps.outputFlagPresent) r.skip(1);
  if (sps.separateColourPlane) r.skip(2);
  if (type === 19 || type === 20) return { pocLsb: 0 }; // IDR: POC 0
  return { pocLsb: r.bits(sps.log2MaxPocLsb) };
}

/** Frame duration in 90 kHz ticks from a VPS's timing info (§7.3.2.1), when present and sane. */
export function parseH265VpsFrameDuration(nalu: Uint8Array): number | undefined {
  if (nalu.length < 4 || ((nalu[0]! >> 1) & 0x3f) !== 32) throw new CodecError('not an H265 VPS');
  const r = new BitReader(unescapeRbsp(nalu.subarray(2)));
  r.skip(4 + 1 + 1 + 6); // vps id, base layer flags, vps_max_layers_minus1
  const maxSubLayersMinus1 = r.bits(3);
  r.skip(1 + 16 + 96); // temporal_id_nesting, reserved 0xffff, general profile/tier/level
  const present: [boolean, boolean][] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) present.push([r.flag(), r.flag()]);
  if (maxSubLayersMinus1 > 0) r.skip(2 * (8 - maxSubLayersMinus1));
  for (const [profile, level] of present) r.skip((profile ? 88 : 0) + (level ? 8 : 0));
  const allLayers = r.flag();
  for (let i = allLayers ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) { r.ue(); r.ue(); r.ue(); }
  const maxLayerId = r.bits(6);
  const layerSets = r.ue();
  if (layerSets > 1023) throw new CodecError('invalid vps_num_layer_sets_minus1');
  r.skip(layerSets * (maxLayerId + 1));
  if (!r.flag()) return undefined;
  const unitsInTick = r.bits(32);
  const timeScale = r.bits(32);
  const d = (VIDEO_CLOCK_RATE * unitsInTick) / timeScale;
  return timeScale > 0 && d >= VIDEO_CLOCK_RATE / 1000 && d <= VIDEO_CLOCK_RATE * 10 ? d : undefined; // 1 ms to 10 s
}
