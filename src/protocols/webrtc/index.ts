export { parseOffer, restrictOffer, OfferError, type OfferSection, type ParsedOffer, type SdpDirection } from './sdp-offer.ts';
export {
  WEBRTC_IN_CODECS, WEBRTC_OUT_CODECS, bestOffered, chooseIncoming, formatLabel, matchScore, unsupportedReason,
} from './codec-match.ts';
export { negotiateWhep, negotiateWhip, NoCommonCodecError, type Negotiation, type SkippedTrack, type TrackPlan, type UnusedSection } from './negotiation.ts';
export { parseIceServer, iceServerLinks, type IceServer } from './ice-servers.ts';
export { parseTrickleFragment, MAX_TRICKLE_CANDIDATES, type TrickleCandidate, type TrickleFragment } from './trickle-ice.ts';
