export { Fmp4Error } from './fmp4-error.ts';
export {
  FMP4_MAX_SAMPLES_PER_TRUN, isFmp4Video,
  type Fmp4Codec, type Fmp4Init, type Fmp4InitTrack, type Fmp4Part, type Fmp4PartTrack, type Fmp4Sample, type Fmp4SampleDefaults,
} from './fmp4-track.ts';
export { writeFmp4Init } from './fmp4-init.ts';
export { writeFmp4Part, FMP4_SAMPLE_FLAGS_SYNC, FMP4_SAMPLE_FLAGS_NON_SYNC } from './fmp4-part.ts';
export { parseFmp4Init, FMP4_MAX_TRACKS } from './fmp4-reader.ts';
export { parseFmp4Parts } from './fmp4-part-reader.ts';
export { buildEsds, parseEsds, buildDops, parseDops, type EsdsFields, type DopsFields } from './fmp4-audio-config.ts';
export { fmp4StreamTracks, fmp4PartUnits, type Fmp4StreamTrack, type Fmp4Unit } from './fmp4-stream-reader.ts';
