import type { Codec, Description } from '../formats/index.ts';

/** Display names as MediaMTX prints them in logs and the API `tracks` list. */
export const CODEC_DISPLAY_NAMES: Record<Codec, string> = {
  h264: 'H264', h265: 'H265', vp8: 'VP8', vp9: 'VP9', av1: 'AV1', mpeg4Video: 'MPEG-4 Video', mpeg1Video: 'MPEG-1/2 Video',
  mjpeg: 'M-JPEG', mpeg4Audio: 'MPEG-4 Audio', mpeg4AudioLatm: 'MPEG-4 Audio LATM', opus: 'Opus', mpeg1Audio: 'MPEG-1/2 Audio',
  g711: 'G711', g722: 'G722', lpcm: 'LPCM', ac3: 'AC-3', klv: 'KLV', mpegts: 'MPEG-TS', generic: 'Generic',
};

/** `2 tracks (H264, MPEG-4 Audio)` for logs. */
export function describeTracks(desc: Description): string {
  const names = desc.medias.flatMap((m) => m.formats.map((f) => CODEC_DISPLAY_NAMES[f.codec]));
  return `${names.length} ${names.length === 1 ? 'track' : 'tracks'}: ${names.join(', ')}`;
}
