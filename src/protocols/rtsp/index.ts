export { RtspHeaders } from './rtsp-headers.ts';
export {
  serializeRequest, serializeResponse, REASON_PHRASES, type RtspRequest, type RtspResponse,
} from './rtsp-message.ts';
export { RtspParseError } from './rtsp-parse-error.ts';
export { RtspConnReader, RTSP_LIMITS, type RtspItem } from './rtsp-conn-reader.ts';
export {
  buildInterleavedHeader, buildInterleavedFrame, sharedInterleavedFrame, sharedInterleavedFrames, readInterleavedFrame,
  INTERLEAVED_HEADER_BYTES, INTERLEAVED_MAX_PAYLOAD, type InterleavedFrame,
} from './interleaved-frame.ts';
export { parseTransportHeader, serializeTransportSpec, type RtspTransportSpec } from './transport-header.ts';
export type { MediaTransport, TransportKind } from './media-transport.ts';
export {
  negotiateTransport, transportAnswer,
  type TransportNegotiation, type TransportNegotiationContext, type TransportAnswerOptions,
} from './transport-negotiation.ts';
export {
  parseRtcpPackets, buildSenderReport, buildReceiverReport, buildBye, ntpTimeOfUnixMs, ntpMiddle32, RtcpParseError,
  type RtcpPacket, type RtcpSenderReport, type RtcpReceiverReport, type RtcpBye, type RtcpOtherPacket, type RtcpReportBlock,
} from './rtcp-packets.ts';
export { RtcpSender, RtcpMapping, type RtcpSenderStats } from './rtcp-sender.ts';
export { RtcpReceiver, type RtcpReceiverOptions } from './rtcp-receiver.ts';
export { RtcpReceiverReports } from './rtcp-receiver-reports.ts';
export { parseAuthorization, computeDigestResponse, digestVerifier, type RtspAuthorization } from './auth-header.ts';
export {
  RtspCredentialsSender, parseAuthChallenge, digestResponse, type AuthChallenge, type DigestAlgorithm, type DigestResponseInput,
} from './client-auth.ts';
export {
  transportOfferHeader, readTransportAnswer, parseSessionHeader, isMulticast,
  type TransportOffer, type ClientMediaTransport, type TransportAnswer, type SessionHeader,
} from './client-transport.ts';
export { parseRtspClientUrl, mediaControlUrl, describeBaseUrl, type RtspClientUrl } from './client-url.ts';
