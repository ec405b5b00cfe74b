import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PathSnapshot } from '../core/index.ts';
import { parsePromPage, pointValue } from '../../test/support/prometheus.ts';
import { metricsPage } from './metrics-page.ts';
import type { MetricsConnection, MetricsServers } from './metrics-sources.ts';
import { ProcessMetrics } from './process-metrics.ts';
import { PromText } from './prom-text.ts';

// Every family MediaMTX v0.22.2 writes (internal/core/metrics.go), when every server it knows is on.
const V0222_FAMILIES = [
  'paths', 'paths_bytes_received', 'hls_muxers', 'hls_muxers_bytes_sent',
  'rtsp_conns', 'rtsp_conns_bytes_received', 'rtsp_conns_bytes_sent', 'rtsp_sessions', 'rtsp_sessions_bytes_received', 'rtsp_sessions_bytes_sent',
  'rtsps_conns', 'rtsps_conns_bytes_received', 'rtsps_conns_bytes_sent', 'rtsps_sessions', 'rtsps_sessions_bytes_received', 'rtsps_sessions_bytes_sent',
  'rtmp_conns', 'rtmp_conns_bytes_received', 'rtmp_conns_bytes_sent', 'webrtc_conns', 'webrtc_conns_bytes_received', 'webrtc_conns_bytes_sent',
];

const none = { connections: (): MetricsConnection[] => [], sessionList: (): MetricsConnection[] => [] };
const ALL_EMPTY: MetricsServers = { rtsp: none, rtsps: none, rtmp: none, rtmps: none, hls: { muxerList: () => [] }, webrtc: none };

function conn(id: string, o: Partial<MetricsConnection> = {}): MetricsConnection {
  return { id, created: new Date(0), remoteAddr: '127.0.0.1:5000', bytesReceived: 10, bytesSent: 20, ...o };
}
function path(name: string, o: Partial<PathSnapshot> = {}): PathSnapshot {
  return { name, confName: name, source: undefined, sourceReady: false, tracks: [], trackDetails: [], bytesReceived: 0, bytesSent: 0, framesInError: 0, readers: [], ...o };
}

