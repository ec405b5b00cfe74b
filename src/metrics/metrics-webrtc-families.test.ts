import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePromPage, pointValue } from '../../test/support/prometheus.ts';
import { metricsPage } from './metrics-page.ts';
import { parseMetricsFilter } from './metrics-filter.ts';
import type { MetricsWebRtcSession, MetricsWebRtcStats } from './metrics-sources.ts';

const STATS: MetricsWebRtcStats = {
  rtpPacketsSent: 1000, rtpPacketsReceived: 0, rtpPacketsLost: 0, rtpPacketsJitter: 0, rtpPacketsReportedLost: 7,
  rtpPacketsReportedJitter: 12.5, rtpPacketsRetransmitted: 5, rtcpPacketsSent: 40, rtcpPacketsReceived: 30, nacksReceived: 3,
  nacksSent: 0, plisReceived: 2, plisSent: 0, firsReceived: 1,
};
const PUB: MetricsWebRtcStats = { ...STATS, rtpPacketsSent: 0, rtpPacketsReceived: 900, rtpPacketsLost: 4, rtpPacketsJitter: 33.25, rtpPacketsReportedLost: 0, rtpPacketsReportedJitter: 0, nacksSent: 6, plisSent: 9 };

function session(id: string, state: 'read' | 'publish', stats?: MetricsWebRtcStats): MetricsWebRtcSession {
  return { id, created: new Date(0), remoteAddr: '127.0.0.1:5000', state, path: 'cam', bytesReceived: 10, bytesSent: 20, outboundDiscarded: 2, ...(stats ? { stats } : {}) };
}
const page = (sessions: MetricsWebRtcSession[], query = ''): string =>
  metricsPage({ paths: () => [], servers: () => ({ webrtc: { connections: () => sessions } }) }, undefined, query ? parseMetricsFilter(new URLSearchParams(query)) : undefined);

describe('WebRTC session metrics (v1.x names, and ours)', () => {
  it('writes v1.x\'s RTP/RTCP families per session, the deprecated ones by the session\'s direction, and our feedback counters', () => {
    const text = page([session('r1', 'read', STATS), session('p1', 'publish', PUB)]);
    const { points } = parsePromPage(text);
    const r1 = { id: 'r1', path: 'cam', remoteAddr: '127.0.0.1:5000', state: 'read' };
    const p1 = { id: 'p1', state: 'publish' };
    assert.equal(pointValue(points, 'webrtc_sessions_outbound_rtp_packets', r1), 1000);
    assert.equal(pointValue(points, 'webrtc_sessions_outbound_rtcp_packets', r1), 40);
    assert.equal(pointValue(points, 'webrtc_sessions_inbound_rtcp_packets', r1), 30);
    assert.equal(pointValue(points, 'webrtc_sessions_outbound_frames_discarded', r1), 2);
    assert.equal(pointValue(points, 'webrtc_sessions_inbound_rtp_packets', p1), 900);
    assert.equal(pointValue(points, 'webrtc_sessions_inbound_rtp_packets_lost', p1), 4);
    assert.equal(pointValue(points, 'webrtc_sessions_inbound_rtp_packets_jitter', p1), 33.25);
    assert.equal(pointValue(points, 'webrtc_sessions_inbound_rtp_packets_lost', r1), 0, 'inbound: what arrived, none for a viewer');
    assert.equal(pointValue(points, 'webrtc_sessions_rtp_packets_sent', r1), 1000);
    assert.equal(pointValue(points, 'webrtc_sessions_bytes_received', r1), 10);
    assert.equal(pointValue(points, 'webrtc_sessions_rtp_packets_lost', r1), 7, 'a viewer\'s loss is what it reports');
    assert.equal(pointValue(points, 'webrtc_sessions_rtp_packets_jitter', r1), 12.5);
    assert.equal(pointValue(points, 'webrtc_sessions_rtp_packets_lost', p1), 4);
    assert.equal(pointValue(points, 'webrtc_sessions_outbound_rtp_packets_retransmitted', r1), 5);
    assert.equal(pointValue(points, 'webrtc_sessions_inbound_rtcp_nacks', r1), 3);
    assert.equal(pointValue(points, 'webrtc_sessions_inbound_rtcp_plis', r1), 2);
    assert.equal(pointValue(points, 'webrtc_sessions_inbound_rtcp_firs', r1), 1);
    assert.equal(pointValue(points, 'webrtc_sessions_outbound_rtcp_nacks', p1), 6);
    assert.equal(pointValue(points, 'webrtc_sessions_outbound_rtcp_plis', p1), 9);
    assert.ok(text.includes('# TYPE webrtc_sessions_inbound_rtcp_nacks counter'));
    assert.ok(!text.includes('# TYPE webrtc_sessions_outbound_rtp_packets '), 'upstream\'s families stay untyped, as upstream');
  });

  it('writes each v1.x family as a bare 0 with no session, as upstream, and none of ours', () => {
    const { points } = parsePromPage(page([]));
    for (const n of ['webrtc_sessions', 'webrtc_sessions_inbound_rtp_packets', 'webrtc_sessions_outbound_rtcp_packets', 'webrtc_sessions_rtp_packets_jitter']) {
      assert.equal(pointValue(points, n), 0, n);
    }
    assert.ok(!points.some((p) => p.name === 'webrtc_sessions_inbound_rtcp_nacks'));
  });

  it('leaves the RTP/RTCP families out when the server does not count them', () => {
    const { points } = parsePromPage(page([session('r1', 'read')]));
    assert.equal(pointValue(points, 'webrtc_sessions_outbound_bytes', { id: 'r1' }), 20);
    assert.ok(!points.some((p) => p.name.includes('rtp_packets') || p.name.includes('rtcp')), JSON.stringify(points.map((p) => p.name)));
  });

  it('keeps one session with ?webrtc_session=', () => {
    const { points } = parsePromPage(page([session('r1', 'read', STATS), session('p1', 'publish', PUB)], 'webrtc_session=p1'));
    assert.ok(points.length > 0 && points.every((p) => p.labels.id === 'p1'), JSON.stringify(points));
    assert.equal(pointValue(points, 'webrtc_sessions_inbound_rtp_packets'), 900);
  });
});
