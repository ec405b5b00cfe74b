export { parseSdp, serializeSdp, SdpParseError, SDP_LIMITS, type SdpSession, type SdpMediaSection } from './sdp.ts';
export {
  sdpToDescription, descriptionToSdp, codecOfEncoding, type DescriptionToSdpOptions,
} from './sdp-description.ts';
export { STATIC_PAYLOAD_TYPES } from './static-payload-types.ts';
export { parseFmtpParams, setFmtpValues, type FmtpValue } from './fmtp-values.ts';
