export { RtmpServer, type RtmpServerOptions, type RtmpConnInfo } from './rtmp-server.ts';
