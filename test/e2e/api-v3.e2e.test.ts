import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { z } from 'zod/v3';
import {
  V3ErrorSchema, V3GlobalConfSchema, V3HlsMuxerListSchema, V3HlsMuxerSchema, V3InfoSchema, V3OkSchema, V3PathConfListSchema,
  V3PathConfSchema, V3PathListSchema, V3PathSchema, V3RtmpConnListSchema, V3RtmpConnSchema, V3RtspConnListSchema, V3RtspConnSchema,
  V3RtspSessionListSchema, V3RtspSessionSchema,
} from '../../src/api/index.ts';
import { allocatePorts, logTail, startServer, type TestServer } from '../support/server.ts';
import { httpRequest, type HttpAnswer } from '../support/http.ts';
import { ffmpegCopyRead, ffmpegPublish } from '../support/media.ts';
import { ffmpegPublishRtmp } from '../support/rtmp-media.ts';
import { describeRunning, isRunning, waitFor, type Running } from '../support/process.ts';
import { makeSelfSignedCert } from '../support/tls.ts';

const API = allocatePorts().rtsp;

const CONF = (dir: string): string => {
  const { key, cert } = makeSelfSignedCert(dir);
  return `
api: yes
apiAddress: 127.0.0.1:${API}
apiPersist: yes
encryption: optional
serverKey: ${key}
serverCert: ${cert}
rtmpEncryption: optional
rtmpServerKey: ${key}
rtmpServerCert: ${cert}
hlsAlwaysRemux: yes
paths:
  cam:
    readUser: viewer
    readPass: V1ewerPw
  live:
`;
};

function call(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return httpRequest(API, method, path, data, data === undefined ? {} : { 'Content-Type': 'application/json' });
}

/** A 200 whose JSON fits upstream's HEAD shape `schema`, field by field (strict objects). */
async function shaped<T>(schema: z.ZodType<T>, method: string, path: string, body?: unknown): Promise<T> {
  const a = await call(method, path, body);
  assert.equal(a.status, 200, `${method} ${path}: ${a.text}`);
  assert.equal(a.headers.server, 'mediamtx');
  const r = schema.safeParse(a.json);
  assert.ok(r.success, `${path} does not fit upstream's v3 shape: ${r.success ? '' : JSON.stringify(r.error.issues.slice(0, 3))}\n${a.text.slice(0, 600)}`);
  return r.data;
}
const get = <T>(schema: z.ZodType<T>, path: string): Promise<T> => shaped(schema, 'GET', path);

/** An error `status` with the `{"status":"error","error":…}` body. */
async function refused(method: string, path: string, status: number, reason: RegExp, body?: unknown): Promise<void> {
  const a = await call(method, path, body);
  assert.equal(a.status, status, `${method} ${path}: ${a.text}`);
  const r = V3ErrorSchema.safeParse(a.json);
  assert.ok(r.success, `not an error body: ${a.text}`);
  assert.match(r.data.error, reason);
}

