export { CodecError } from './codec-error.ts';
export {
  H264NaluType, H264_MAX_NALUS, H264_MAX_AU_BYTES, h264NaluType, h264IsRandomAccess, avccToNalus, nalusToAvcc, nalusToAvccParts,
  parseAvcConfig, buildAvcConfig, type AvcConfig,
} from './h264.ts';
export { parseAudioSpecificConfig, AAC_SAMPLES_PER_AU, type AudioSpecificConfig } from './mpeg4-audio.ts';
export { BitReader, unescapeRbsp } from './bit-reader.ts';
export { parseH264Sps, parseH264SliceHeader, type H264Sps, type H264SliceHeader } from './h264-sps.ts';
export { H264DtsExtractor } from './h264-dts-extractor.ts';
export { annexBToNalus, nalusToAnnexB, stripStartCode } from './annexb.ts';
export {
  H265NaluType, H265_MAX_NALUS, H265_MAX_AU_BYTES, h265NaluType, h265IsRandomAccess, parseHevcConfig, buildHevcConfig, groupH265AccessUnits,
  type HevcConfig, type HevcParameterSets,
} from './h265.ts';
export { parseMpegAudioHeader, splitMpegAudioFrames, type MpegAudioHeader } from './mpeg-audio.ts';
export { parseH265Sps, parseH265Pps, parseH265SlicePoc, type H265Sps, type H265Pps } from './h265-params.ts';
export { H265DtsExtractor } from './h265-dts-extractor.ts';
export { PocDtsEstimator, type PocPicture } from './poc-dts.ts';
export { parseH265VpsFrameDuration } from './h265-params.ts';
export {
  Av1ObuType, AV1_MAX_OBUS, av1ObuType, readLeb128, leb128, splitAv1Obus, av1ObuWithSize, av1ObuWithoutSize, av1IsRandomAccess,
  parseAv1SequenceHeader, buildAv1Config, parseAv1Config, type Av1SequenceHeader, type Av1Config,
} from './av1.ts';
export { parseVp9KeyFrame, vp9IsKeyFrame, buildVpcc, parseVpcc, type Vp9KeyFrameInfo } from './vp9.ts';
export { parseOpusHead, buildOpusHead, type OpusHead } from './opus.ts';
export { parseAdts, buildAdts, type AdtsFrame } from './adts.ts';
export { h265PictureSize, av1FrameSize, type PictureSize } from './video-size.ts';
