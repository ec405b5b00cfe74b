export { HlsMuxer, type HlsMuxerOptions, type HlsMuxerStats } from './hls-muxer.ts';
export type { HlsRequest, HlsResponse } from './hls-response.ts';
export { HLS_CONTENT_TYPE } from './hls-response.ts';
export type { HlsVariant } from './hls-segment.ts';
export { HLS_MULTIVARIANT_FILE, HLS_MEDIA_PLAYLIST_FILE, HLS_INIT_FILE } from './hls-segment.ts';
export { HlsMemoryStorage, type HlsStorage, type HlsBody, type HlsByteRange } from './hls-storage.ts';
export { HlsDirectoryStorage } from './hls-directory-storage.ts';
