export { CODECS, type Codec } from './codec.ts';
export type { Format, Media, MediaKind, Description } from './format.ts';
export * from './rtp/index.ts';
export * from './sdp/index.ts';
export {
  h264Format, h264ParameterSets, h265Format, h265ParameterSets, mpeg4AudioFormat, mpeg4AudioConfig, av1Format, vp9Format, opusFormat, opusChannels,
  mpegAudioFormat, g711Format,
} from './codec-formats.ts';
