import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { z } from 'zod';
import { Profile } from 'pprof-format';
import {
  ConfSchema, PathsListSchema, RtmpConnsListSchema, RtspConnsListSchema, RtspSessionsListSchema,
} from '../../src/api/index.ts';
import { allocatePorts, listenerConf, logTail, startServer, type TestServer } from '../support/server.ts';
import { httpGet, httpPost, type HttpAnswer } from '../support/http.ts';
import { parsePromPage, pointValue } from '../support/prometheus.ts';
import { ffmpegPublish } from '../support/media.ts';
import { ffmpegPublishRtmp } from '../support/rtmp-media.ts';
import { describeRunning, start, waitFor, type Running } from '../support/process.ts';
import { makeSelfSignedCert } from '../support/tls.ts';

// The API, metrics and pprof listeners get ports from a block of their own.
const extra = allocatePorts();
const API = extra.rtsp;
const METRICS = extra.rtsps;
const PPROF = extra.rtp;

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

/** FFmpeg reading `url` for up to a minute, decoding nothing (stream copy to null). */
function ffmpegRead(url: string): Running {
  const args = ['-nostdin', '-loglevel', 'warning', ...(url.startsWith('rtsp') ? ['-rtsp_transport', 'tcp'] : []), '-i', url, '-t', '60', '-c', 'copy', '-f', 'null', '-'];
  return start('ffmpeg', args, { timeoutMs: 80_000 });
}

const isRunning = (r: Running): boolean => r.child.exitCode === null && r.child.signalCode === null;

