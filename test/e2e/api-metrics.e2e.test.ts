import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { z } from 'zod/v3';
import { Profile } from 'pprof-format';
import {
  ConfSchema, HlsMuxersListSchema, PathsListSchema, RtmpConnsListSchema, RtspConnsListSchema, RtspSessionsListSchema, WebRtcConnsListSchema,
} from '../../src/api/index.ts';
import { allocatePorts, listenerConf, logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegDecodeHls, hlsUrl } from '../support/hls-media.ts';
import { closeWhepViewers, openWhepViewer, type WhepViewer } from '../support/whep-viewer.ts';
import { httpGet, httpPost, type HttpAnswer } from '../support/http.ts';
import { parsePromPage, pointValue } from '../support/prometheus.ts';
import { ffmpegCopyRead, ffmpegPublish } from '../support/media.ts';
import { ffmpegPublishRtmp } from '../support/rtmp-media.ts';
import { describeRunning, isRunning, waitFor, type Running } from '../support/process.ts';
import { makeSelfSignedCert } from '../support/tls.ts';

// The API, metrics and pprof listeners get ports from a block of their own.
const extra = allocatePorts();
const API = extra.rtsp;
const METRICS = extra.rtsps;
const PPROF = extra.rtp;
const WEBRTC = extra.rtcp;

const CONF = (dir: string): string => {
  const { key, cert } = makeSelfSignedCert(dir);
  return `
# Operated through the API in this test.
api: yes
apiAddress: 127.0.0.1:${API}
apiPersist: yes
metrics: yes
metricsAddress: 127.0.0.1:${METRICS}
pprof: yes
pprofAddress: 127.0.0.1:${PPROF}
webrtcAddress: 127.0.0.1:${WEBRTC}
webrtcICEServers: []
encryption: optional
serverKey: ${key}
serverCert: ${cert}
rtmpEncryption: optional
rtmpServerKey: ${key}
rtmpServerCert: ${cert}

paths:
  # the camera, published over RTSP
  cam:
  # published over RTMP
  live:
`;
};

/** The answer's JSON, which must fit the v0.22.2 shape `schema` field by field (strict objects). */
function shaped<T>(a: HttpAnswer, schema: z.ZodType<T>, what: string): T {
  assert.equal(a.status, 200, `${what}: ${a.text}`);
  assert.equal(a.headers.server, 'mediamtx', what);
  const r = schema.safeParse(a.json);
  assert.ok(r.success, `${what} does not fit the v0.22.2 shape: ${r.success ? '' : JSON.stringify(r.error.issues.slice(0, 3))}\n${a.text.slice(0, 600)}`);
  return r.data;
}

