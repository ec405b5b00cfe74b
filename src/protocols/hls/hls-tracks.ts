import { type Description, type Format, type FormatOf, type Media } from '../../formats/index.ts';
import type { HlsVariant } from './hls-segment.ts';

/** Video codecs HLS carries: H264 in every variant; H265, AV1 and VP9 in fMP4 only. */
export type HlsVideoCodec = 'h264' | 'h265' | 'av1' | 'vp9';
/** Audio codecs HLS carries: AAC and MP3 in every variant, Opus in fMP4 only. */
export type HlsAudioCodec = 'mpeg4Audio' | 'mpeg1Audio' | 'opus';

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
export type HlsVideoTrack = { [C in HlsVideoCodec]: HlsTrack<C> }[HlsVideoCodec];
/** The audio track, `format.codec` telling which codec. */
export type HlsAudioTrack = { [C in HlsAudioCodec]: HlsTrack<C> }[HlsAudioCodec];

/** What a muxer takes from a description: at most one video and one audio track, and why the others are left out. */
export interface HlsTrackSelection {
  readonly video?: HlsVideoTrack;
  readonly audio?: HlsAudioTrack;
  readonly skipped: readonly string[];
}

/** MPEG-TS video in every player HLS targets: Apple's authoring spec puts H265 in fMP4 only; hls.js reads H264 only from TS. */
const MPEGTS_ONLY = 'the MPEG-TS variant of HLS carries H264 video and AAC or MP3 audio; use the fMP4 or Low-Latency variant';

type Verdict = { kind: 'video' | 'audio' } | { kind: 'no'; reason: string };

function verdict(format: Format, variant: HlsVariant): Verdict {
  const isTs = variant === 'mpegts';
  switch (format.codec) {
    case 'h264': return { kind: 'video' };
    case 'h265': case 'av1': case 'vp9': return isTs ? { kind: 'no', reason: MPEGTS_ONLY } : { kind: 'video' };
    case 'mpeg4Audio': return format.config ? { kind: 'audio' } : { kind: 'no', reason: 'AAC without an AudioSpecificConfig can\'t be described' };
    case 'mpeg1Audio': return { kind: 'audio' };
    case 'opus':
      if (isTs) return { kind: 'no', reason: MPEGTS_ONLY };
      return format.clockRate === 48000 ? { kind: 'audio' } : { kind: 'no', reason: 'Opus must tick at 48 kHz' };
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
      else if (v.kind === 'video' && !video) video = { media, format, id: 1, timescale: 90000 } as HlsVideoTrack;
      else if (v.kind === 'audio' && !audio) audio = { media, format, id: 1, timescale: format.clockRate } as HlsAudioTrack;
      else skipped.push(`${name} is left out: HLS carries one ${v.kind} track`);
    }
  }
  // Track ids: video first, as gohlslib writes them.
  if (video && audio) audio = { ...audio, id: 2 };
  return { ...(video ? { video } : {}), ...(audio ? { audio } : {}), skipped };
}
