export { RtspServer, type RtspServerOptions, type RtspConnInfo, type RtspSessionInfo } from './rtsp-server.ts';
