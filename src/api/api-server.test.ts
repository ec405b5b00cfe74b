import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { z } from 'zod/v3';
import { startApp, type InProcessApp } from '../../test/support/app.ts';
import { waitFor } from '../../test/support/process.ts';
import { httpGet, httpPost, httpRequest, type HttpAnswer } from '../../test/support/http.ts';
import { rawPublish, rawRead, type RawRtspClient } from '../../test/support/rtsp-raw-client.ts';
import { publishRaw } from '../../test/support/rtmp-raw-publisher.ts';
import { x264FixtureFlv } from '../../test/support/h264-fixture.ts';
import {
  ConfSchema, ErrorSchema, PathsListSchema, RtmpConnsListSchema, RtspConnsListSchema, RtspSessionsListSchema,
} from './api-schemas.ts';

/** The answer's JSON, checked against `schema` (the failure names the field that does not fit). */
function shaped<T>(a: HttpAnswer, schema: z.ZodType<T>): T {
  assert.equal(a.status, 200, a.text);
  assert.equal(a.headers.server, 'mediamtx');
  assert.match(String(a.headers['content-type']), /^application\/json/);
  const r = schema.safeParse(a.json);
  assert.ok(r.success, `the answer does not fit the v0.22.2 shape: ${r.success ? '' : JSON.stringify(r.error.issues.slice(0, 3))}\n${a.text.slice(0, 500)}`);
  return r.data;
}

/** The answer is a JSON error with `status` and a reason matching `reason`. */
function refused(a: HttpAnswer, status: number, reason: RegExp): void {
  assert.equal(a.status, status, a.text);
  assert.equal(a.headers.server, 'mediamtx');
  const r = ErrorSchema.safeParse(a.json);
  assert.ok(r.success, `not a JSON error body: ${a.text}`);
  assert.match(r.data.error, reason);
}

const { header, frames } = x264FixtureFlv();
const CONF = `api: yes
paths:
  live/other:
  cam:
  secure:
    source: rtsp://admin:Cam3raPw@127.0.0.1:1/stream
    sourceOnDemand: yes
    readUser: viewer
    readPass: V1ewerPw
  hashed:
    publishUser: sha256:j1tsRqDEw9xvq/D7/9tMx6Jh/jMhk3UfjwIB2f1zgMo=
    publishPass: sha256:BdSWkrdV+ZxFBLUQQY7+7uv9RmiSVA8nrPmjGjJtZQQ=
  live/rtmp:
`;

