export { RtspHeaders } from './rtsp-headers.ts';
export {
  serializeRequest, serializeResponse, buildInterleavedHeader, REASON_PHRASES, type RtspRequest, type RtspResponse,
} from './rtsp-message.ts';
export { RtspConnReader, RtspParseError, RTSP_LIMITS, type RtspItem } from './rtsp-conn-reader.ts';
export { parseTransportHeader, serializeTransportSpec, type RtspTransportSpec } from './transport-header.ts';
export { parseAuthorization, computeDigestResponse, digestVerifier, type RtspAuthorization } from './auth-header.ts';
