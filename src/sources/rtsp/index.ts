export { RtspSource } from './rtsp-source.ts';