describe('control API, metrics and profiler with FFmpeg over RTSP and RTMP', () => {
  let srv: TestServer;
  const procs: Running[] = [];
  const run = (r: Running): Running => { procs.push(r); return r; };
  const paths = async () => shaped(await httpGet(API, '/v1/paths/list'), PathsListSchema, 'paths/list');

  before(async () => {
    srv = await startServer(CONF);
    await srv.waitForLog(/\[API\] listener opened/);
    await srv.waitForLog(/\[pprof\] listener opened/);
    run(ffmpegPublish(srv.url('cam'), { video: 'h264', seconds: 120 }));
    run(ffmpegPublishRtmp(srv.rtmpUrl('live'), { seconds: 120 }));
    await waitFor(async () => Object.values((await paths()).items).filter((p) => p.sourceReady).length === 2, {
      timeoutMs: 20_000, what: 'cam and live to be ready', detail: () => `${procs.map((p, i) => describeRunning(`publisher ${i}`, p)).join('\n')}\n${logTail(srv)}`,
    });
  });

  after(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await srv?.stop();
  });

  it('answers every list endpoint with the v0.22.2 shapes, field by field', async () => {
    const rtspReader = run(ffmpegRead(srv.url('cam')));
    const rtmpReader = run(ffmpegRead(srv.rtmpUrl('live')));
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
      assert.ok(Date.now() - Date.parse(c.created) < 120_000);
      assert.ok(c.bytesReceived > 0 && c.bytesSent > 0);
    }
    // RTSPS and RTMPS run (encryption: optional) with nobody on them; HLS and WebRTC are off.
    assert.deepEqual(shaped(await httpGet(API, '/v1/rtspsconns/list'), RtspConnsListSchema, 'rtspsconns/list').items, {});
    assert.deepEqual(shaped(await httpGet(API, '/v1/rtspssessions/list'), RtspSessionsListSchema, 'rtspssessions/list').items, {});
    assert.deepEqual(shaped(await httpGet(API, '/v1/rtmpsconns/list'), RtmpConnsListSchema, 'rtmpsconns/list').items, {});
    for (const p of ['/v1/hlsmuxers/list', '/v1/webrtcconns/list']) assert.equal((await httpGet(API, p)).status, 404, p);

    // Kick the readers: their FFmpeg ends, the publishers go on.
    assert.equal((await httpPost(API, `/v1/rtspsessions/kick/${byState('read')[0]}`)).status, 200);
    assert.equal((await httpPost(API, `/v1/rtmpconns/kick/${rtmpIds('read')[0]}`)).status, 200);
    await waitFor(() => !isRunning(rtspReader) && !isRunning(rtmpReader), { timeoutMs: 10_000, what: 'both kicked readers to exit' });
    assert.ok(Object.values((await paths()).items).every((p) => p.sourceReady && p.readers.length === 0), 'publishers stay');
  });

  it('serves metrics whose values move while the streams flow', async () => {
    const scrape = async () => parsePromPage((await httpGet(METRICS, '/metrics')).text).points;
    const a = await scrape();
    assert.equal(pointValue(a, 'paths', { name: 'cam', state: 'ready' }), 1);
    assert.equal(pointValue(a, 'rtsps_conns'), 0);
    assert.equal(pointValue(a, 'rtmp_conns', { state: 'publish' }), 1);
    await waitFor(async () => {
      const b = await scrape();
      return ['cam', 'live'].every((n) => pointValue(b, 'paths_bytes_received', { name: n })! > pointValue(a, 'paths_bytes_received', { name: n })!)
        && pointValue(b, 'process_cpu_seconds_total')! > pointValue(a, 'process_cpu_seconds_total')!;
    }, { timeoutMs: 5000, what: 'bytes received and CPU seconds to grow' });
    // MediaMTX v1.x's names beside v0.22.2's, and its filters.
    assert.ok(pointValue(a, 'paths_inbound_bytes', { name: 'cam', state: 'ready' })! > 0);
    assert.equal(pointValue(a, 'rtmp_conns_inbound_bytes', { path: 'live', state: 'publish' })! > 0, true);
    const cam = parsePromPage((await httpGet(METRICS, '/metrics?path=cam')).text).points;
    assert.ok(cam.length > 0 && cam.every((p) => p.labels.name === 'cam'), 'only cam with ?path=cam');
    const rtmpOnly = parsePromPage((await httpGet(METRICS, '/metrics?type=rtmp_conns')).text).points;
    assert.ok(rtmpOnly.length > 0 && rtmpOnly.every((p) => p.name.startsWith('rtmp_conns')), 'only rtmp_conns with ?type=rtmp_conns');
  });

  it('takes a CPU profile during the streams that an independent pprof decoder reads and that names our functions', async () => {
    const a = await httpGet(PPROF, '/debug/pprof/profile?seconds=2');
    assert.equal(a.status, 200, a.text);
    const d = Profile.decode(gunzipSync(a.body));
    const str = (i: number | bigint): string => d.stringTable.strings[Number(i)]!;
    const ours = d.function.filter((f) => str(f.filename).includes('/src/') && !str(f.filename).includes('node_modules'));
    assert.ok(ours.length > 5, `functions of the server in the profile: ${ours.map((f) => str(f.name)).join(', ')}`);
    assert.ok(d.sample.length > 0);
    const names = new Set(ours.map((f) => str(f.name)));
    // The stream's fan-out and the publishers' receive paths (RTSP interleaved RTP, RTMP chunks) ran during it: 1 ms
    // sampling catches some of them, which ones depends on the machine's load (one is enough to name the data path).
    const hot = ['writeRtpPacket', 'deliver', 'onInterleaved', 'readChunk', 'onRtp', 'parseRtpPacket', 'onFrame'].filter((n) => names.has(n));
    assert.ok(hot.length >= 1, `our hot functions in the profile: ${[...names].join(', ')}`);
  });

  it('applies config changes like a reload, writes them back with comments, and a restart keeps them', async () => {
    const refused = run(ffmpegPublish(srv.url('added'), { video: 'h264', seconds: 3 }));
    assert.notEqual((await refused.done).code, 0, 'a path not configured is refused');
    assert.equal((await httpPost(API, '/v1/config/paths/add/added', {})).status, 200);
    run(ffmpegPublish(srv.url('added'), { video: 'h264', seconds: 60 }));
    await waitFor(async () => (await paths()).items.added?.sourceReady === true, { timeoutMs: 15_000, what: 'the added path to be published', detail: () => logTail(srv) });

    const camReader = run(ffmpegRead(srv.url('cam')));
    const liveReader = run(ffmpegRead(srv.rtmpUrl('live')));
    await waitFor(async () => ((await paths()).items.cam?.readers.length ?? 0) > 0 && ((await paths()).items.live?.readers.length ?? 0) > 0, { timeoutMs: 15_000, what: 'readers on cam and live' });
    assert.equal((await httpPost(API, '/v1/config/paths/edit/cam', { runOnReady: 'true' })).status, 200);
    await waitFor(() => !isRunning(camReader), { timeoutMs: 10_000, what: 'the reader of the edited path to be closed' });
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(isRunning(liveReader), `the reader of an untouched path stays: ${describeRunning('live reader', liveReader)}`);

    const file = readFileSync(`${srv.dir}/mediamtx.yml`, 'utf8');
    for (const c of ['# Operated through the API in this test.', '  # the camera, published over RTSP', '  # published over RTMP']) assert.ok(file.includes(c), `comment kept: ${c}`);
    assert.match(file, /^ {2}added:$/m);
    assert.match(file, /^ {2}cam:\n {4}runOnReady: "true"$/m);
    const prefix = listenerConf(srv.ports);
    assert.ok(file.startsWith(prefix));
    const oldDir = srv.dir;
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await srv.stop();
    // The same file in a new folder: the certificates it names are made again there.
    srv = await startServer((dir) => { makeSelfSignedCert(dir); return file.slice(prefix.length).replaceAll(oldDir, dir); });
    await srv.waitForLog(/\[API\] listener opened/);
    const conf = shaped(await httpGet(API, '/v1/config/get'), ConfSchema, 'config/get after the restart');
    assert.deepEqual(Object.keys(conf.paths), ['added', 'cam', 'live']);
    assert.equal(conf.paths.cam!.runOnReady, 'true');
  });
});
