import type { PromText } from './prom-text.ts';
import { bytes, family, sessionLabels } from './metrics-family.ts';
import type { MetricsWebRtcSession, MetricsWebRtcStats } from './metrics-sources.ts';

type Counted = MetricsWebRtcSession & { readonly stats: MetricsWebRtcStats };

// Our additions, under names upstream does not use: feedback and what the viewers report, as counters.
const ADDITIONS: readonly [name: string, type: 'counter' | 'gauge', help: string, value: (s: MetricsWebRtcStats) => number][] = [
  ['webrtc_sessions_outbound_rtp_packets_reported_lost', 'counter', 'RTP packets the viewer reports lost (its receiver reports).', (s) => s.rtpPacketsReportedLost],
  ['webrtc_sessions_outbound_rtp_packets_reported_jitter', 'gauge', 'Interarrival jitter the viewer reports, RTP timestamp units.', (s) => s.rtpPacketsReportedJitter],
  ['webrtc_sessions_outbound_rtp_packets_retransmitted', 'counter', 'RTP packets sent again after a NACK.', (s) => s.rtpPacketsRetransmitted],
  ['webrtc_sessions_inbound_rtcp_nacks', 'counter', 'Generic NACKs received (RFC 4585).', (s) => s.nacksReceived],
  ['webrtc_sessions_outbound_rtcp_nacks', 'counter', 'Generic NACKs sent (RFC 4585).', (s) => s.nacksSent],
  ['webrtc_sessions_inbound_rtcp_plis', 'counter', 'Picture loss indications received (RFC 4585).', (s) => s.plisReceived],
  ['webrtc_sessions_outbound_rtcp_plis', 'counter', 'Picture loss indications sent (RFC 4585).', (s) => s.plisSent],
  ['webrtc_sessions_inbound_rtcp_firs', 'counter', 'Full intra requests received (RFC 5104).', (s) => s.firsReceived],
];

// The deprecated loss and jitter are of the session's one media direction, as in the API's items: what a publisher
// sent us, what a viewer reports of what we sent it.
const lost = (c: Counted): number => (c.state === 'publish' ? c.stats.rtpPacketsLost : c.stats.rtpPacketsReportedLost);
const jitter = (c: Counted): number => (c.state === 'publish' ? c.stats.rtpPacketsJitter : c.stats.rtpPacketsReportedJitter);

/**
 * MediaMTX v1.x's `webrtc_sessions…` families, in upstream's order (the current ones, then the deprecated ones), then
 * ours. The RTP/RTCP families are written only when the server counts them for every session.
 */
export function webRtcSessionFamilies(t: PromText, sessions: readonly MetricsWebRtcSession[]): void {
  family(t, 'webrtc_sessions', sessions, sessionLabels, () => 1);
  const counted = sessions.every((c) => c.stats !== undefined) ? (sessions as readonly Counted[]) : undefined;
  if (!counted) { bytes(t, 'webrtc_sessions', sessions, sessionLabels); return; }
  const f = (name: string, value: (c: Counted) => number): void => family(t, `webrtc_sessions_${name}`, counted, sessionLabels, value);
  f('inbound_bytes', (c) => c.bytesReceived);
  f('inbound_rtp_packets', (c) => c.stats.rtpPacketsReceived);
  f('inbound_rtp_packets_lost', (c) => c.stats.rtpPacketsLost);
  f('inbound_rtp_packets_jitter', (c) => c.stats.rtpPacketsJitter);
  f('inbound_rtcp_packets', (c) => c.stats.rtcpPacketsReceived);
  f('outbound_bytes', (c) => c.bytesSent);
  f('outbound_rtp_packets', (c) => c.stats.rtpPacketsSent);
  f('outbound_rtcp_packets', (c) => c.stats.rtcpPacketsSent);
  f('outbound_frames_discarded', (c) => c.outboundDiscarded ?? 0);
  f('bytes_received', (c) => c.bytesReceived);
  f('bytes_sent', (c) => c.bytesSent);
  f('rtp_packets_received', (c) => c.stats.rtpPacketsReceived);
  f('rtp_packets_sent', (c) => c.stats.rtpPacketsSent);
  f('rtp_packets_lost', lost);
  f('rtp_packets_jitter', jitter);
  f('rtcp_packets_received', (c) => c.stats.rtcpPacketsReceived);
  f('rtcp_packets_sent', (c) => c.stats.rtcpPacketsSent);
  if (counted.length === 0) return;
  for (const [name, type, help, value] of ADDITIONS) {
    t.describe(name, type, help);
    for (const c of counted) t.sample(name, sessionLabels(c), value(c.stats));
  }
}
