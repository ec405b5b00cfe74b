import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PathSnapshot } from '../core/index.ts';
import { parsePromPage, pointValue } from '../../test/support/prometheus.ts';
import { metricsPage } from './metrics-page.ts';
import { parseMetricsFilter } from './metrics-filter.ts';
import type { MetricsConnection, MetricsServers } from './metrics-sources.ts';

function conn(id: string, o: Partial<MetricsConnection> = {}): MetricsConnection {
  return { id, created: new Date(0), remoteAddr: '127.0.0.1:5000', bytesReceived: 10, bytesSent: 20, ...o };
}
function path(name: string, o: Partial<PathSnapshot> = {}): PathSnapshot {
  return { name, confName: name, source: undefined, sourceReady: false, tracks: [], trackDetails: [], bytesReceived: 0, bytesSent: 0, framesInError: 0, readers: [], ...o };
}

const servers: MetricsServers = {
  rtsp: { connections: () => [conn('c1')], sessionList: () => [conn('s1', { state: 'publish', path: 'cam', bytesReceived: 500 }), conn('s2', { state: 'read', path: 'cam' })] },
  rtmp: { connections: () => [conn('r1', { state: 'publish', path: 'live', bytesReceived: 300 })] },
  hls: { muxerList: () => [{ name: 'cam', bytesSent: 5 }] },
  webrtc: { connections: () => [conn('w1', { state: 'read', path: 'live' })] },
};
const paths = [path('cam', { sourceReady: true, bytesReceived: 1234, bytesSent: 77, framesInError: 2 }), path('live', { sourceReady: true, bytesReceived: 99 })];
const page = (query: string): ReturnType<typeof parsePromPage> =>
  parsePromPage(metricsPage({ paths: () => paths, servers: () => servers }, undefined, parseMetricsFilter(new URLSearchParams(query))));

describe('v1.x metrics beside v0.22.2\'s', () => {
  it('writes v1.x\'s names with v1.x\'s labels next to the v0.22.2 families', () => {
    const { points } = page('');
    assert.equal(pointValue(points, 'paths_inbound_bytes', { name: 'cam', state: 'ready' }), 1234);
    assert.equal(pointValue(points, 'paths_bytes_received', { name: 'cam', state: 'ready' }), 1234, 'v0.22.2\'s family stays');
    assert.equal(pointValue(points, 'rtsp_conns_inbound_bytes', { id: 'c1' }), 10);
    assert.equal(pointValue(points, 'rtsp_sessions_inbound_bytes', { id: 's1', path: 'cam', remoteAddr: '127.0.0.1:5000', state: 'publish' }), 500);
    assert.equal(pointValue(points, 'rtsp_sessions_outbound_bytes', { id: 's2', state: 'read' }), 20);
    assert.equal(pointValue(points, 'rtmp_conns_inbound_bytes', { id: 'r1', path: 'live', state: 'publish' }), 300);
    assert.equal(pointValue(points, 'hls_muxers_outbound_bytes', { name: 'cam' }), 5);
    assert.equal(pointValue(points, 'webrtc_sessions', { id: 'w1', path: 'live', state: 'read' }), 1);
    assert.equal(pointValue(points, 'webrtc_conns', { id: 'w1' }), 1, 'v0.22.2\'s webrtc_conns stays');
    assert.equal(pointValue(points, 'paths_outbound_bytes', { name: 'cam', state: 'ready' }), 77, 'the core measures it now');
    assert.equal(pointValue(points, 'paths_inbound_frames_in_error', { name: 'cam', state: 'ready' }), 2);
  });

  it('keeps one section with ?type=, and one item of it with ?path= or an id filter', () => {
    const byType = page('type=rtsp_sessions').points;
    assert.deepEqual([...new Set(byType.map((p) => p.name))].every((n) => n.startsWith('rtsp_sessions')), true);
    assert.ok(byType.some((p) => p.name === 'rtsp_sessions_inbound_bytes'));
    const cam = page('path=cam').points;
    assert.ok(cam.length > 0 && cam.every((p) => p.name.startsWith('paths') && p.labels.name === 'cam'), JSON.stringify(cam));
    assert.equal(pointValue(cam, 'paths_inbound_bytes', { name: 'cam' }), 1234);
    const s1 = page('rtsp_session=s1').points;
    assert.ok(s1.length > 0 && s1.every((p) => p.labels.id === 's1'));
    assert.deepEqual(page('type=paths&path=nothing').points, []);
    assert.deepEqual(page('type=nonsense').points, []);
    assert.ok(page('type=webrtc_sessions').points.some((p) => p.name === 'webrtc_conns'), 'v0.22.2\'s webrtc_conns is in the webrtc_sessions section');
  });

  it('writes no process figures on a filtered page', () => {
    const text = metricsPage({ paths: () => paths, servers: () => servers }, (t) => { t.describe('process_x', 'gauge', 'x').sample('process_x', undefined, 1); },
      parseMetricsFilter(new URLSearchParams('type=paths')));
    assert.ok(!text.includes('process_x'));
    assert.ok(!text.includes('# TYPE'));
  });
});
