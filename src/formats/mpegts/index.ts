export { MpegTsError } from './mpegts-error.ts';
export { MpegTsStreamType, isMpegTsVideo, type MpegTsCodec, type MpegTsTrack } from './mpegts-track.ts';
export { MpegTsMuxer, type MpegTsMuxerOptions, type MpegTsTrackSpec } from './mpegts-muxer.ts';
export { MpegTsDemuxer, type MpegTsDemuxerOptions, type MpegTsDemuxerStats, type MpegTsEvent } from './mpegts-demuxer.ts';
export { MpegTsTimeDecoder } from './mpegts-time-decoder.ts';
export { encodeOpusAccessUnits, decodeOpusAccessUnits } from './opus-access-unit.ts';
export { MPEGTS_PACKET_SIZE } from './ts-packet.ts';
export { MPEGTS_TIMESTAMP_MODULO } from './pes.ts';
export { crc32Mpeg2 } from './crc32.ts';
export {
  MpegTsStreamReader, type MpegTsStreamReaderOptions, type MpegTsStreamEvent, type MpegTsStreamTrack, type MpegTsUnit,
} from './mpegts-stream-reader.ts';
