export type { Unit } from './unit.ts';
export { Stream, type SubStream, type StreamStats } from './stream.ts';
export { StreamReader, type ReaderEntries, type StreamReaderOptions, type UnitCallback } from './stream-reader.ts';
export { GopCache, type CachedUnit, type GopAddResult, type GopCacheLimits, type GopSegment } from './gop-cache.ts';
export { RtpUnitBuilder } from './rtp-unit-builder.ts';
