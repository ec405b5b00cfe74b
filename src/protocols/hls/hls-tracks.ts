import { type Description, type Format, type FormatOf, type Media } from '../../formats/index.ts';
import type { HlsVariant } from './hls-segment.ts';

/** Video codecs HLS carries: H264 in every variant; H265, AV1 and VP9 in fMP4 only. */
export type HlsVideoCodec = 'h264' | 'h265' | 'av1' | 'vp9';
/** Audio codecs HLS carries: AAC and MP3 in every variant, Opus in fMP4 only. */
export type HlsAudioCodec = 'mpeg4Audio' | 'mpeg1Audio' | 'opus';

/** Ticks per second of the video output: 90 kHz, the MPEG-TS clock (ISO/IEC 13818-1 §2.4.2.2), kept for fMP4 too. */
export const HLS_VIDEO_TIMESCALE = 90_000;

/** One track of the muxer: the stream format it reads, and its place in the output. */
export interface HlsTrack<C extends HlsVideoCodec | HlsAudioCodec = HlsVideoCodec | HlsAudioCodec> {
  readonly media: Media;
  readonly format: FormatOf<C>;
  /** fMP4 track_ID: 1 for the first track, 2 for the second, as gohlslib numbers them. */
  readonly id: number;
  /** Ticks per second of the output: 90 kHz for video (MPEG-TS needs it), the format's clock rate for audio. */
  readonly timescale: number;
}

/** The video track, `format.codec` telling which codec. */
export type HlsVideoTrack = HlsTrack<HlsVideoCodec>;
/** The audio track, `format.codec` telling which codec. */
export type HlsAudioTrack = HlsTrack<HlsAudioCodec>;

/** What a muxer takes from a description: at most one video and one audio track, and why the others are left out. */
export interface HlsTrackSelection {
  readonly video?: HlsVideoTrack;
  readonly audio?: HlsAudioTrack;
  readonly skipped: readonly string[];
}

/** MPEG-TS video in every player HLS targets: Apple's authoring spec puts H265 in fMP4 only; hls.js reads H264 only from TS. */
const MPEGTS_ONLY = 'the MPEG-TS variant of HLS carries H264 video and AAC or MP3 audio; use the fMP4 or Low-Latency variant';

type Verdict = { kind: 'video'; format: FormatOf<HlsVideoCodec> } | { kind: 'audio'; format: FormatOf<HlsAudioCodec> } | { kind: 'no'; reason: string };

// The verdict keeps the format, narrowed by the switch, so the tracks are built without casts.
function verdict(format: Format, variant: HlsVariant): Verdict {
  const isTs = variant === 'mpegts';
  switch (format.codec) {
    case 'h264': return { kind: 'video', format };
    case 'h265': case 'av1': case 'vp9': return isTs ? { kind: 'no', reason: MPEGTS_ONLY } : { kind: 'video', format };
    case 'mpeg4Audio': return format.config ? { kind: 'audio', format } : { kind: 'no', reason: 'AAC without an AudioSpecificConfig can\'t be described' };
    case 'mpeg1Audio': return { kind: 'audio', format };
    case 'opus':
      if (isTs) return { kind: 'no', reason: MPEGTS_ONLY };
      return format.clockRate === 48000 ? { kind: 'audio', format } : { kind: 'no', reason: 'Opus must tick at 48 kHz' };
    default: return { kind: 'no', reason: 'HLS can\'t carry this codec' };
  }
}

/**
 * Picks the tracks HLS carries, as MediaMTX does: the first video and the first audio format it supports, in the
 * description's order. Every other format is named in `skipped` with its reason, for one log line each.
 */
export function selectHlsTracks(desc: Description, variant: HlsVariant): HlsTrackSelection {
  let video: HlsVideoTrack | undefined;
  let audio: HlsAudioTrack | undefined;
  const skipped: string[] = [];
  for (const media of desc.medias) {
    for (const format of media.formats) {
      const name = `track ${format.encoding}/${format.clockRate}`;
      const v = verdict(format, variant);
      if (v.kind === 'no') skipped.push(`${name} is left out: ${v.reason}`);
      else if (v.kind === 'video' && !video) video = { media, format: v.format, id: 1, timescale: HLS_VIDEO_TIMESCALE };
      else if (v.kind === 'audio' && !audio) audio = { media, format: v.format, id: 1, timescale: v.format.clockRate };
      else skipped.push(`${name} is left out: HLS carries one ${v.kind} track`);
    }
  }
  // Track ids: video first, as gohlslib writes them.
  if (video && audio) audio = { ...audio, id: 2 };
  return { ...(video ? { video } : {}), ...(audio ? { audio } : {}), skipped };
}
