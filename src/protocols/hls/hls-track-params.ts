import {
  Av1ObuType, av1ObuType, H264NaluType, h264NaluType, H265NaluType, h265NaluType, parseMpegAudioHeader, parseVp9KeyFrame,
} from '../../codecs/index.ts';
import { opusChannels, type Fmp4Codec } from '../../formats/index.ts';
import type { FormatPayload } from '../../stream/index.ts';
import type { HlsAudioTrack, HlsVideoCodec } from './hls-tracks.ts';

/** What a key frame did to the video configuration. */
export type ParamsChange = 'same' | 'first' | 'changed';

const find = (nalus: readonly Buffer[], typeOf: (n: Uint8Array) => number, type: number): Buffer | undefined =>
  nalus.find((n) => typeOf(n) === type);

const same = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && Buffer.compare(a, b) === 0);

/** The configuration a key frame carries, falling back on the format's parameters. */
function configOf(v: FormatPayload<HlsVideoCodec>): Fmp4Codec | undefined {
  switch (v.codec) {
    case 'h264': {
      const sps = find(v.payload, h264NaluType, H264NaluType.Sps) ?? v.format.sps;
      const pps = find(v.payload, h264NaluType, H264NaluType.Pps) ?? v.format.pps;
      return sps && pps ? { codec: 'h264', sps, pps } : undefined;
    }
    case 'h265': {
      const vps = find(v.payload, h265NaluType, H265NaluType.Vps) ?? v.format.vps;
      const sps = find(v.payload, h265NaluType, H265NaluType.Sps) ?? v.format.sps;
      const pps = find(v.payload, h265NaluType, H265NaluType.Pps) ?? v.format.pps;
      return vps && sps && pps ? { codec: 'h265', vps, sps, pps } : undefined;
    }
    case 'av1': {
      const sequenceHeader = v.payload.find((o) => av1ObuType(o) === Av1ObuType.SequenceHeader) ?? v.format.sequenceHeader;
      return sequenceHeader ? { codec: 'av1', sequenceHeader } : undefined;
    }
    // VP9 has no configuration outside key frames: their uncompressed header says it all.
    case 'vp9': { const k = parseVp9KeyFrame(v.payload); return k && { codec: 'vp9', ...k }; }
  }
}

function sameConfig(a: Fmp4Codec, b: Fmp4Codec): boolean {
  if (a.codec === 'h264' && b.codec === 'h264') return same(a.sps, b.sps) && same(a.pps, b.pps);
  if (a.codec === 'h265' && b.codec === 'h265') return same(a.vps, b.vps) && same(a.sps, b.sps) && same(a.pps, b.pps);
  if (a.codec === 'av1' && b.codec === 'av1') return same(a.sequenceHeader, b.sequenceHeader);
  if (a.codec === 'vp9' && b.codec === 'vp9') {
    return a.width === b.width && a.height === b.height && a.profile === b.profile && a.bitDepth === b.bitDepth
      && a.subsamplingX === b.subsamplingX && a.subsamplingY === b.subsamplingY && a.fullRange === b.fullRange;
  }
  return false;
}

/**
 * The current decoder configuration of the video track (SPS/PPS, VPS, sequence header, VP9 key frame header): the
 * format's until a key frame carries its own. A change means a new init segment and a new segment from that key
 * frame, as gohlslib does.
 */
export class VideoParams {
  current: Fmp4Codec | undefined;

  /** Reads the configuration of a key frame of the track. Throws on malformed parameters (the caller counts the unit in error). */
  update(keyFrame: FormatPayload<HlsVideoCodec>): ParamsChange {
    const next = configOf(keyFrame);
    if (!next) return 'same';
    const prev = this.current;
    if (prev && sameConfig(prev, next)) return 'same';
    this.current = next;
    return prev ? 'changed' : 'first';
  }
}

/**
 * The configuration of the audio track. AAC and Opus have theirs in the format; MP3 has none, so the first frame's
 * header gives the sample rate and channels (until then: 44.1 kHz stereo, which decoders correct from the frame
 * headers, MP3 being self-describing).
 */
export function audioConfig(track: HlsAudioTrack, mp3Header?: { sampleRate: number; channels: number }): Fmp4Codec {
  switch (track.format.codec) {
    case 'mpeg4Audio': return { codec: 'mpeg4Audio', config: track.format.config! };
    case 'opus': return { codec: 'opus', channels: opusChannels(track.format) };
    case 'mpeg1Audio': return { codec: 'mpeg1Audio', sampleRate: mp3Header?.sampleRate ?? 44100, channels: mp3Header?.channels ?? 2 };
  }
}

/** The header fields of the first readable MP3 frame of a payload. */
export function mp3HeaderOf(frames: readonly Buffer[]): { sampleRate: number; channels: number } | undefined {
  for (const f of frames) {
    try { const h = parseMpegAudioHeader(f); return { sampleRate: h.sampleRate, channels: h.channels }; } catch { /* not a frame header: try the next */ }
  }
  return undefined;
}
