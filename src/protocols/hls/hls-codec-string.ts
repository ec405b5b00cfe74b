import {
  av1FrameSize, buildVpcc, BitReader, h265PictureSize, parseAudioSpecificConfig, parseAv1SequenceHeader, parseH264Sps,
  parseH265VpsFrameDuration, unescapeRbsp, type PictureSize,
} from '../../codecs/index.ts';
import type { Fmp4Codec } from '../../formats/index.ts';
import { HLS_VIDEO_TIMESCALE } from './hls-tracks.ts';

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
const dec2 = (n: number): string => String(n).padStart(2, '0');

/**
 * The CODECS attribute value of a track (RFC 8216bis §4.4.6.2, RFC 6381 §3.3): what a player checks with
 * MediaSource.isTypeSupported before it loads anything. Undefined when the parameters can't be read.
 */
export function hlsCodecString(codec: Fmp4Codec): string | undefined {
  try {
    switch (codec.codec) {
      // ISO/IEC 14496-15 Annex E.2: profile_idc, constraint flags and level_idc, the SPS bytes after its header.
      case 'h264': return codec.sps.length >= 4 ? `avc1.${[1, 2, 3].map((i) => hex2(codec.sps[i]!)).join('')}` : undefined;
      case 'h265': return h265CodecString(codec.sps);
      case 'av1': return av1CodecString(codec.sequenceHeader);
      // VP codec ISO media binding §"Codecs Parameter String": profile, level, bit depth.
      case 'vp9': return `vp09.${dec2(codec.profile)}.${dec2(buildVpcc(codec)[5]!)}.${dec2(codec.bitDepth)}`;
      case 'mpeg4Audio': return `mp4a.40.${parseAudioSpecificConfig(codec.config).objectType}`;
      // 0x40 object type 34 (MPEG-1 Layer 3), as FFmpeg's HLS muxer and hls.js write it.
      case 'mpeg1Audio': return 'mp4a.40.34';
      case 'opus': return 'opus';
    }
  } catch {
    return undefined; // unreadable parameters: the playlist goes without CODECS for this track
  }
}

/**
 * ISO/IEC 14496-15 Annex E.3: hvc1.<profile space letter><profile_idc>.<compatibility flags, bit-reversed, hex>.
 * <tier L|H><level_idc>.<constraint bytes, hex, trailing zero bytes left out>; lower-case hex, as gohlslib writes it. The general profile_tier_level
 * (H.265 §7.3.3) starts right after the SPS's first byte of RBSP.
 */
function h265CodecString(sps: Uint8Array): string | undefined {
  if (sps.length < 15) return undefined;
  const r = new BitReader(unescapeRbsp(sps.subarray(2)));
  r.skip(8); // sps_video_parameter_set_id, sps_max_sub_layers_minus1, sps_temporal_id_nesting_flag
  const space = r.bits(2);
  const tier = r.bits(1);
  const profileIdc = r.bits(5);
  let compat = 0;
  for (let j = 0; j < 32; j++) compat += r.bits(1) * 2 ** j; // flag j is bit j of the reversed word
  const constraints = Array.from({ length: 6 }, () => r.bits(8));
  const levelIdc = r.bits(8);
  while (constraints.length > 1 && constraints.at(-1) === 0) constraints.pop();
  return `hvc1.${['', 'A', 'B', 'C'][space]}${profileIdc}.${compat.toString(16)}.${tier ? 'H' : 'L'}${levelIdc}.`
    + constraints.map((b) => b.toString(16)).join('.');
}

/** AV1 ISOBMFF binding §"Codecs Parameter String": av01.<profile>.<level><tier M|H>.<bit depth>. */
function av1CodecString(sequenceHeader: Uint8Array): string {
  const h = parseAv1SequenceHeader(sequenceHeader);
  const bitDepth = h.highBitdepth ? (h.twelveBit ? 12 : 10) : 8;
  return `av01.${h.profile}.${dec2(h.level)}${h.tier ? 'H' : 'M'}.${dec2(bitDepth)}`;
}

/** Picture size of a video track, for RESOLUTION; undefined for audio or unreadable parameters. */
export function hlsVideoSize(codec: Fmp4Codec): PictureSize | undefined {
  try {
    switch (codec.codec) {
      case 'h264': { const s = parseH264Sps(codec.sps); return { width: s.width, height: s.height }; }
      case 'h265': return h265PictureSize(codec.sps);
      case 'av1': return av1FrameSize(codec.sequenceHeader);
      case 'vp9': return { width: codec.width, height: codec.height };
      default: return undefined;
    }
  } catch {
    return undefined;
  }
}

/** Frames per second a video track's parameters declare (H264 VUI, H265 VPS timing), for FRAME-RATE. */
export function hlsFrameRate(codec: Fmp4Codec): number | undefined {
  try {
    const ticks = codec.codec === 'h264' ? parseH264Sps(codec.sps).frameDuration90k
      : codec.codec === 'h265' ? parseH265VpsFrameDuration(codec.vps) : undefined;
    return ticks !== undefined && ticks > 0 ? HLS_VIDEO_TIMESCALE / ticks : undefined; // the parsers give 90 kHz ticks
  } catch {
    return undefined;
  }
}
