export { RtmpServer, type RtmpServerOptions, type RtmpLiveSettings } from './rtmp-server.ts';
