export { CodecError } from './codec-error.ts';
export {
  H264NaluType, H264_MAX_NALUS, H264_MAX_AU_BYTES, h264NaluType, h264IsRandomAccess, avccToNalus, nalusToAvcc,
  parseAvcConfig, buildAvcConfig, type AvcConfig,
} from './h264.ts';
export { parseAudioSpecificConfig, AAC_SAMPLES_PER_AU, type AudioSpecificConfig } from './mpeg4-audio.ts';
