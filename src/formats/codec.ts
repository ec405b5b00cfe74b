/** Every codec the server knows by name; anything else is `generic` and passes through RTSP untouched. */
export const CODECS = [
  'h264', 'h265', 'vp8', 'vp9', 'av1', 'mpeg4Video', 'mpeg1Video', 'mjpeg',
  'mpeg4Audio', 'mpeg4AudioLatm', 'opus', 'mpeg1Audio', 'g711', 'g722', 'lpcm', 'ac3', 'klv', 'mpegts', 'generic',
] as const;

/** One key per codec. Tables typed `Record<Codec, …>` fail to compile when a codec is missing. */
export type Codec = (typeof CODECS)[number];
