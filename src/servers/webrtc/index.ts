export { WebRtcServer, type WebRtcServerOptions, type WebRtcLiveSettings } from './webrtc-server.ts';
export type { WebRtcConnInfo } from './webrtc-session.ts';
export type { WebRtcPeer, WebRtcPeerFactory, WebRtcPeerOptions, WebRtcPeerStats, PeerState } from './webrtc-peer.ts';
