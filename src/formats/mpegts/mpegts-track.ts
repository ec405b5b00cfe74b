/** What an elementary stream of a program carries, as its PMT entry says (ISO/IEC 13818-1 §2.4.4.9). */
export type MpegTsCodec =
  /** Stream type 0x1B: H264 access units in Annex B. */
  | { readonly codec: 'h264' }
  /** Stream type 0x24: H265 access units in Annex B. */
  | { readonly codec: 'h265' }
  /** Stream type 0x0F: AAC in ADTS. The muxer needs the AudioSpecificConfig; the demuxer learns it from ADTS headers. */
  | { readonly codec: 'mpeg4Audio'; readonly config?: Uint8Array }
  /** Stream type 0x03 (MPEG-1) or 0x04 (MPEG-2 lower sample rates): MP2/MP3 frames. */
  | { readonly codec: 'mpeg1Audio'; readonly sampleRate?: number }
  /** Stream type 0x10: MPEG-4 Visual (ISO/IEC 14496-2) frames, configuration (VOS/VOL headers) in band. Read only. */
  | { readonly codec: 'mpeg4Video' }
  /** Stream type 0x01 (MPEG-1) or 0x02 (MPEG-2 / H.262): video frames, sequence headers in band. Read only. */
  | { readonly codec: 'mpeg1Video' }
  /** Stream type 0x06 with the 'Opus' registration descriptor: Opus packets behind control headers. */
  | { readonly codec: 'opus'; readonly channels: number }
  /** Any other stream type: declared, never emitted. */
  | { readonly codec: 'unsupported' };

/** One elementary stream of the program. */
export interface MpegTsTrack {
  readonly pid: number;
  readonly streamType: number;
  readonly codec: MpegTsCodec;
}

/** ISO/IEC 13818-1 Table 2-34 stream_type values, and ITU-T H.222.0 amendments for H264/H265. */
export const MpegTsStreamType = {
  Mpeg1Video: 0x01, Mpeg2Video: 0x02, Mpeg4Video: 0x10, Mpeg1Audio: 0x03, Mpeg2Audio: 0x04, PrivateData: 0x06, AacAdts: 0x0f, H264: 0x1b, H265: 0x24,
} as const;

/** True for video codecs. */
export function isMpegTsVideo(codec: MpegTsCodec): boolean {
  return codec.codec === 'h264' || codec.codec === 'h265' || codec.codec === 'mpeg4Video' || codec.codec === 'mpeg1Video';
}
