import {
  CodecError, h265PictureSize, parseAudioSpecificConfig, parseH264Sps, unescapeRbsp,
} from '../codecs/index.ts';
import { opusChannels, type Format } from '../formats/index.ts';

/** H264 and H265: picture size and profile/level names from the current SPS (zero and '' without one). */
export interface VideoTrackProps { readonly width: number; readonly height: number; readonly profile: string; readonly level: string }

/**
 * What the API's `tracks2[].codecProps` shows of one format (MediaMTX's `APIPathTrackCodecProps*`): one shape per
 * codec, `null` for codecs upstream gives no properties.
 */
export type TrackCodecProps =
  | { readonly width: number; readonly height: number; readonly profile: number; readonly level: number; readonly tier: number } // AV1
  | { readonly profile: number } // VP9
  | VideoTrackProps // H264, H265
  | { readonly channelCount: number } // Opus
  | { readonly sampleRate: number; readonly channelCount: number } // MPEG-4 Audio, AC-3
  | { readonly muLaw: boolean; readonly sampleRate: number; readonly channelCount: number } // G711
  | { readonly bitDepth: number; readonly sampleRate: number; readonly channelCount: number }; // LPCM

// ITU-T H.264 Table A-1 names, as upstream spells them; other profile_idc values are shown as numbers.
const H264_PROFILES: Readonly<Record<number, string>> = {
  66: 'Baseline', 77: 'Main', 88: 'Extended', 100: 'High', 110: 'High 10', 122: 'High 4:2:2', 244: 'High 4:4:4 Predictive',
};
// ITU-T H.265 Annex A general_profile_idc names, as upstream spells them.
const H265_PROFILES: Readonly<Record<number, string>> = {
  1: 'Main', 2: 'Main 10', 3: 'Main Still Picture', 4: 'Range Extensions', 5: 'High Throughput', 6: 'Multiview Main',
  7: 'Scalable Main', 8: '3D Main', 9: 'Screen Content Coding Extensions', 10: 'Scalable Range Extensions',
};

const NO_VIDEO_PROPS: VideoTrackProps = { width: 0, height: 0, profile: '', level: '' };

/** level_idc 31 → `3.1`, 40 → `4` (H264 levels are ten times the level number). */
function h264Level(idc: number): string {
  return idc % 10 === 0 ? String(idc / 10) : `${Math.floor(idc / 10)}.${idc % 10}`;
}

/** general_level_idc 93 → `3.1`, 120 → `4` (H265 levels are thirty times the level number). */
function h265Level(idc: number): string {
  return idc % 30 === 0 ? String(idc / 30) : (idc / 30).toFixed(1);
}

function h264Props(sps: Uint8Array | undefined): VideoTrackProps {
  if (!sps) return NO_VIDEO_PROPS;
  try {
    const s = parseH264Sps(sps);
    // profile_idc and level_idc are the SPS's first and third bytes after the NAL header (§7.3.2.1.1); a non-zero
    // profile_idc means no emulation prevention byte can precede them.
    return { width: s.width, height: s.height, profile: H264_PROFILES[s.profileIdc] ?? String(s.profileIdc), level: h264Level(sps[3]!) };
  } catch (err) {
    if (err instanceof CodecError) return NO_VIDEO_PROPS; // as upstream: an unreadable SPS shows nothing
    throw err;
  }
}

function h265Props(sps: Uint8Array | undefined): VideoTrackProps {
  if (!sps) return NO_VIDEO_PROPS;
  try {
    const { width, height } = h265PictureSize(sps);
    // After the 2-byte NAL header (§7.3.2.2.1): 1 byte of ids and sub-layer count, then profile_tier_level (§7.3.3):
    // profile space, tier and general_profile_idc in one byte, 32 compatibility flags, 48 constraint bits, level_idc.
    const rbsp = unescapeRbsp(sps.subarray(2));
    const profileIdc = rbsp[1]! & 0x1f;
    return { width, height, profile: H265_PROFILES[profileIdc] ?? String(profileIdc), level: h265Level(rbsp[12] ?? 0) };
  } catch (err) {
    if (err instanceof CodecError) return NO_VIDEO_PROPS;
    throw err;
  }
}

/** An fmtp parameter as an integer, 0 when absent (upstream leaves unset fields at their zero value). */
function intParam(f: Format, key: string): number {
  const n = Number.parseInt(f.params.get(key) ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}

function mpeg4AudioProps(config: Uint8Array | undefined): { sampleRate: number; channelCount: number } {
  if (!config) return { sampleRate: 0, channelCount: 0 };
  try {
    const c = parseAudioSpecificConfig(config);
    return { sampleRate: c.sampleRate, channelCount: c.channels };
  } catch (err) {
    if (err instanceof CodecError) return { sampleRate: 0, channelCount: 0 };
    throw err;
  }
}

/**
 * The codec properties of a stream's (current) format, as MediaMTX computes them for `tracks2`: H264/H265 from the
 * SPS, AV1 and VP9 from the SDP parameters (upstream reads no picture size for AV1: 0), audio from the config or the
 * rtpmap; null for codecs without properties.
 */
export function trackCodecProps(f: Format): TrackCodecProps | null {
  switch (f.codec) {
    case 'h264': return h264Props(f.sps);
    case 'h265': return h265Props(f.sps);
    case 'av1': return { width: 0, height: 0, profile: intParam(f, 'profile'), level: intParam(f, 'level-idx'), tier: intParam(f, 'tier') };
    case 'vp9': return { profile: intParam(f, 'profile-id') };
    case 'opus': return { channelCount: opusChannels(f) };
    case 'mpeg4Audio': return mpeg4AudioProps(f.config);
    case 'ac3': return { sampleRate: f.clockRate, channelCount: f.channels ?? 1 };
    case 'g711': return { muLaw: f.encoding.toUpperCase() === 'PCMU', sampleRate: f.clockRate, channelCount: f.channels ?? 1 };
    case 'lpcm': return { bitDepth: lpcmBitDepth(f.encoding), sampleRate: f.clockRate, channelCount: f.channels ?? 1 };
    default: return null;
  }
}

/** L8, L16, L24: the bit depth is in the rtpmap encoding name (RFC 3551 §4.5.10, RFC 3190). */
function lpcmBitDepth(encoding: string): number {
  const n = Number.parseInt(encoding.replace(/^L/i, ''), 10);
  return Number.isFinite(n) ? n : 16;
}