describe('control API v1 with live RTSP and RTMP clients', () => {
  let srv: InProcessApp;
  let pub: Awaited<ReturnType<typeof rawPublish>>;
  let reader: RawRtspClient;
  let rtmp: ReturnType<typeof publishRaw>;
  let seq = 0;
  let timer: NodeJS.Timeout;

  before(async () => {
    srv = await startApp(CONF);
    pub = await rawPublish(srv.rtspPort, 'cam');
    timer = setInterval(() => pub.send(++seq), 20);
    reader = await rawRead(srv.rtspPort, 'cam');
    rtmp = publishRaw(srv.rtmpPort, 'live', 'rtmp', { metadata: { videocodecid: 7 }, headers: [header], media: frames, loop: true });
    await waitFor(() => srv.app.pathManager!.list().filter((p) => p.sourceReady).length === 2, { timeoutMs: 5000, what: 'both paths ready' });
  });

  after(async () => {
    clearInterval(timer);
    pub.client.close();
    reader.close();
    rtmp.socket.destroy();
    await srv.close();
  });

  it('answers config/get with the v0.22.2 Conf shape, passwords (hashed or not) masked, URL passwords hidden', async () => {
    const conf = shaped(await httpGet(srv.apiPort, '/v1/config/get'), ConfSchema);
    assert.equal(conf.readTimeout, '10s');
    assert.equal(conf.hlsSegmentMaxSize, '50M');
    assert.deepEqual(conf.protocols, ['tcp', 'udp'], 'sorted, as Go wrote it');
    assert.deepEqual(Object.keys(conf.paths), ['cam', 'hashed', 'live/other', 'live/rtmp', 'secure']);
    assert.equal(conf.paths.secure!.readPass, '<redacted>');
    assert.equal(conf.paths.secure!.readUser, 'viewer');
    assert.equal(conf.paths.secure!.source, 'rtsp://admin:xxxxx@127.0.0.1:1/stream');
    assert.equal(conf.paths.hashed!.publishPass, '<redacted>', 'hashes are masked too, as upstream masks them');
    const text = (await httpGet(srv.apiPort, '/v1/config/get')).text;
    for (const secret of ['Cam3raPw', 'V1ewerPw']) assert.ok(!text.includes(secret), `${secret} must not be readable`);
  });

  it('lists paths with their source, tracks, bytes and readers', async () => {
    const list = shaped(await httpGet(srv.apiPort, '/v1/paths/list'), PathsListSchema);
    assert.deepEqual(Object.keys(list.items), ['cam', 'hashed', 'live/other', 'live/rtmp', 'secure'], 'literal paths exist from the start, sorted by name');
    // An on-demand static source is the path's source before anyone reads (v0.22.2 lists it the same way).
    assert.ok(list.items.secure!.source === null || list.items.secure!.source.type === 'rtspSource');
    assert.equal(list.items.secure!.sourceReady, false);
    assert.equal(list.items.secure!.conf.readPass, '<redacted>');
    const cam = list.items.cam!;
    const sessions = srv.app.rtsp!.sessionList();
    const publisher = sessions.find((s) => s.state === 'publish')!;
    const player = sessions.find((s) => s.state === 'read')!;
    assert.deepEqual(cam.source, { type: 'rtspSession', id: publisher.id });
    assert.deepEqual(cam.readers, [{ type: 'rtspSession', id: player.id }]);
    assert.equal(cam.confName, 'cam');
    assert.equal(cam.sourceReady, true);
    assert.deepEqual(cam.tracks, ['H264']);
    assert.ok(cam.bytesReceived > 0, 'bytes received move');
    const live = list.items['live/rtmp']!;
    assert.equal(live.source?.type, 'rtmpConn');
    assert.deepEqual(live.tracks, ['H264']);
  });

  it('lists RTSP connections and sessions, and RTMP connections, with their state', async () => {
    const conns = shaped(await httpGet(srv.apiPort, '/v1/rtspconns/list'), RtspConnsListSchema);
    assert.equal(Object.keys(conns.items).length, 2);
    for (const c of Object.values(conns.items)) assert.match(c.remoteAddr, /^127\.0\.0\.1:\d+$/);
    const sessions = shaped(await httpGet(srv.apiPort, '/v1/rtspsessions/list'), RtspSessionsListSchema);
    assert.deepEqual(Object.values(sessions.items).map((s) => s.state).sort(), ['publish', 'read']);
    const rtmpConns = shaped(await httpGet(srv.apiPort, '/v1/rtmpconns/list'), RtmpConnsListSchema);
    assert.deepEqual(Object.values(rtmpConns.items).map((c) => c.state), ['publish']);
    assert.ok(Object.values(rtmpConns.items)[0]!.bytesReceived > 0);
  });

  it('has no endpoints for servers that do not run (RTSPS, RTMPS, HLS, WebRTC here)', async () => {
    for (const path of ['/v1/rtspsconns/list', '/v1/rtspssessions/list', '/v1/rtmpsconns/list', '/v1/hlsmuxers/list', '/v1/webrtcconns/list']) {
      refused(await httpGet(srv.apiPort, path), 404, /not found/);
    }
    refused(await httpPost(srv.apiPort, '/v1/rtmpsconns/kick/x'), 404, /not found/);
  });

  it('routes: unknown paths are 404, a wrong method is 405, both with JSON bodies', async () => {
    refused(await httpGet(srv.apiPort, '/v2/paths/list'), 404, /not found/);
    refused(await httpGet(srv.apiPort, '/v1/paths/list/extra'), 404, /not found/);
    refused(await httpPost(srv.apiPort, '/v1/paths/list', {}), 405, /allowed: GET/);
    refused(await httpGet(srv.apiPort, '/v1/config/set'), 405, /allowed: POST/);
    refused(await httpGet(srv.apiPort, '/v1/config/paths/add/%E0%A4%A'), 400, /encoding/);
  });

  it('refuses bad bodies with 400 and the reason, and changes nothing', async () => {
    const before = srv.app.currentConf;
    const cases: [string, string | Buffer | undefined, RegExp][] = [
      ['/v1/config/set', '{"readTimeout": ', /invalid JSON/],
      ['/v1/config/set', '', /empty/],
      ['/v1/config/set', '[1]', /expected a JSON object/],
      ['/v1/config/set', '{"readTimout": "5s"}', /unknown field 'readTimout'/],
      ['/v1/config/set', '{"readBufferCount": "512"}', /'readBufferCount'/],
      ['/v1/config/set', '{"readBufferCount": 500}', /'readBufferCount'.*power of two/],
      ['/v1/config/set', '{"rtspAddress": "8554"}', /'rtspAddress'/],
      ['/v1/config/set', '{"logLevel": "loud"}', /'logLevel'/],
      ['/v1/config/paths/add/cam', '{}', /already exists/],
      ['/v1/config/paths/edit/nope', '{}', /does not exist/],
      ['/v1/config/paths/remove/nope', undefined, /does not exist/],
      ['/v1/config/paths/add/', '{}', /name is missing/],
      ['/v1/config/paths/add/x%2F', '{}', /invalid path name 'x\/'/],
      ['/v1/config/paths/add/x', '{"readUser": "u"}', /'paths\.x\.readUser'.*readPass/],
      ['/v1/config/paths/add/x', '{"nope": 1}', /unknown field 'nope'/],
      ['/v1/config/paths/add/x', '{"__proto__": {"source": "x"}}', /unknown field '__proto__'/],
      ['/v1/config/paths/add/x', `{"source": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`, /nested deeper/],
      ['/v1/config/paths/add/x', `{"runOnInit": "${'a'.repeat(10 * 1024 * 1024)}"}`, /larger than/],
    ];
    for (const [path, body, reason] of cases) refused(await httpPost(srv.apiPort, path, body), 400, reason);
    assert.equal(srv.app.currentConf, before, 'no refused change was applied');
  });

  it('kicks RTSP sessions and RTMP connections; an unknown id is 404', async () => {
    const idsBefore = new Set(srv.app.rtsp!.sessionList().map((s) => s.id));
    const other = await rawRead(srv.rtspPort, 'cam');
    const id = srv.app.rtsp!.sessionList().find((s) => !idsBefore.has(s.id))!.id;
    const kick = await httpPost(srv.apiPort, `/v1/rtspsessions/kick/${id}`);
    assert.equal(kick.status, 200);
    assert.equal(kick.headers.server, 'mediamtx');
    await waitFor(() => other.closed && !srv.app.rtsp!.sessionList().some((s) => s.id === id), { timeoutMs: 3000, what: 'the kicked session and its connection to go' });
    assert.equal(srv.app.pathManager!.list().find((p) => p.name === 'cam')!.readers.length, 1, 'the other reader stays');
    refused(await httpPost(srv.apiPort, '/v1/rtspsessions/kick/00000000-0000-0000-0000-000000000000'), 404, /session not found/);
    const extra = publishRaw(srv.rtmpPort, 'live', 'other', { metadata: { videocodecid: 7 }, headers: [header], media: frames, loop: true });
    // The connection is listed from its accept on; its path only once its publish command arrived.
    await waitFor(() => srv.app.rtmp!.connections().some((c) => c.path === 'live/other'), { timeoutMs: 3000, what: 'a second RTMP connection publishing live/other' });
    const rtmpId = srv.app.rtmp!.connections().find((c) => c.path === 'live/other')!.id;
    assert.equal((await httpPost(srv.apiPort, `/v1/rtmpconns/kick/${rtmpId}`)).status, 200);
    await extra.done;
    refused(await httpPost(srv.apiPort, `/v1/rtmpconns/kick/${rtmpId}`), 404, /connection not found/);
  });

  it('cuts a client that sends half a request after readTimeout', async () => {
    const srv2 = await startApp('api: yes\nreadTimeout: 1s\n');
    try {
      const t0 = Date.now();
      const closedAfter = await new Promise<number>((resolve) => {
        const s = connect(srv2.apiPort, '127.0.0.1', () => s.write('GET /v1/paths/list HTTP/1.1\r\nHost: x\r\n'));
        s.on('data', () => undefined);
        s.on('close', () => resolve(Date.now() - t0));
        s.on('error', () => undefined);
      });
      assert.ok(closedAfter >= 900 && closedAfter < 2500, `closed after ${closedAfter} ms`);
    } finally {
      await srv2.close();
    }
  });

  it('answers requests whose target is not a path with 400', async () => {
    const a = await new Promise<string>((resolve) => {
      const s = connect(srv.apiPort, '127.0.0.1', () => s.write('GET http://other/v1/paths/list HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let got = '';
      s.on('data', (d: Buffer) => { got += d.toString(); });
      s.on('close', () => resolve(got));
    });
    assert.match(a, /^HTTP\/1\.1 400/);
    assert.equal((await httpRequest(srv.apiPort, 'GET', '/v1/paths/list')).status, 200);
  });
});
