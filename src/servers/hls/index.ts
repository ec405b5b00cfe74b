export { HlsServer, type HlsServerOptions, type HlsLiveSettings, type HlsMuxerInfo } from './hls-server.ts';
export { createHlsMuxer } from './hls-muxer-factory.ts';
export type { HlsMuxerFactory, HlsMuxerSettings, HlsServerMuxer, HlsFileRequest } from './hls-muxer-port.ts';
