export { H264ByteStreamSplitter } from './h264-byte-stream.ts';
export { RpiCameraFrameClock } from './frame-clock.ts';
export { RpiCameraToStream } from './to-stream.ts';
