/** FLV codec ids (FLV spec E.4.2.1 SoundFormat, E.4.3.1 CodecID). */
export const FLV_VIDEO_AVC = 7;
export const FLV_AUDIO_AAC = 10;
export const FLV_AUDIO_MP3 = 2;
/** MP3 at 8 kHz has its own SoundFormat. */
export const FLV_AUDIO_MP3_8K = 14;
export const FLV_AUDIO_PCMA = 7;
export const FLV_AUDIO_PCMU = 8;
/** SoundFormat 9 announces an Enhanced RTMP audio header (ExAudioTagHeader). */
export const FLV_AUDIO_EX_HEADER = 9;

/** Video codecs RTMP carries: H264 as legacy FLV (or Enhanced RTMP 'avc1'), the others as Enhanced RTMP FourCCs. */
export type RtmpVideoCodec = 'h264' | 'h265' | 'av1' | 'vp9';
/** Audio codecs RTMP carries: AAC, MP3 and G711 (A-law, µ-law) as legacy FLV (or Enhanced RTMP 'mp4a', '.mp3'), Opus as Enhanced RTMP. */
export type RtmpAudioCodec = 'aac' | 'opus' | 'mp3' | 'pcma' | 'pcmu';

/** A parsed video message body. `ignore`: carries no media (sequence end, metadata, command frame). */
export type FlvVideo =
  | { readonly kind: 'config'; readonly codec: RtmpVideoCodec; readonly config: Buffer }
  | { readonly kind: 'frame'; readonly codec: RtmpVideoCodec; readonly isKeyframe: boolean; readonly compositionTimeMs: number; readonly data: Buffer }
  | { readonly kind: 'ignore' }
  | { readonly kind: 'other'; readonly description: string };

/** A parsed audio message body. `ignore`: carries no media (sequence end, channel layout). */
export type FlvAudio =
  | { readonly kind: 'config'; readonly codec: RtmpAudioCodec; readonly config: Buffer }
  | { readonly kind: 'frame'; readonly codec: RtmpAudioCodec; readonly data: Buffer; readonly channels?: number }
  | { readonly kind: 'ignore' }
  | { readonly kind: 'other'; readonly description: string };

/** Clamps a composition time to the SI24 range. */
export function clampCompositionTime(ms: number): number { return Math.max(-0x800000, Math.min(0x7fffff, ms)); }
