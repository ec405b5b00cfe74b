export { RtspServer, type RtspServerOptions, type RtspLiveSettings } from './rtsp-server.ts';
