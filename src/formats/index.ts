export { CODECS, type Codec, type PayloadByCodec } from './codec.ts';
export type { Format, FormatBase, FormatOf, H264Format, H265Format, Av1Format, Mpeg4AudioFormat, Media, MediaKind, Description } from './format.ts';
export * from './rtp/index.ts';
export * from './sdp/index.ts';
export {
  h264Format, h265Format, mpeg4AudioFormat, av1Format, vp9Format, opusFormat, opusChannels, mpegAudioFormat, g711Format, g722Format,
  mpeg4VideoFormat, mpeg1VideoFormat,
} from './codec-formats.ts';
export {
  cacheFormatParameters, parseH264Sprop, parseH265Sprop, parseMpeg4AudioConfig,
  setAv1SequenceHeader, setH264ParameterSets, setH265ParameterSets, setMpeg4AudioConfig, type H264ParameterSets, type H265ParameterSets,
} from './parameter-sets.ts';
export * from './fmp4/index.ts';
export * from './mpegts/index.ts';
