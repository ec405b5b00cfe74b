import { unescapeRbsp } from './bit-reader.ts';
import { parseH265Sps } from './h265-params.ts';
import { CodecError } from './codec-error.ts';

/** H265 NAL unit types used here (ITU-T H.265 Table 7-1; AP and FU from RFC 7798 §4.4). */
export const H265NaluType = { IrapFirst: 16, IrapLast: 23, Vps: 32, Sps: 33, Pps: 34, Aud: 35, SeiPrefix: 39, Ap: 48, Fu: 49, Paci: 50 } as const;

// The same access-unit bounds as H264 (docs/limits.md §Media).
export const H265_MAX_NALUS = 50;
export const H265_MAX_AU_BYTES = 8 * 1024 * 1024;

/** NAL unit type of an H265 NAL unit (2-byte header, §7.3.1.2). */
export function h265NaluType(nalu: Uint8Array): number { return ((nalu[0] ?? 0) >> 1) & 0x3f; }

/** True when the access unit holds an IRAP picture (BLA, IDR, CRA: types 16–23), where decoding can start. */
export function h265IsRandomAccess(au: readonly Uint8Array[]): boolean {
  return au.some((n) => { const t = h265NaluType(n); return t >= H265NaluType.IrapFirst && t <= H265NaluType.IrapLast; });
}

/** Parameter sets of an H265 stream. */
export interface HevcParameterSets { readonly vps: Buffer; readonly sps: Buffer; readonly pps: Buffer }

/** The parts of an HEVCDecoderConfigurationRecord the server converts: parameter sets and NAL length size. */
export interface HevcConfig extends HevcParameterSets { readonly lengthSize: number }

/** Parses an HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1), keeping the first VPS, SPS and PPS. */
export function parseHevcConfig(b: Buffer): HevcConfig {
  if (b.length < 23 || b[0] !== 1) throw new CodecError('invalid HEVCDecoderConfigurationRecord');
  const lengthSize = (b[21]! & 3) + 1;
  const found = new Map<number, Buffer>();
  let pos = 23;
  for (let a = 0, n = b[22]!; a < n; a++) {
    if (pos + 3 > b.length) throw new CodecError('truncated HEVC config array');
    const type = b[pos]! & 0x3f;
    const count = b.readUInt16BE(pos + 1);
    pos += 3;
    for (let i = 0; i < count; i++) {
      if (pos + 2 > b.length) throw new CodecError('truncated HEVC config NAL unit');
      const len = b.readUInt16BE(pos);
      pos += 2;
      if (pos + len > b.length) throw new CodecError('truncated HEVC config NAL unit');
      if (!found.has(type)) found.set(type, b.subarray(pos, pos + len));
      pos += len;
    }
  }
  const vps = found.get(H265NaluType.Vps);
  const sps = found.get(H265NaluType.Sps);
  const pps = found.get(H265NaluType.Pps);
  if (!vps || !sps || !pps || sps.length < 15) throw new CodecError('HEVCDecoderConfigurationRecord lacks VPS, SPS or PPS');
  return { vps, sps, pps, lengthSize };
}

/**
 * Builds an HEVCDecoderConfigurationRecord with 4-byte NAL lengths. The 12 bytes of general profile, tier,
 * compatibility, constraint and level fields are the SPS's profile_tier_level (§7.3.3), which starts right after the
 * NAL header and the byte holding sps_video_parameter_set_id, sps_max_sub_layers_minus1 and the nesting flag.
 */
export function buildHevcConfig(ps: HevcParameterSets): Buffer {
  const rbsp = unescapeRbsp(ps.sps.subarray(2));
  if (rbsp.length < 13) throw new CodecError('SPS too short');
  const ptl = rbsp.subarray(1, 13);
  const head = Buffer.alloc(23);
  head[0] = 1;
  Buffer.from(ptl).copy(head, 1); // profile space/tier/idc, 32 compatibility flags, 48 constraint flags, level
  head.writeUInt16BE(0xf000, 13); // reserved + min_spatial_segmentation_idc 0
  head[15] = 0xfc; // reserved + parallelismType unknown
  const f = parseH265Sps(ps.sps);
  head[16] = 0xfc | f.chromaFormatIdc;
  head[17] = 0xf8 | f.bitDepthLumaMinus8;
  head[18] = 0xf8 | f.bitDepthChromaMinus8;
  head.writeUInt16BE(0, 19); // avgFrameRate unknown
  head[21] = 0x0f; // constantFrameRate 0, numTemporalLayers 1, temporalIdNested 1, lengthSizeMinusOne 3
  head[22] = 3;
  const arrays = ([[H265NaluType.Vps, ps.vps], [H265NaluType.Sps, ps.sps], [H265NaluType.Pps, ps.pps]] as const).map(([type, n]) => {
    const h = Buffer.alloc(5);
    h[0] = 0x80 | type; // array_completeness 1
    h.writeUInt16BE(1, 1);
    h.writeUInt16BE(n.length, 3);
    return Buffer.concat([h, n]);
  });
  return Buffer.concat([head, ...arrays]);
}

/**
 * Groups a stream's NAL units into access units (§7.4.2.4.4): a new one starts at a slice segment with
 * first_slice_segment_in_pic_flag, or at a VPS/SPS/PPS/AUD/prefix SEI, once the current one has a slice.
 */
export function groupH265AccessUnits(nalus: readonly Uint8Array[]): Uint8Array[][] {
  const aus: Uint8Array[][] = [];
  let cur: Uint8Array[] = [];
  let hasSlice = false;
  for (const n of nalus) {
    const t = h265NaluType(n);
    const starts = t < 32 ? ((n[2] ?? 0) & 0x80) !== 0 : t >= H265NaluType.Vps && t <= H265NaluType.SeiPrefix;
    if (starts && hasSlice) { aus.push(cur); cur = []; hasSlice = false; }
    cur.push(n);
    if (t < 32) hasSlice = true;
  }
  if (cur.length > 0) aus.push(cur);
  return aus;
}
