import {
  av1FrameSize, buildAv1Config, buildAvcConfig, buildHevcConfig, buildVpcc, h265PictureSize,
  parseAudioSpecificConfig, parseH264Sps, type PictureSize,
} from '../../codecs/index.ts';
import { ObjectType, buildDops, buildEsds } from './fmp4-audio-config.ts';
import { box, u16, u32, zeros } from './fmp4-boxes.ts';
import { Fmp4Error } from './fmp4-error.ts';
import { isFmp4Video, type Fmp4Codec, type Fmp4InitTrack } from './fmp4-track.ts';

const DEFAULT_VIDEO_BITRATE = 1_000_000;
const DEFAULT_AUDIO_BITRATE = 128_825;
/** 72 dpi as 16.16 fixed point, the resolution every writer puts in VisualSampleEntry. */
const DPI_72 = 0x00480000;
/** The encoder delay libopus always has at 48 kHz (6.5 ms); used when the publisher did not say (RTP Opus does not). */
const OPUS_DEFAULT_PRE_SKIP = 312;
const OPUS_RATE = 48000;

const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** Width and height of a video track, from its parameter sets; { 0, 0 } for audio. Throws Fmp4Error. */
export function videoSize(codec: Fmp4Codec): PictureSize {
  try {
    switch (codec.codec) {
      case 'h264': { const { width, height } = parseH264Sps(codec.sps); return { width, height }; }
      case 'h265': return h265PictureSize(codec.sps);
      case 'av1': return av1FrameSize(codec.sequenceHeader);
      case 'vp9': return { width: codec.width, height: codec.height };
      default: return { width: 0, height: 0 };
    }
  } catch (e) {
    throw new Fmp4Error(`invalid ${codec.codec} parameters: ${(e as Error).message}`);
  }
}

// VisualSampleEntry (ISO/IEC 14496-12 §12.1.3.2), 78 bytes before its child boxes:
//   reserved(48) data_reference_index(16)=1 pre_defined(16) reserved(16) pre_defined(96) width(16) height(16)
//   horizresolution(32) vertresolution(32) reserved(32) frame_count(16)=1 compressorname(256) depth(16)=0x18 pre_defined(16)=-1
function visualEntry(type: string, size: PictureSize, children: readonly Buffer[]): Buffer {
  return box(type, zeros(6), u16(1), zeros(16), u16(size.width), u16(size.height), u32(DPI_72), u32(DPI_72), zeros(4),
    u16(1), zeros(32), u16(0x18), u16(0xffff), ...children);
}

// AudioSampleEntry (§12.2.3.2), 28 bytes before its child boxes:
//   reserved(48) data_reference_index(16)=1 reserved(64) channelcount(16) samplesize(16)=16 pre_defined(16) reserved(16)
//   samplerate(32) as 16.16 fixed point
function audioEntry(type: string, channels: number, sampleRate: number, children: readonly Buffer[]): Buffer {
  // Rates above 65535 Hz don't fit the 16.16 field; 0 says "see the track time scale", which holds the real rate.
  const rate = sampleRate <= 0xffff ? sampleRate * 0x10000 : 0;
  return box(type, zeros(6), u16(1), zeros(8), u16(channels), u16(16), zeros(4), u32(rate), ...children);
}

/** btrt (§8.5.2.2): bufferSizeDB(32) maxBitrate(32) avgBitrate(32). */
function btrt(maxBitrate: number, avgBitrate: number): Buffer { return box('btrt', u32(0), u32(maxBitrate), u32(avgBitrate)); }

/** The sample entry of a track's stsd (§8.5.2): avc1, hvc1, av01, vp09, mp4a or Opus, with its configuration and btrt. */
export function sampleEntry(track: Fmp4InitTrack, size: PictureSize): Buffer {
  const { codec } = track;
  const fallback = isFmp4Video(codec) ? DEFAULT_VIDEO_BITRATE : DEFAULT_AUDIO_BITRATE;
  const maxBitrate = track.maxBitrate ?? fallback;
  const avgBitrate = track.avgBitrate ?? fallback;
  const rates = btrt(maxBitrate, avgBitrate);
  try {
    switch (codec.codec) {
      case 'h264':
        return visualEntry('avc1', size, [box('avcC', buildAvcConfig(codec.sps, codec.pps)), rates]);
      case 'h265':
        // hvc1, not hev1: parameter sets live in the sample entry, as Apple's HLS authoring spec requires.
        return visualEntry('hvc1', size, [box('hvcC', buildHevcConfig({ vps: buf(codec.vps), sps: buf(codec.sps), pps: buf(codec.pps) })), rates]);
      case 'av1':
        return visualEntry('av01', size, [box('av1C', buildAv1Config(buf(codec.sequenceHeader))), rates]);
      case 'vp9':
        return visualEntry('vp09', size, [box('vpcC', buildVpcc(codec)), rates]);
      case 'mpeg4Audio': {
        const asc = parseAudioSpecificConfig(codec.config);
        const esds = buildEsds({ esId: track.id, objectTypeIndication: ObjectType.Mpeg4Audio, bufferSize: 0, maxBitrate, avgBitrate, decoderSpecificInfo: codec.config });
        return audioEntry('mp4a', asc.channels, asc.sampleRate, [esds, rates]);
      }
      case 'mpeg1Audio': {
        const esds = buildEsds({ esId: track.id, objectTypeIndication: ObjectType.Mpeg1Audio, bufferSize: 0, maxBitrate, avgBitrate });
        return audioEntry('mp4a', codec.channels, codec.sampleRate, [esds, rates]);
      }
      case 'opus': {
        const dops = buildDops({ channels: codec.channels, preSkip: codec.preSkip ?? OPUS_DEFAULT_PRE_SKIP, inputSampleRate: OPUS_RATE });
        return audioEntry('Opus', codec.channels, OPUS_RATE, [dops, rates]);
      }
    }
  } catch (e) {
    if (e instanceof Fmp4Error) throw e;
    throw new Fmp4Error(`invalid ${codec.codec} configuration: ${(e as Error).message}`);
  }
}