describe('control API, metrics and profiler with FFmpeg over RTSP and RTMP', () => {
  let srv: TestServer;
  const procs: Running[] = [];
  const viewers: WhepViewer[] = [];
  const run = (r: Running): Running => { procs.push(r); return r; };
  const paths = async () => shaped(await httpGet(API, '/v1/paths/list'), PathsListSchema, 'paths/list');

  before(async () => {
    // HLS and WebRTC run too, so that their lists and kicks are checked with live clients.
    srv = await startServer(CONF, { MTX_WEBRTCDISABLE: 'no' }, { hls: true });
    await srv.waitForLog(/\[API\] listener opened/);
    await srv.waitForLog(/\[pprof\] listener opened/);
    await srv.waitForLog(/\[WebRTC\] listener opened/);
    run(ffmpegPublish(srv.url('cam'), { video: 'h264', seconds: 120 }));
    run(ffmpegPublishRtmp(srv.rtmpUrl('live'), { seconds: 120 }));
    await waitFor(async () => Object.values((await paths()).items).filter((p) => p.sourceReady).length === 2, {
      timeoutMs: 20_000, what: 'cam and live to be ready', detail: () => `${procs.map((p, i) => describeRunning(`publisher ${i}`, p)).join('\n')}\n${logTail(srv)}`,
    });
  });

  after(async () => {
    for (const v of viewers) v.close();
    closeWhepViewers();
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await srv?.stop();
  });

  it('answers every list endpoint with the v0.22.2 shapes, field by field', async () => {
    const rtspReader = run(ffmpegCopyRead(srv.url('cam')));
    const rtmpReader = run(ffmpegCopyRead(srv.rtmpUrl('live')));
    await waitFor(async () => Object.values((await paths()).items).every((p) => p.readers.length === 1), {
      timeoutMs: 15_000, what: 'one reader on each path', detail: () => logTail(srv),
    });
    const conf = shaped(await httpGet(API, '/v1/config/get'), ConfSchema, 'config/get');
    assert.deepEqual(Object.keys(conf.paths), ['cam', 'live']);
    const list = await paths();
    const sessions = shaped(await httpGet(API, '/v1/rtspsessions/list'), RtspSessionsListSchema, 'rtspsessions/list');
    const byState = (s: string): string[] => Object.entries(sessions.items).filter(([, v]) => v.state === s).map(([k]) => k);
    assert.deepEqual(list.items.cam!.source, { type: 'rtspSession', id: byState('publish')[0] });
    assert.deepEqual(list.items.cam!.readers, [{ type: 'rtspSession', id: byState('read')[0] }]);
    assert.deepEqual(list.items.cam!.tracks, ['H264']);
    const rtmp = shaped(await httpGet(API, '/v1/rtmpconns/list'), RtmpConnsListSchema, 'rtmpconns/list');
    const rtmpIds = (s: string): string[] => Object.entries(rtmp.items).filter(([, v]) => v.state === s).map(([k]) => k);
    assert.deepEqual(list.items.live!.source, { type: 'rtmpConn', id: rtmpIds('publish')[0] });
    assert.deepEqual(list.items.live!.readers, [{ type: 'rtmpConn', id: rtmpIds('read')[0] }]);
    assert.deepEqual(list.items.live!.tracks, ['H264', 'MPEG-4 Audio']);
    const conns = shaped(await httpGet(API, '/v1/rtspconns/list'), RtspConnsListSchema, 'rtspconns/list');
    assert.equal(Object.keys(conns.items).length, 2);
    for (const c of [...Object.values(conns.items), ...Object.values(rtmp.items)]) {
      assert.match(c.remoteAddr, /^127\.0\.0\.1:\d+$/);
      assert.ok(Date.now() - Date.parse(c.created) < 120_000, `created ${c.created}, not within the last 2 minutes`);
      assert.ok(c.bytesReceived > 0 && c.bytesSent > 0, `bytes received ${c.bytesReceived} and sent ${c.bytesSent} of ${c.remoteAddr}`);
    }
    // RTSPS and RTMPS (encryption: optional), HLS and WebRTC run with nobody on them.
    assert.deepEqual(shaped(await httpGet(API, '/v1/rtspsconns/list'), RtspConnsListSchema, 'rtspsconns/list').items, {});
    assert.deepEqual(shaped(await httpGet(API, '/v1/rtspssessions/list'), RtspSessionsListSchema, 'rtspssessions/list').items, {});
    assert.deepEqual(shaped(await httpGet(API, '/v1/rtmpsconns/list'), RtmpConnsListSchema, 'rtmpsconns/list').items, {});
    assert.deepEqual(shaped(await httpGet(API, '/v1/hlsmuxers/list'), HlsMuxersListSchema, 'hlsmuxers/list').items, {});
    assert.deepEqual(shaped(await httpGet(API, '/v1/webrtcconns/list'), WebRtcConnsListSchema, 'webrtcconns/list').items, {});

    // Kick the readers: their FFmpeg ends, the publishers go on.
    const kick = async (path: string): Promise<void> => { const a = await httpPost(API, path); assert.equal(a.status, 200, `POST ${path}: ${a.text}`); };
    await kick(`/v1/rtspsessions/kick/${byState('read')[0]}`);
    await kick(`/v1/rtmpconns/kick/${rtmpIds('read')[0]}`);
    await waitFor(() => !isRunning(rtspReader) && !isRunning(rtmpReader), { timeoutMs: 10_000, what: 'both kicked readers to exit' });
    const left = Object.entries((await paths()).items).map(([n, p]) => ({ n, ready: p.sourceReady, readers: p.readers }));
    assert.ok(left.every((p) => p.ready && p.readers.length === 0), `the publishers stay, the readers go: ${JSON.stringify(left)}`);
  });

  it('serves metrics whose values move while the streams flow', async () => {
    const scrape = async () => parsePromPage((await httpGet(METRICS, '/metrics')).text).points;
    const a = await scrape();
    assert.equal(pointValue(a, 'paths', { name: 'cam', state: 'ready' }), 1, 'paths{name="cam",state="ready"}');
    assert.equal(pointValue(a, 'rtsps_conns'), 0, 'the bare rtsps_conns with nobody on RTSPS');
    assert.equal(pointValue(a, 'rtmp_conns', { state: 'publish' }), 1, 'rtmp_conns{state="publish"}');
    await waitFor(async () => {
      const b = await scrape();
      return ['cam', 'live'].every((n) => pointValue(b, 'paths_bytes_received', { name: n })! > pointValue(a, 'paths_bytes_received', { name: n })!)
        && pointValue(b, 'process_cpu_seconds_total')! > pointValue(a, 'process_cpu_seconds_total')!;
    }, { timeoutMs: 5000, what: 'bytes received and CPU seconds to grow' });
    // MediaMTX v1.x's names beside v0.22.2's, and its filters.
    const camInbound = pointValue(a, 'paths_inbound_bytes', { name: 'cam', state: 'ready' });
    assert.ok(camInbound! > 0, `paths_inbound_bytes{name="cam"} is ${camInbound}`);
    const liveInbound = pointValue(a, 'rtmp_conns_inbound_bytes', { path: 'live', state: 'publish' });
    assert.ok(liveInbound! > 0, `rtmp_conns_inbound_bytes{path="live",state="publish"} is ${liveInbound}`);
    const cam = parsePromPage((await httpGet(METRICS, '/metrics?path=cam')).text).points;
    assert.ok(cam.length > 0 && cam.every((p) => p.labels.name === 'cam'), `only cam with ?path=cam: ${JSON.stringify(cam.slice(0, 5))}`);
    const rtmpOnly = parsePromPage((await httpGet(METRICS, '/metrics?type=rtmp_conns')).text).points;
    assert.ok(rtmpOnly.length > 0 && rtmpOnly.every((p) => p.name.startsWith('rtmp_conns')), `only rtmp_conns with ?type=rtmp_conns: ${rtmpOnly.map((p) => p.name).join(', ')}`);
  });

  it('takes a CPU profile during the streams that an independent pprof decoder reads and that names our functions', async () => {
    const a = await httpGet(PPROF, '/debug/pprof/profile?seconds=2');
    assert.equal(a.status, 200, a.text);
    const d = Profile.decode(gunzipSync(a.body));
    const str = (i: number | bigint): string => d.stringTable.strings[Number(i)]!;
    const ours = d.function.filter((f) => str(f.filename).includes('/src/') && !str(f.filename).includes('node_modules'));
    assert.ok(ours.length > 5, `functions of the server in the profile: ${ours.map((f) => str(f.name)).join(', ')}`);
    assert.ok(d.sample.length > 0, `the profile has ${d.sample.length} samples`);
    const names = new Set(ours.map((f) => str(f.name)));
    // The stream's fan-out and the publishers' receive paths (RTSP interleaved RTP, RTMP chunks) ran during it: 1 ms
    // sampling catches some of them, which ones depends on the machine's load (one is enough to name the data path).
    const hot = ['writeRtpPacket', 'deliver', 'onInterleaved', 'readChunk', 'onRtp', 'parseRtpPacket', 'onFrame'].filter((n) => names.has(n));
    assert.ok(hot.length >= 1, `our hot functions in the profile: ${[...names].join(', ')}`);
  });

  it('lists and kicks live HLS, WebRTC, RTSPS and RTMPS clients with the v0.22.2 shapes', async () => {
    const viewer = await openWhepViewer(`http://127.0.0.1:${WEBRTC}/cam/whep`);
    viewers.push(viewer);
    const rtspsReader = run(ffmpegCopyRead(srv.url('cam', { secure: true })));
    const rtmpsReader = run(ffmpegCopyRead(srv.rtmpUrl('live', { secure: true })));
    // FFmpeg decodes the HLS stream of cam: its muxer exists from the first request on.
    const hls = await ffmpegDecodeHls(hlsUrl(srv, 'cam'), 2);
    assert.ok(hls.video >= 25, `HLS of cam decodes: ${hls.detail}`);
    const readerTypes = (p: { readers: { type: string }[] } | undefined): string[] => (p?.readers ?? []).map((r) => r.type).sort();
    await waitFor(async () => {
      const l = (await paths()).items;
      return viewer.frames >= 25 && viewer.keyframes > 0 && readerTypes(l.cam).join() === 'hlsMuxer,rtspsSession,webRTCConn' && readerTypes(l.live).join() === 'rtmpsConn';
    }, {
      timeoutMs: 20_000, what: 'WebRTC frames and the readers of cam and live',
      detail: () => `viewer: ${viewer.packets} packets, ${viewer.frames} frames, ${viewer.keyframes} key frames, ${viewer.state()}\n`
        + `${describeRunning('rtsps reader', rtspsReader)}\n${describeRunning('rtmps reader', rtmpsReader)}\n${logTail(srv)}`,
    });
    const list = await paths();

    const muxers = shaped(await httpGet(API, '/v1/hlsmuxers/list'), HlsMuxersListSchema, 'hlsmuxers/list');
    assert.deepEqual(Object.keys(muxers.items), ['cam'], 'one muxer, keyed by its path');
    const m = muxers.items.cam!;
    const [created, lastRequest] = [Date.parse(m.created), Date.parse(m.lastRequest)];
    assert.ok(m.bytesSent > 10_000 && lastRequest >= created && Date.now() - lastRequest < 60_000, `the muxer served the decoded segments: ${JSON.stringify(m)}`);

    const webrtc = shaped(await httpGet(API, '/v1/webrtcconns/list'), WebRtcConnsListSchema, 'webrtcconns/list');
    const [webrtcId, conn] = Object.entries(webrtc.items)[0] ?? [];
    assert.ok(webrtcId && conn && Object.keys(webrtc.items).length === 1, `one WebRTC connection: ${JSON.stringify(webrtc)}`);
    assert.ok(conn.peerConnectionEstablished && conn.bytesSent > 10_000, `the viewer's connection is up and sends: ${JSON.stringify(conn)}`);
    assert.match(conn.remoteAddr, /^127\.0\.0\.1:\d+$/, 'remoteAddr');
    assert.match(`${conn.localCandidate} ${conn.remoteCandidate}`, /^127\.0\.0\.1:\d+ 127\.0\.0\.1:\d+$/, 'the selected candidates');
    assert.ok(list.items.cam!.readers.some((r) => r.type === 'webRTCConn' && r.id === webrtcId), `cam lists the viewer: ${JSON.stringify(list.items.cam!.readers)}`);

    const rtspsSessions = shaped(await httpGet(API, '/v1/rtspssessions/list'), RtspSessionsListSchema, 'rtspssessions/list');
    const [rtspsId, session] = Object.entries(rtspsSessions.items)[0] ?? [];
    assert.ok(rtspsId && session?.state === 'read' && session.bytesSent > 0, `one RTSPS reader: ${JSON.stringify(rtspsSessions)}`);
    const rtspsConns = shaped(await httpGet(API, '/v1/rtspsconns/list'), RtspConnsListSchema, 'rtspsconns/list');
    assert.equal(Object.keys(rtspsConns.items).length, 1, `one RTSPS connection: ${JSON.stringify(rtspsConns)}`);
    assert.ok(list.items.cam!.readers.some((r) => r.type === 'rtspsSession' && r.id === rtspsId), `cam lists the RTSPS reader: ${JSON.stringify(list.items.cam!.readers)}`);
    const rtmps = shaped(await httpGet(API, '/v1/rtmpsconns/list'), RtmpConnsListSchema, 'rtmpsconns/list');
    const [rtmpsId, rtmpsConn] = Object.entries(rtmps.items)[0] ?? [];
    assert.ok(rtmpsId && rtmpsConn?.state === 'read' && rtmpsConn.bytesSent > 0, `one RTMPS reader: ${JSON.stringify(rtmps)}`);
    assert.deepEqual(list.items.live!.readers, [{ type: 'rtmpsConn', id: rtmpsId }], 'live lists the RTMPS reader');

    // The WebRTC reader's dropped frames are counted (MediaMTX v1's name), as the other readers' are.
    const points = parsePromPage((await httpGet(METRICS, '/metrics')).text).points;
    const dropped = pointValue(points, 'webrtc_sessions_outbound_frames_discarded', { id: webrtcId });
    assert.equal(dropped, 0, `webrtc_sessions_outbound_frames_discarded{id="${webrtcId}"}`);

    const kick = async (path: string, status = 200): Promise<void> => { const a = await httpPost(API, path); assert.equal(a.status, status, `POST ${path}: ${a.text}`); };
    await kick(`/v1/webrtcconns/kick/${webrtcId}`);
    await kick(`/v1/rtspssessions/kick/${rtspsId}`);
    await kick(`/v1/rtmpsconns/kick/${rtmpsId}`);
    await waitFor(async () => Object.keys(shaped(await httpGet(API, '/v1/webrtcconns/list'), WebRtcConnsListSchema, 'webrtcconns/list').items).length === 0, {
      timeoutMs: 5000, what: 'the kicked WebRTC connection to leave the list',
    });
    const packetsAtKick = viewer.packets;
    await waitFor(() => !isRunning(rtspsReader) && !isRunning(rtmpsReader), {
      timeoutMs: 10_000, what: 'the kicked RTSPS and RTMPS readers to exit', detail: () => `${describeRunning('rtsps reader', rtspsReader)}\n${describeRunning('rtmps reader', rtmpsReader)}`,
    });
    // Meanwhile (the FFmpeg readers took a while to see their end) the kicked viewer got nothing more, bar packets in flight.
    assert.ok(viewer.packets - packetsAtKick <= 5, `the kicked viewer got ${viewer.packets - packetsAtKick} more packets (state ${viewer.state()})`);
    // A second kick of the same id: 404, where v0.22.2 answered 200 (docs/limits.md §API).
    await kick(`/v1/webrtcconns/kick/${webrtcId}`, 404);
    await kick(`/v1/rtspssessions/kick/${rtspsId}`, 404);
    await kick(`/v1/rtmpsconns/kick/${rtmpsId}`, 404);
    const now = (await paths()).items;
    assert.deepEqual([readerTypes(now.cam), readerTypes(now.live), now.cam!.sourceReady, now.live!.sourceReady], [['hlsMuxer'], [], true, true],
      'the publishers and the HLS muxer stay, the kicked readers are gone');
  });

  it('applies config changes like a reload, writes them back with comments, and a restart keeps them', async () => {
    const refused = run(ffmpegPublish(srv.url('added'), { video: 'h264', seconds: 3 }));
    assert.notEqual((await refused.done).code, 0, 'a path not configured is refused');
    assert.equal((await httpPost(API, '/v1/config/paths/add/added', {})).status, 200);
    run(ffmpegPublish(srv.url('added'), { video: 'h264', seconds: 60 }));
    await waitFor(async () => (await paths()).items.added?.sourceReady === true, { timeoutMs: 15_000, what: 'the added path to be published', detail: () => logTail(srv) });

    const camReader = run(ffmpegCopyRead(srv.url('cam')));
    const liveReader = run(ffmpegCopyRead(srv.rtmpUrl('live')));
    await waitFor(async () => ((await paths()).items.cam?.readers.length ?? 0) > 0 && ((await paths()).items.live?.readers.length ?? 0) > 0, { timeoutMs: 15_000, what: 'readers on cam and live' });
    assert.equal((await httpPost(API, '/v1/config/paths/edit/cam', { runOnReady: 'true' })).status, 200);
    await waitFor(() => !isRunning(camReader), { timeoutMs: 10_000, what: 'the reader of the edited path to be closed' });
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(isRunning(liveReader), `the reader of an untouched path stays: ${describeRunning('live reader', liveReader)}`);

    const file = readFileSync(`${srv.dir}/mediamtx.yml`, 'utf8');
    for (const c of ['# Operated through the API in this test.', '  # the camera, published over RTSP', '  # published over RTMP']) assert.ok(file.includes(c), `comment kept: ${c}`);
    assert.match(file, /^ {2}added:$/m);
    assert.match(file, /^ {2}cam:\n {4}runOnReady: "true"$/m);
    const prefix = listenerConf(srv.ports, { hls: true });
    assert.ok(file.startsWith(prefix), `the listener keys stay first and unchanged:\n${file.slice(0, prefix.length + 200)}`);
    const oldDir = srv.dir;
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await srv.stop();
    // The same file in a new folder: the certificates it names are made again there.
    srv = await startServer((dir) => { makeSelfSignedCert(dir); return file.slice(prefix.length).replaceAll(oldDir, dir); });
    await srv.waitForLog(/\[API\] listener opened/);
    const conf = shaped(await httpGet(API, '/v1/config/get'), ConfSchema, 'config/get after the restart');
    assert.deepEqual(Object.keys(conf.paths), ['added', 'cam', 'live']);
    assert.equal(conf.paths.cam!.runOnReady, 'true', 'the edit of cam survives the restart');
    // Without MTX_WEBRTCDISABLE=no and with hlsDisable: yes, neither server runs now: their endpoints do not exist.
    for (const p of ['/v1/hlsmuxers/list', '/v1/webrtcconns/list', '/v1/webrtcconns/kick/x']) {
      const a = p.includes('kick') ? await httpPost(API, p) : await httpGet(API, p);
      assert.equal(a.status, 404, `${p} of a server that does not run: ${a.status} ${a.text}`);
    }
  });
});
