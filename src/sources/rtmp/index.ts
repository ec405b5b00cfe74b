export { RtmpSource } from './rtmp-source.ts';
