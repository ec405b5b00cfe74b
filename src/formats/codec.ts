/**
 * What a unit of each codec carries, one key per codec the server knows by name; anything else is `generic` and
 * passes through RTSP untouched. Tables typed `Record<Codec, …>` fail to compile when a codec is missing.
 */
export interface PayloadByCodec {
  /** Access unit: NAL units without start codes or length prefixes (ITU-T H.264 §7.4.1.2). */
  h264: Buffer[];
  /** Access unit: NAL units without start codes or length prefixes (ITU-T H.265 §7.4.2.4). */
  h265: Buffer[];
  /** One frame (RFC 6386). */
  vp8: Buffer;
  /** One frame or superframe (VP9 bitstream spec Annex B). */
  vp9: Buffer;
  /** Temporal unit: its OBUs, each with or without obu_size (AV1 spec §7.5). */
  av1: Buffer[];
  /** One frame (VOP), configuration included where the publisher put it. */
  mpeg4Video: Buffer;
  /** One frame. */
  mpeg1Video: Buffer;
  /** One JPEG image. */
  mjpeg: Buffer;
  /** AAC access units, consecutive (one per 1024 samples). */
  mpeg4Audio: Buffer[];
  /** One AudioMuxElement (RFC 6416 §6). */
  mpeg4AudioLatm: Buffer;
  /** Opus packets (RFC 6716 §3), consecutive. */
  opus: Buffer[];
  /** MPEG-1/2 audio frames (MP2, MP3), consecutive. */
  mpeg1Audio: Buffer[];
  /** Samples, one byte each (ITU-T G.711), channels interleaved. */
  g711: Buffer;
  /** Encoded samples (ITU-T G.722). */
  g722: Buffer;
  /** Samples, big-endian, channels interleaved (RFC 3551 §4.5.11). */
  lpcm: Buffer;
  /** AC-3 frames, consecutive. */
  ac3: Buffer[];
  /** One KLV unit (SMPTE 336M). */
  klv: Buffer;
  /** MPEG-TS packets of 188 bytes, concatenated. */
  mpegts: Buffer;
  /** Generic RTP has no payload the server understands: its units carry RTP packets only. */
  generic: never;
}

/** One key per codec. */
export type Codec = keyof PayloadByCodec;

/** Every codec, in a stable order. */
export const CODECS = [
  'h264', 'h265', 'vp8', 'vp9', 'av1', 'mpeg4Video', 'mpeg1Video', 'mjpeg',
  'mpeg4Audio', 'mpeg4AudioLatm', 'opus', 'mpeg1Audio', 'g711', 'g722', 'lpcm', 'ac3', 'klv', 'mpegts', 'generic',
] as const satisfies readonly Codec[];

// Fails to compile when a codec of PayloadByCodec is missing from CODECS.
const LISTS_EVERY_CODEC: [Exclude<Codec, (typeof CODECS)[number]>] extends [never] ? true : never = true;
void LISTS_EVERY_CODEC;
