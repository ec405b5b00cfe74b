export { RtmpProtocolError, AmfError } from './rtmp-errors.ts';
export { decodeAmf0, encodeAmf0, encodeAmf0EcmaArray, type AmfValue } from './amf0.ts';
export { RtmpMessageType, MAX_MESSAGE_BYTES, type RtmpMessage } from './rtmp-message.ts';
export { RtmpFlowControl } from './flow-control.ts';
export { RtmpChunkReader } from './chunk-reader.ts';
export { serializeRtmpMessage, serializeRtmpParts, type RtmpMessageHead } from './chunk-writer.ts';
export { RtmpServerHandshake } from './handshake.ts';
export {
  setChunkSizeMessage, windowAckSizeMessage, acknowledgementMessage, setPeerBandwidthMessage, userControlMessage,
  UserControlEvent, parseCommand, commandMessage, onStatusMessage, type RtmpCommand,
} from './control-messages.ts';
export { parseFlvVideo, parseFlvAudio, buildFlvVideo, buildFlvAudio, buildFlvLegacyAudio } from './flv-tags.ts';
export { buildFlvExVideo, buildFlvExAudio, VIDEO_FOURCC, AUDIO_FOURCC, fourccNumber } from './flv-enhanced.ts';
export { FLV_VIDEO_AVC, FLV_AUDIO_AAC, type FlvVideo, type FlvAudio, type RtmpVideoCodec, type RtmpAudioCodec } from './flv-types.ts';
export { rtmpTarget, type RtmpTarget } from './rtmp-url.ts';
export { RtmpToStream } from './to-stream.ts';
export { RtmpStreamMuxer, RTMP_MEDIA_STREAM_ID } from './from-stream.ts';
export { EnhancedCaps, serverEnhancedCaps } from './enhanced-caps.ts';
export { RtmpClientHandshake } from './client-handshake.ts';
export {
  parseRtmpClientUrl, connectCommand, createStreamCommand, playCommand, setBufferLengthMessage, ClientTransaction, type RtmpClientUrl,
} from './client-commands.ts';
