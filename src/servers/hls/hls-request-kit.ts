// What the HLS listener runs once a client asks for something: request handling, the page, and the per-path muxers
// with the stream readers under them. hls-server.ts imports this file on the first request (or when hlsAlwaysRemux
// meets a ready path), so an idle server need not hold it (docs/performance.md, Memory).
export { HlsRequestHandler } from './hls-request-handler.ts';
export { HlsPathMuxer } from './hls-path-muxer.ts';
