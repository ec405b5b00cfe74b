import type { ConnectionInfo, ParticipantInfo } from '../../core/index.ts';
import { EMPTY_PEER_STATS, type WebRtcPeer, type WebRtcPeerStats } from './webrtc-peer.ts';

/** A WebRTC connection as the API lists it (MediaMTX v0.22.2 `webrtcconns/list`), with its peer's RTP/RTCP counts (v1.x). */
export type WebRtcConnInfo = ConnectionInfo & {
  readonly peerConnectionEstablished: boolean; readonly localCandidate: string; readonly remoteCandidate: string;
  readonly stats: WebRtcPeerStats;
};

/** What the server keeps of a WHEP or WHIP session. */
export interface WebRtcSession {
  /** Identity for the path (`readers[]` / `source` of the API). */
  readonly info: ParticipantInfo;
  readonly id: string;
  readonly role: 'whep' | 'whip';
  readonly pathName: string;
  /** Its peer (once made), which takes the remote candidates of trickle-ICE PATCHes (RFC 8840). */
  readonly peer: WebRtcPeer | undefined;
  /** The connection as the API lists it. */
  snapshot(): WebRtcConnInfo;
  /** Ends the session (DELETE, kick, path closed, server closing). */
  close(reason: Error): void;
}

/** Fields common to both session kinds, for info(). */
export function sessionInfo(o: {
  id: string; created: Date; remoteAddr: string; pathName: string; state: 'read' | 'publish'; isConnected: boolean; peer: WebRtcPeer | undefined;
  outboundDiscarded?: number;
}): WebRtcConnInfo {
  const c = o.peer?.candidates();
  return {
    id: o.id, created: o.created, remoteAddr: o.remoteAddr, state: o.state, path: o.pathName,
    bytesReceived: o.peer?.bytesReceived ?? 0, bytesSent: o.peer?.bytesSent ?? 0,
    ...(o.outboundDiscarded !== undefined ? { outboundDiscarded: o.outboundDiscarded } : {}),
    peerConnectionEstablished: o.isConnected, localCandidate: c?.local ?? '', remoteCandidate: c?.remote ?? '',
    stats: o.peer?.stats() ?? EMPTY_PEER_STATS,
  };
}
