import { avccToNalus, h264IsRandomAccess, h265IsRandomAccess, parseAudioSpecificConfig, parseAv1SequenceHeader, splitAv1Obus, splitMpegAudioFrames } from '../../codecs/index.ts';
import { rescale } from '../../lib/index.ts';
import type { Codec, PayloadByCodec } from '../codec.ts';
import { av1Format, h264Format, h265Format, mpeg4AudioFormat, mpegAudioFormat, opusFormat, vp9Format } from '../codec-formats.ts';
import type { Format, Media } from '../format.ts';
import { isFmp4Video, type Fmp4Codec, type Fmp4Init, type Fmp4Part, type Fmp4Sample } from './fmp4-track.ts';

/** One track of the stream an fMP4 initialization segment describes. */
export interface Fmp4StreamTrack {
  readonly id: number;
  readonly timeScale: number;
  readonly codec: Fmp4Codec;
  readonly media: Media;
  readonly format: Format;
}

/** One access unit of a track, timestamps in ticks of its format's clock rate. */
export interface Fmp4Unit {
  readonly track: Fmp4StreamTrack;
  readonly pts: number;
  /** Decode time, when it differs from pts (B-frames). */
  readonly dts?: number;
  readonly payload: PayloadByCodec[Codec];
  readonly randomAccess: boolean;
}

// Dynamic RTP payload types (RFC 3551 §6) of the stream's formats, as the other sources give them.
const VIDEO_PAYLOAD_TYPE = 96;
const AUDIO_PAYLOAD_TYPE = 97;

function formatOf(c: Fmp4Codec): Format {
  switch (c.codec) {
    case 'h264': return h264Format(VIDEO_PAYLOAD_TYPE, Buffer.from(c.sps), Buffer.from(c.pps));
    case 'h265': return h265Format(VIDEO_PAYLOAD_TYPE, { vps: Buffer.from(c.vps), sps: Buffer.from(c.sps), pps: Buffer.from(c.pps) });
    case 'av1': return av1Format(VIDEO_PAYLOAD_TYPE, { sequenceHeader: Buffer.from(c.sequenceHeader), header: parseAv1SequenceHeader(c.sequenceHeader) });
    case 'vp9': return vp9Format(VIDEO_PAYLOAD_TYPE, c.profile);
    case 'mpeg4Audio': {
      const asc = parseAudioSpecificConfig(c.config);
      return mpeg4AudioFormat(AUDIO_PAYLOAD_TYPE, Buffer.from(c.config), asc.sampleRate, asc.channels);
    }
    case 'mpeg1Audio': return mpegAudioFormat();
    case 'opus': return opusFormat(AUDIO_PAYLOAD_TYPE, c.channels);
  }
}

/**
 * The stream tracks of an initialization segment (ISO/IEC 14496-12 §8.8.1): a format per track from its sample entry,
 * video first. Throws CodecError when a decoder configuration does not parse.
 */
export function fmp4StreamTracks(init: Fmp4Init): Fmp4StreamTrack[] {
  const tracks = init.tracks.map((t) => {
    const format = formatOf(t.codec);
    return { id: t.id, timeScale: t.timeScale, codec: t.codec, format, media: { kind: isFmp4Video(t.codec) ? 'video' : 'audio', formats: [format] } };
  });
  return tracks.sort((a, b) => (a.media.kind === b.media.kind ? a.id - b.id : a.media.kind === 'video' ? -1 : 1));
}

/** A sample's payload in its codec's terms, and whether decoding can start there. Throws CodecError. */
function payloadOf(c: Fmp4Codec, s: Fmp4Sample): { payload: PayloadByCodec[Codec]; randomAccess: boolean } {
  const data = Buffer.from(s.data.buffer, s.data.byteOffset, s.data.byteLength);
  switch (c.codec) {
    // ISO/IEC 14496-15 §5.3.2: 4-byte NAL unit lengths, what every writer uses (avcC/hvcC lengthSizeMinusOne = 3).
    case 'h264': { const n = avccToNalus(data); return { payload: n, randomAccess: s.isSync || h264IsRandomAccess(n) }; }
    case 'h265': { const n = avccToNalus(data); return { payload: n, randomAccess: s.isSync || h265IsRandomAccess(n) }; }
    case 'av1': return { payload: splitAv1Obus(data), randomAccess: s.isSync };
    case 'vp9': return { payload: data, randomAccess: s.isSync };
    case 'mpeg4Audio': case 'opus': return { payload: [data], randomAccess: true };
    case 'mpeg1Audio': return { payload: splitMpegAudioFrames(data), randomAccess: true };
  }
}

/**
 * The access units of a media part or segment (ISO/IEC 14496-12 §8.8.4), per the tracks of its initialization
 * segment, timestamps rescaled from each track's time scale to its format's clock (baseMediaDecodeTime based, so
 * continuous across segments). Samples of tracks not in `tracks` are skipped. Throws CodecError on malformed samples.
 */
export function fmp4PartUnits(part: Fmp4Part, tracks: readonly Fmp4StreamTrack[]): Fmp4Unit[] {
  const out: Fmp4Unit[] = [];
  for (const pt of part.tracks) {
    const track = tracks.find((t) => t.id === pt.id);
    if (!track) continue;
    const rate = track.format.clockRate;
    for (const s of pt.samples) {
      if (s.data.length === 0) continue;
      const dts = rescale(s.dts, track.timeScale, rate, 'round');
      const pts = rescale(s.dts + s.ptsOffset, track.timeScale, rate, 'round');
      out.push({ track, pts, ...(pts !== dts ? { dts } : {}), ...payloadOf(track.codec, s) });
    }
  }
  return out;
}
