import type { RtpSessionStats } from '../../core/index.ts';
import type { RtpPacket } from '../../formats/index.ts';
import type { IceServer, Negotiation, TrickleCandidate } from '../../protocols/webrtc/index.ts';

/** Connection state of a peer (W3C webrtc-pc §4.3.3, RTCPeerConnectionState). */
export type PeerState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

/** Options of a peer: ICE configuration and what to do with the offer. */
export interface WebRtcPeerOptions {
  /** 'send': the server sends on the negotiated tracks (WHEP); 'receive': it receives on them (WHIP). */
  readonly role: 'send' | 'receive';
  readonly negotiation: Negotiation;
  readonly iceServers: readonly IceServer[];
  /** Public addresses advertised as host candidates besides the local ones (webrtcICEHostNAT1To1IPs). */
  readonly nat1To1Ips: readonly string[];
  /** Called on each state change. */
  readonly onState: (s: PeerState) => void;
  /** 'receive': an RTP packet (serialized, RFC 3550) arrived on track `track` (index in negotiation.tracks). */
  readonly onRtp?: (track: number, raw: Buffer) => void;
  /** 'send': the viewer asked for a key frame on track `track` (PLI/FIR, RFC 4585 §6.3.1). */
  readonly onKeyframeRequest?: (track: number) => void;
}

/** A peer's RTP/RTCP counts (the contract core/contracts.ts gives the API and metrics). */
export type WebRtcPeerStats = RtpSessionStats;

/** Stats of a peer that counted nothing yet (and of a session before its peer is made). */
export const EMPTY_PEER_STATS: WebRtcPeerStats = Object.freeze({
  rtpPacketsSent: 0, rtpPacketsReceived: 0, rtpPacketsLost: 0, rtpPacketsJitter: 0, rtpPacketsReportedLost: 0,
  rtpPacketsReportedJitter: 0, rtpPacketsRetransmitted: 0, rtcpPacketsSent: 0, rtcpPacketsReceived: 0, nacksReceived: 0,
  nacksSent: 0, plisReceived: 0, plisSent: 0, firsReceived: 0,
});

/**
 * The one interface the server uses of a WebRTC stack (ICE RFC 8445, DTLS-SRTP RFC 5764, RTCP RFC 4585), so the
 * stack (werift today) can be replaced (node-datachannel) without touching sessions.
 */
export interface WebRtcPeer {
  /** Applies the offer and returns the answer SDP, made after candidates were gathered (no trickle needed). */
  answer(offer: string): Promise<string>;
  /**
   * Sends the payload, timestamp and marker of an RTP packet on a track, with the track's own sequence numbers
   * (RFC 3550 §5.1), SSRC and negotiated payload type.
   */
  sendRtp(track: number, packet: RtpPacket): void;
  /** Asks the publisher for a key frame on a track (PLI). */
  requestKeyframe(track: number): void;
  /** Adds a remote candidate from a trickle-ICE PATCH. */
  addCandidate(c: TrickleCandidate): Promise<void>;
  /** The selected local and remote candidates (`ip:port`), once connected. */
  candidates(): { local: string; remote: string } | undefined;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Packet and feedback counts so far (a snapshot). */
  stats(): WebRtcPeerStats;
  close(): Promise<void>;
}

/** Makes a peer of the stack in use. */
export type WebRtcPeerFactory = (opts: WebRtcPeerOptions) => WebRtcPeer;

/**
 * Adds a copy of every IPv4 host candidate with each 1:1 NAT address (RFC 8445 §5.1.1.1 host candidates on the
 * public side), same port and transport, so clients behind the NAT's far side can reach the server.
 */
export function addNat1To1Candidates(sdp: string, ips: readonly string[]): string {
  if (ips.length === 0) return sdp;
  const out: string[] = [];
  for (const line of sdp.split('\r\n')) {
    out.push(line);
    const m = /^a=candidate:(\S+) (\d+) (\S+) (\d+) (\S+) (\d+) typ host(.*)$/.exec(line);
    if (!m || m[5]!.includes(':')) continue;
    ips.forEach((ip, i) => out.push(`a=candidate:${m[1]}n${i} ${m[2]} ${m[3]} ${Math.max(0, Number(m[4]) - 1 - i)} ${ip} ${m[6]} typ host${m[7]}`));
  }
  return out.join('\r\n');
}
