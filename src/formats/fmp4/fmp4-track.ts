/** Codec and decoder configuration of an fMP4 track, as its sample entry carries them (ISO/IEC 14496-12 §8.5.2). */
export type Fmp4Codec =
  /** avc1 + avcC (ISO/IEC 14496-15 §5.4): one SPS and one PPS, NAL units without start codes. */
  | { readonly codec: 'h264'; readonly sps: Uint8Array; readonly pps: Uint8Array }
  /** hvc1 + hvcC (ISO/IEC 14496-15 §8.4): one VPS, SPS and PPS. */
  | { readonly codec: 'h265'; readonly vps: Uint8Array; readonly sps: Uint8Array; readonly pps: Uint8Array }
  /** av01 + av1C (AV1 ISOBMFF binding §2.3): the sequence header OBU. */
  | { readonly codec: 'av1'; readonly sequenceHeader: Uint8Array }
  /** vp09 + vpcC (VP codec ISO media binding §2.2): what a key frame's uncompressed header says. */
  | {
    readonly codec: 'vp9'; readonly width: number; readonly height: number; readonly profile: number; readonly bitDepth: number;
    readonly subsamplingX: number; readonly subsamplingY: number; readonly fullRange: boolean;
  }
  /** mp4a + esds (ISO/IEC 14496-14 §5.6): the AudioSpecificConfig bytes. */
  | { readonly codec: 'mpeg4Audio'; readonly config: Uint8Array }
  /** mp4a + esds with object type 0x6B (MPEG-1 audio: MP2, MP3). */
  | { readonly codec: 'mpeg1Audio'; readonly sampleRate: number; readonly channels: number }
  /** Opus + dOps (Opus in ISOBMFF §4.3): mono or stereo, mapping family 0. */
  | { readonly codec: 'opus'; readonly channels: number; readonly preSkip?: number };

/** Defaults a track extends box (trex, §8.8.3) gives samples whose fragment says nothing else. */
export interface Fmp4SampleDefaults { readonly duration: number; readonly size: number; readonly flags: number }

/** One track of an initialization segment. */
export interface Fmp4InitTrack {
  /** track_ID, from 1. */
  readonly id: number;
  /** Ticks per second of the track's timestamps: 90000 for video, the sample rate for audio. */
  readonly timeScale: number;
  readonly codec: Fmp4Codec;
  /** btrt and esds bit rates, bit/s; 1,000,000 for video and 128,825 for audio when not given (as mediacommon). */
  readonly maxBitrate?: number;
  readonly avgBitrate?: number;
  /** trex defaults; all zero when not given. */
  readonly sampleDefaults?: Fmp4SampleDefaults;
}

/** An initialization segment (ftyp + moov): its tracks. */
export interface Fmp4Init { readonly tracks: readonly Fmp4InitTrack[] }

/** One sample of a track fragment, timestamps in ticks of the track's time scale. */
export interface Fmp4Sample {
  /** Decode time; the next sample's is dts + duration. */
  readonly dts: number;
  /** pts − dts, negative when a B-frame's presentation comes before its decode time. */
  readonly ptsOffset: number;
  readonly duration: number;
  /** A sync sample (key frame): decoding can start here. */
  readonly isSync: boolean;
  /** The sample as stored in mdat (AVCC/HVCC length-prefixed NAL units for H264/H265). */
  readonly data: Uint8Array;
}

/** The samples of one track in one part. */
export interface Fmp4PartTrack { readonly id: number; readonly samples: readonly Fmp4Sample[] }

/** A media part or segment (moof + mdat, ISO/IEC 14496-12 §8.8.4). */
export interface Fmp4Part { readonly sequenceNumber: number; readonly tracks: readonly Fmp4PartTrack[] }

/** Most samples one trun may hold (120 fps for 160 s, mediacommon maxSamplesPerTrun), so a reader can't be made to allocate without bound. */
export const FMP4_MAX_SAMPLES_PER_TRUN = 19_200;

/** True for codecs whose track is video (vmhd, 'vide' handler). */
export function isFmp4Video(codec: Fmp4Codec): boolean {
  return codec.codec === 'h264' || codec.codec === 'h265' || codec.codec === 'av1' || codec.codec === 'vp9';
}
