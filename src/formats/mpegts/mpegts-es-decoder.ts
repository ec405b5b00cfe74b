import {
  annexBToNalus, h264IsRandomAccess, h264NaluType, H264NaluType, H264_MAX_NALUS, h265IsRandomAccess, h265NaluType, H265NaluType,
  H265_MAX_NALUS, parseAdts, splitMpegAudioFrames,
} from '../../codecs/index.ts';
import { VIDEO_CLOCK_RATE } from '../../lib/index.ts';
import type { Codec, PayloadByCodec } from '../codec.ts';
import {
  h264Format, h265Format, mpeg1VideoFormat, mpeg4AudioFormat, mpeg4VideoFormat, mpegAudioFormat, opusFormat,
} from '../codec-formats.ts';
import type { Format } from '../format.ts';
import { parseFmtpParams } from '../sdp/index.ts';
import { mpeg1VideoIsRandomAccess, mpeg4VideoConfig, mpeg4VideoIsRandomAccess, mpeg4VideoProfileLevel } from './mpeg-video-es.ts';
import { MpegTsError } from './mpegts-error.ts';
import type { MpegTsCodec } from './mpegts-track.ts';
import { decodeOpusAccessUnits } from './opus-access-unit.ts';

/** Dynamic RTP payload types given to the formats of an MPEG-TS program (RFC 3551 §6: 96–127). */
const VIDEO_PAYLOAD_TYPE = 96;
const AUDIO_PAYLOAD_TYPE = 97;

/** One elementary-stream access unit of a PES, in its codec's payload terms, and the format it reveals, if any. */
export interface MpegTsEsUnit {
  readonly payload: PayloadByCodec[Codec];
  readonly randomAccess: boolean;
  /** A format this unit is enough to describe (parameter sets, AAC configuration), when it is. */
  readonly format?: Format;
  /** Clock rate of the unit's timestamps once its format is known (AAC: the sample rate). */
  readonly clockRate?: number;
}

/** The codecs of MpegTsCodec that become a stream's tracks. */
export type MpegTsSupportedCodec = Exclude<MpegTsCodec, { codec: 'unsupported' }>;

function h264Unit(data: Buffer): MpegTsEsUnit {
  // The limit goes into the split: counting afterwards would first make a view of every start code of the PES.
  const nalus = annexBToNalus(data, H264_MAX_NALUS).map((n) => Buffer.from(n.buffer, n.byteOffset, n.byteLength));
  if (nalus.length === 0) throw new MpegTsError('H264 PES without NAL units');
  const sps = nalus.find((n) => h264NaluType(n) === H264NaluType.Sps);
  const pps = nalus.find((n) => h264NaluType(n) === H264NaluType.Pps);
  return { payload: nalus, randomAccess: h264IsRandomAccess(nalus), ...(sps && pps ? { format: h264Format(VIDEO_PAYLOAD_TYPE, sps, pps) } : {}) };
}

function h265Unit(data: Buffer): MpegTsEsUnit {
  // The limit goes into the split: counting afterwards would first make a view of every start code of the PES.
  const nalus = annexBToNalus(data, H265_MAX_NALUS).map((n) => Buffer.from(n.buffer, n.byteOffset, n.byteLength));
  if (nalus.length === 0) throw new MpegTsError('H265 PES without NAL units');
  const find = (t: number): Buffer | undefined => nalus.find((n) => h265NaluType(n) === t);
  const [vps, sps, pps] = [find(H265NaluType.Vps), find(H265NaluType.Sps), find(H265NaluType.Pps)];
  const format = vps && sps && pps ? h265Format(VIDEO_PAYLOAD_TYPE, { vps, sps, pps }) : undefined;
  return { payload: nalus, randomAccess: h265IsRandomAccess(nalus), ...(format ? { format } : {}) };
}

function mpeg4VideoUnit(data: Buffer): MpegTsEsUnit {
  const config = mpeg4VideoConfig(data);
  const format = config ? mpeg4VideoFormat(VIDEO_PAYLOAD_TYPE, config, mpeg4VideoProfileLevel(config)) : undefined;
  return { payload: Buffer.from(data), randomAccess: mpeg4VideoIsRandomAccess(data), ...(format ? { format } : {}) };
}

/**
 * Decodes the elementary-stream bytes of one PES (ISO/IEC 13818-1 §2.4.3.6) of `codec` into an access unit: H264 and
 * H265 Annex B into NAL units, ADTS into AAC access units, MPEG audio into frames, Opus control headers away.
 * Throws MpegTsError or CodecError on malformed data.
 */
export function decodeMpegTsEs(codec: MpegTsSupportedCodec, data: Buffer): MpegTsEsUnit {
  switch (codec.codec) {
    case 'h264': return h264Unit(data);
    case 'h265': return h265Unit(data);
    case 'mpeg4Video': return mpeg4VideoUnit(data);
    case 'mpeg1Video': return { payload: Buffer.from(data), randomAccess: mpeg1VideoIsRandomAccess(data), format: mpeg1VideoFormat() };
    case 'mpeg4Audio': {
      const frames = parseAdts(data);
      const f = frames[0];
      if (!f) throw new MpegTsError('PES without ADTS frame');
      const format = mpeg4AudioFormat(AUDIO_PAYLOAD_TYPE, f.config, f.sampleRate, f.channels);
      return { payload: frames.map((x) => Buffer.from(x.au)), randomAccess: true, format, clockRate: f.sampleRate };
    }
    case 'mpeg1Audio': return { payload: splitMpegAudioFrames(Buffer.from(data)), randomAccess: true, format: mpegAudioFormat() };
    case 'opus': return { payload: decodeOpusAccessUnits(data).map((p) => Buffer.from(p)), randomAccess: true, format: opusFormat(AUDIO_PAYLOAD_TYPE, codec.channels) };
  }
}

/**
 * The format of a video track whose parameters did not show up in band while probing: the stream's format updater
 * takes them when they come (an H264 stream whose GOP is longer than the probe). Undefined for audio, whose units
 * are useless without their configuration.
 */
export function mpegTsFallbackFormat(codec: MpegTsSupportedCodec): Format | undefined {
  const bare = <C extends 'h264' | 'h265'>(c: C, encoding: string, fmtp: string): Format =>
    ({ codec: c, payloadType: VIDEO_PAYLOAD_TYPE, encoding, clockRate: VIDEO_CLOCK_RATE, fmtp, params: parseFmtpParams(fmtp) }) as Format;
  switch (codec.codec) {
    case 'h264': return bare('h264', 'H264', 'packetization-mode=1');
    case 'h265': return bare('h265', 'H265', '');
    case 'mpeg4Video': return mpeg4VideoFormat(VIDEO_PAYLOAD_TYPE);
    default: return undefined;
  }
}