describe('control API v3 with FFmpeg over RTSP and RTMP', () => {
  let srv: TestServer;
  const procs: Running[] = [];
  const run = (r: Running): Running => { procs.push(r); return r; };
  const paths = () => get(V3PathListSchema, '/v3/paths/list');

  let publishedAt = 0;

  before(async () => {
    srv = await startServer(CONF, {}, { hls: true });
    publishedAt = Date.now();
    await srv.waitForLog(/\[API\] listener opened/);
    run(ffmpegPublish(srv.url('cam'), { video: 'h264', seconds: 120 }));
    run(ffmpegPublishRtmp(srv.rtmpUrl('live'), { seconds: 120 }));
    await waitFor(async () => (await paths()).items.filter((p) => p.ready).length === 2, {
      timeoutMs: 20_000, what: 'cam and live to be ready', detail: () => `${procs.map((p, i) => describeRunning(`publisher ${i}`, p)).join('\n')}\n${logTail(srv)}`,
    });
  });

  after(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await srv?.stop();
  });

  it('answers every list and get endpoint with upstream\'s v3 shapes, and kicks readers', async () => {
    const info = await get(V3InfoSchema, '/v3/info');
    assert.match(info.version, /\S/);
    const rtspReader = run(ffmpegCopyRead(srv.url('cam', { user: 'viewer', pass: 'V1ewerPw' })));
    const rtmpReader = run(ffmpegCopyRead(srv.rtmpUrl('live')));
    await waitFor(async () => (await paths()).items.every((p) => p.readers.filter((r) => r.type !== 'hidden').length === 1), {
      timeoutMs: 15_000, what: 'one reader on each path', detail: () => logTail(srv),
    });
    const list = await paths();
    assert.deepEqual([list.itemCount, list.pageCount, list.items.map((p) => p.name)], [2, 1, ['cam', 'live']]);
    const cam = await get(V3PathSchema, '/v3/paths/get/cam');
    const live = await get(V3PathSchema, '/v3/paths/get/live');
    for (const p of [cam, live]) {
      assert.ok(p.available && p.online && p.ready && p.inboundBytes > 0, p.name);
      assert.deepEqual(p.tracks2.map((t) => t.codec), p.tracks, p.name);
    }
    assert.deepEqual(live.tracks, ['H264', 'MPEG-4 Audio']);
    await refused('GET', '/v3/paths/get/nothing', 404, /path not found/);

    const sessions = await get(V3RtspSessionListSchema, '/v3/rtspsessions/list');
    const byState = (s: string) => sessions.items.filter((x) => x.state === s).map((x) => x.id);
    assert.deepEqual(cam.source, { type: 'rtspSession', id: byState('publish')[0] });
    assert.ok(cam.readers.some((r) => r.type === 'rtspSession' && r.id === byState('read')[0]),
      `cam's readers ${JSON.stringify(cam.readers)} include the reading session ${byState('read')[0]}`);
    const reader = await get(V3RtspSessionSchema, `/v3/rtspsessions/get/${byState('read')[0]}`);
    assert.deepEqual([reader.path, reader.state], ['cam', 'read']);
    assert.ok(reader.outboundBytes > 0, `the reader's outboundBytes: ${reader.outboundBytes}`);
    const conns = await get(V3RtspConnListSchema, '/v3/rtspconns/list');
    assert.equal(conns.itemCount, 2);
    await get(V3RtspConnSchema, `/v3/rtspconns/get/${conns.items[0]!.id}`);
    await refused('GET', '/v3/rtspconns/get/0000', 404, /connection not found/);

    const rtmp = await get(V3RtmpConnListSchema, '/v3/rtmpconns/list');
    const rtmpIds = (s: string) => rtmp.items.filter((x) => x.state === s).map((x) => x.id);
    assert.deepEqual(live.source, { type: 'rtmpConn', id: rtmpIds('publish')[0] });
    const rtmpReaderItem = await get(V3RtmpConnSchema, `/v3/rtmpconns/get/${rtmpIds('read')[0]}`);
    assert.equal(rtmpReaderItem.path, 'live');

    // RTSPS and RTMPS run (encryption: optional) with nobody on them; HLS remuxes both paths; WebRTC is off.
    assert.equal((await get(V3RtspConnListSchema, '/v3/rtspsconns/list')).itemCount, 0);
    assert.equal((await get(V3RtspSessionListSchema, '/v3/rtspssessions/list')).itemCount, 0);
    assert.equal((await get(V3RtmpConnListSchema, '/v3/rtmpsconns/list')).itemCount, 0);
    await waitFor(async () => (await get(V3HlsMuxerListSchema, '/v3/hlsmuxers/list')).itemCount === 2, { timeoutMs: 10_000, what: 'two HLS muxers' });
    assert.equal((await get(V3HlsMuxerSchema, '/v3/hlsmuxers/get/cam')).path, 'cam');
    await refused('GET', '/v3/webrtcsessions/list', 404, /not found/);

    await shaped(V3OkSchema, 'POST', `/v3/rtspsessions/kick/${byState('read')[0]}`);
    await shaped(V3OkSchema, 'POST', `/v3/rtmpconns/kick/${rtmpIds('read')[0]}`);
    await waitFor(() => !isRunning(rtspReader) && !isRunning(rtmpReader), { timeoutMs: 10_000, what: 'both kicked readers to exit' });
    await refused('POST', `/v3/rtspsessions/kick/${byState('read')[0]}`, 404, /session not found/);
    assert.ok((await paths()).items.every((p) => p.ready), 'the publishers stay');
  });

  it('shows a path\'s ready time, growing byte counters and the codec properties of what FFmpeg publishes', async () => {
    const reader = run(ffmpegCopyRead(srv.url('cam', { user: 'viewer', pass: 'V1ewerPw' })));
    await waitFor(async () => (await get(V3PathSchema, '/v3/paths/get/cam')).readers.some((r) => r.type === 'rtspSession'), {
      timeoutMs: 15_000, what: 'an RTSP reader on cam', detail: () => `${describeRunning('reader', reader)}\n${logTail(srv)}`,
    });
    const first = await get(V3PathSchema, '/v3/paths/get/cam');
    const readyAt = Date.parse(first.readyTime ?? '');
    assert.ok(readyAt >= publishedAt - 1000 && readyAt <= Date.now() && Date.now() - readyAt < 60_000, `readyTime ${first.readyTime}`);
    assert.deepEqual([first.ready, first.availableTime, first.onlineTime], [true, first.readyTime, first.readyTime]);
    assert.deepEqual(first.tracks2.map((t) => t.codec), ['H264']);
    const props = first.tracks2[0]!.codecProps as { width: number; height: number; profile: string; level: string };
    // FFmpeg's testsrc2 at 320x240 (test/support/media.ts); x264 picks the profile and level.
    assert.deepEqual([props.width, props.height], [320, 240]);
    assert.match(props.profile, /^(Baseline|Main|High)$/);
    assert.match(props.level, /^\d(\.\d)?$/);
    await waitFor(async () => {
      const now = await get(V3PathSchema, '/v3/paths/get/cam');
      return now.inboundBytes > first.inboundBytes && now.outboundBytes > first.outboundBytes;
    }, { timeoutMs: 10_000, what: 'inbound and outbound bytes to grow', detail: () => JSON.stringify(first) });
    const later = await get(V3PathSchema, '/v3/paths/get/cam');
    assert.ok(later.outboundBytes > 0 && later.bytesSent === later.outboundBytes && later.bytesReceived === later.inboundBytes,
      `outbound/bytesSent, inbound/bytesReceived: ${JSON.stringify([later.outboundBytes, later.bytesSent, later.inboundBytes, later.bytesReceived])}`);
    assert.equal(later.readyTime, first.readyTime, 'the ready time stays while the stream lasts');
    assert.equal(later.inboundFramesInError, 0, 'FFmpeg sends nothing broken');

    const live = await get(V3PathSchema, '/v3/paths/get/live');
    const audio = live.tracks2.find((t) => t.codec === 'MPEG-4 Audio')?.codecProps as { sampleRate: number; channelCount: number } | undefined;
    assert.ok(audio && audio.sampleRate > 0 && audio.channelCount > 0, JSON.stringify(live.tracks2));
    await reader.stop('SIGKILL');
    await waitFor(async () => !(await get(V3PathSchema, '/v3/paths/get/cam')).readers.some((r) => r.type === 'rtspSession'), {
      timeoutMs: 10_000, what: 'the reader to leave cam',
    });
  });

  it('pages lists with itemsPerPage and page', async () => {
    const p0 = await get(V3PathListSchema, '/v3/paths/list?itemsPerPage=1');
    const p1 = await get(V3PathListSchema, '/v3/paths/list?itemsPerPage=1&page=1');
    assert.deepEqual([p0.itemCount, p0.pageCount, p0.items.map((p) => p.name), p1.items.map((p) => p.name)], [2, 2, ['cam'], ['live']]);
    assert.equal((await get(V3RtmpConnListSchema, '/v3/rtmpconns/list?itemsPerPage=5&page=3')).items.length, 0);
    await refused('GET', '/v3/rtspsessions/list?itemsPerPage=0', 400, /items per page/);
  });

  it('shows the configuration under v1.x names, secrets masked, and applies changes like a reload', async () => {
    const g = await get(V3GlobalConfSchema, '/v3/config/global/get');
    assert.deepEqual([g.rtsp, g.rtspEncryption, g.hlsAlwaysRemux], [true, 'optional', true]);
    await get(V3PathConfSchema, '/v3/config/pathdefaults/get');
    const confs = await get(V3PathConfListSchema, '/v3/config/paths/list');
    assert.deepEqual(confs.items.map((p) => p.name), ['cam', 'live']);
    const camConf = await get(V3PathConfSchema, '/v3/config/paths/get/cam');
    assert.deepEqual([camConf.readUser, camConf.readPass], ['viewer', '<redacted>']);
    assert.ok(!JSON.stringify([g, confs]).includes('V1ewerPw'), `the password is not shown: ${JSON.stringify(confs.items.map((p) => [p.name, p.readPass]))}`);

    // A path added through v3 can be published to; deleting it closes its publisher.
    await shaped(V3OkSchema, 'POST', '/v3/config/paths/add/added', { overridePublisher: true });
    const pub = run(ffmpegPublish(srv.url('added'), { video: 'h264', seconds: 60 }));
    await waitFor(async () => (await paths()).items.some((p) => p.name === 'added' && p.ready), { timeoutMs: 15_000, what: 'the added path to be published', detail: () => logTail(srv) });
    await refused('POST', '/v3/config/paths/add/added', 400, /already exists/, {});
    await shaped(V3OkSchema, 'DELETE', '/v3/config/paths/delete/added');
    await waitFor(() => !isRunning(pub), { timeoutMs: 10_000, what: 'the publisher of the deleted path to be closed' });
    await refused('DELETE', '/v3/config/paths/delete/added', 404, /path not found/);

    // Sent back as shown with one change: the stored password stays, so the reader still gets in.
    await shaped(V3OkSchema, 'PATCH', '/v3/config/paths/patch/cam', { ...camConf, runOnRead: '' });
    const again = run(ffmpegCopyRead(srv.url('cam', { user: 'viewer', pass: 'V1ewerPw' })));
    await waitFor(async () => (await get(V3PathSchema, '/v3/paths/get/cam')).readers.some((r) => r.type === 'rtspSession'), { timeoutMs: 15_000, what: 'the reader to get in with the kept password' });
    await again.stop('SIGKILL');
    await shaped(V3OkSchema, 'POST', '/v3/config/paths/replace/live', { rtspTransport: 'tcp' });
    assert.equal((await get(V3PathConfSchema, '/v3/config/paths/get/live')).rtspTransport, 'tcp');
    // A pathDefaults change reaches the paths that did not set the key ('live' was replaced with one key), not those
    // that did: 'cam' was sent back whole above, so it set every key, as upstream's OptionalPath keeps them.
    await shaped(V3OkSchema, 'PATCH', '/v3/config/pathdefaults/patch', { runOnDemandStartTimeout: '7s' });
    assert.equal((await get(V3PathConfSchema, '/v3/config/paths/get/live')).runOnDemandStartTimeout, '7s');
    assert.equal((await get(V3PathConfSchema, '/v3/config/paths/get/cam')).runOnDemandStartTimeout, '10s');
    await refused('PATCH', '/v3/config/global/patch', 400, /unknown field/, { noSuchKey: true });

    // v1.x's `rtmp: false` stops the RTMP listener: its endpoints go; `rtmp: true` brings them back.
    await shaped(V3OkSchema, 'PATCH', '/v3/config/global/patch', { rtmp: false });
    await waitFor(async () => (await call('GET', '/v3/rtmpconns/list')).status === 404, { timeoutMs: 10_000, what: 'the RTMP endpoints to go' });
    assert.equal((await get(V3GlobalConfSchema, '/v3/config/global/get')).rtmp, false);
    await shaped(V3OkSchema, 'PATCH', '/v3/config/global/patch', { rtmp: true });
    await waitFor(async () => (await call('GET', '/v3/rtmpconns/list')).status === 200, { timeoutMs: 10_000, what: 'the RTMP endpoints to come back' });

    // apiPersist: v3 changes are written back under v1.x names.
    const file = readFileSync(`${srv.dir}/mediamtx.yml`, 'utf8');
    assert.match(file, /^rtmp: yes$/m);
    assert.match(file, /^pathDefaults:\n {2}runOnDemandStartTimeout: 7s$/m);
    assert.match(file, /^ {2}live:\n {4}rtspTransport: tcp$/m);
    assert.doesNotMatch(file, /^ {2}added:/m);
  });
});
