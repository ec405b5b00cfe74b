// What the WebRTC listener runs once a client asks for something: the pages, WHEP/WHIP signaling and sessions, with
// SDP negotiation, formats and stream readers under them (werift itself comes later still, with the first session:
// werift-loader.ts). webrtc-server.ts imports this file on the first request (docs/performance.md, Memory).
export { WebRtcRequestHandler } from './webrtc-request-handler.ts';
export { WebRtcReaderSession } from './webrtc-reader-session.ts';
export { WebRtcPublisherSession } from './webrtc-publisher-session.ts';
export { negotiateWhep, negotiateWhip, parseIceServer } from '../../protocols/webrtc/index.ts';