describe('metricsPage', () => {
  it('writes the bare v0.22.2 names with 0 for empty collections (paths: `paths 0` alone)', () => {
    const text = metricsPage({ paths: () => [], servers: () => ALL_EMPTY });
    const { points } = parsePromPage(text);
    const v0222 = points.filter((p) => V0222_FAMILIES.includes(p.name));
    assert.deepEqual(v0222.map((p) => p.name), V0222_FAMILIES.filter((n) => n !== 'paths_bytes_received'));
    assert.ok(v0222.every((p) => p.value === 0 && Object.keys(p.labels).length === 0));
    assert.match(text, /^paths 0\nhls_muxers 0\nhls_muxers_bytes_sent 0\nrtsp_conns 0\n/, 'v0.22.2 lines come first, untyped, as v0.22.2 writes them');
    assert.deepEqual(points.filter((p) => p.name.startsWith('rtmps_')).map((p) => p.name),
      ['rtmps_conns', 'rtmps_conns_bytes_received', 'rtmps_conns_bytes_sent', 'rtmps_conns_inbound_bytes', 'rtmps_conns_outbound_bytes']);
  });

  it('leaves out the sections of servers that do not run', () => {
    const { points } = parsePromPage(metricsPage({ paths: () => [], servers: () => ({ rtmp: none }) }));
    assert.deepEqual([...new Set(points.map((p) => p.name))], [
      'paths', 'rtmp_conns', 'rtmp_conns_bytes_received', 'rtmp_conns_bytes_sent', 'paths_readers',
      'paths_inbound_bytes', 'rtmp_conns_inbound_bytes', 'rtmp_conns_outbound_bytes',
    ]);
  });

  it('labels paths, connections, sessions and muxers exactly as v0.22.2, one group per family', () => {
    const servers: MetricsServers = {
      rtsp: { connections: () => [conn('c2'), conn('c1')], sessionList: () => [conn('s1', { state: 'publish', path: 'cam' }), conn('s2', { state: 'read', path: 'cam' })] },
      rtmp: { connections: () => [conn('r1', { state: 'read', bytesSent: 77 })] },
      hls: { muxerList: () => [{ name: 'cam', bytesSent: 5 }] },
      webrtc: { connections: () => [conn('w1')] },
    };
    const paths = [
      path('cam', { sourceReady: true, bytesReceived: 1234, source: { type: 'rtspSession', id: 's1' }, readers: [{ type: 'rtspSession', id: 's2' }, { type: 'rtmpConn', id: 'r1' }, { type: 'rtmpConn', id: 'r9' }] }),
      path('idle'),
    ];
    const text = metricsPage({ paths: () => paths, servers: () => servers });
    const { points } = parsePromPage(text);
    assert.equal(pointValue(points, 'paths', { name: 'cam', state: 'ready' }), 1);
    assert.equal(pointValue(points, 'paths', { name: 'idle', state: 'notReady' }), 1);
    assert.equal(pointValue(points, 'paths_bytes_received', { name: 'cam', state: 'ready' }), 1234);
    assert.equal(pointValue(points, 'hls_muxers', { name: 'cam' }), 1);
    assert.equal(pointValue(points, 'hls_muxers_bytes_sent', { name: 'cam' }), 5);
    assert.deepEqual(points.filter((p) => p.name === 'rtsp_conns').map((p) => p.labels), [{ id: 'c1' }, { id: 'c2' }], 'sorted by id');
    assert.deepEqual(points.filter((p) => p.name === 'rtsp_sessions').map((p) => p.labels), [{ id: 's1', state: 'publish' }, { id: 's2', state: 'read' }]);
    assert.equal(pointValue(points, 'rtsp_sessions_bytes_sent', { id: 's2', state: 'read' }), 20);
    assert.equal(pointValue(points, 'rtmp_conns_bytes_sent', { id: 'r1', state: 'read' }), 77);
    assert.deepEqual(points.filter((p) => p.name === 'webrtc_conns').map((p) => p.labels), [{ id: 'w1' }]);
    assert.deepEqual(points.filter((p) => p.name === 'paths_readers').map((p) => [p.labels.name, p.labels.readerType, p.value]),
      [['cam', 'rtmpConn', 2], ['cam', 'rtspSession', 1], ['idle', '', 0]]);
    assert.ok(!text.includes('paths_bytes_received{name="idle"') || pointValue(points, 'paths_bytes_received', { name: 'idle' }) === 0);
  });

  it('writes the frames each reader dropped for the servers that report them', () => {
    const servers: MetricsServers = {
      rtsp: { connections: () => [], sessionList: () => [conn('s1', { state: 'read', path: 'cam', outboundDiscarded: 3 }), conn('s2', { state: 'publish', path: 'cam' })] },
      rtmp: { connections: () => [conn('r1', { state: 'read', path: 'cam', outboundDiscarded: 0 })] },
    };
    const { points, families } = parsePromPage(metricsPage({ paths: () => [], servers: () => servers }));
    assert.deepEqual(points.filter((p) => p.name === 'rtsp_sessions_outbound_rtp_packets_discarded').map((p) => [p.labels, p.value]),
      [[{ id: 's1', state: 'read', path: 'cam' }, 3]]);
    assert.equal(pointValue(points, 'rtmp_conns_outbound_frames_discarded', { id: 'r1' }), 0);
    assert.equal(families.find((f) => f.name === 'rtmp_conns_outbound_frames_discarded')!.type, 'COUNTER');
  });

  it('adds process CPU, memory, heap, active resources and event-loop delay, typed and described', async () => {
    const pm = new ProcessMetrics();
    try {
      await new Promise((r) => setTimeout(r, 50));
      const held = setTimeout(() => undefined, 60_000);
      const { points, families } = parsePromPage(metricsPage({ paths: () => [], servers: () => ({}) }, (t) => pm.write(t)));
      clearTimeout(held);
      assert.ok(pointValue(points, 'process_cpu_seconds_total')! > 0);
      assert.ok(pointValue(points, 'process_resident_memory_bytes')! > 10e6);
      assert.ok(pointValue(points, 'nodejs_heap_size_used_bytes')! > 0);
      const start = pointValue(points, 'process_start_time_seconds')!;
      assert.ok(Math.abs(start - (Date.now() / 1000 - process.uptime())) < 2);
      // The timer this test holds is counted at least.
      const timeouts = pointValue(points, 'nodejs_active_resources', { type: 'Timeout' });
      assert.ok(timeouts !== undefined && timeouts >= 1, `nodejs_active_resources{type="Timeout"} is ${timeouts}`);
      const p99 = pointValue(points, 'nodejs_eventloop_delay_p99_seconds')!;
      assert.ok(p99 >= 0 && p99 < 1, `p99 ${p99}`);
      for (const f of families.filter((x) => x.name.startsWith('process_') || x.name.startsWith('nodejs_'))) {
        assert.notEqual(f.type, 'UNTYPED', f.name);
        assert.notEqual(f.help, '', f.name);
      }
    } finally {
      pm.close();
    }
  });
});

describe('PromText', () => {
  it('escapes label values and refuses a family written in two groups', () => {
    const t = new PromText().sample('a', [['l', 'x"y\\z\nw']], 1).sample('b', undefined, Number.NaN);
    assert.equal(t.toString(), 'a{l="x\\"y\\\\z\\nw"} 1\nb NaN\n');
    assert.deepEqual(parsePromPage(t.toString()).points[0]!.labels, { l: 'x"y\\z\nw' });
    assert.throws(() => t.sample('a', undefined, 2), /two groups/);
  });
});
