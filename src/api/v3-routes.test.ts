import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod/v3';
import { parseConf, type Conf } from '../conf/index.ts';
import type { ConnectionInfo, PathSnapshot } from '../core/index.ts';
import { Logger } from '../lib/index.ts';
import { httpRequest, type HttpAnswer } from '../../test/support/http.ts';
import { ApiServer } from './api-server.ts';
import type { ApiHlsMuxer, ApiHost, ApiServers, ApiWebRtcConn } from './api-host.ts';
import { PASSWORD_MASK } from './api-conf-view.ts';
import {
  V3ErrorSchema, V3GlobalConfSchema, V3HlsMuxerListSchema, V3HlsMuxerSchema, V3InfoSchema, V3OkSchema, V3PathConfListSchema,
  V3PathConfSchema, V3PathListSchema, V3PathSchema, V3RtmpConnListSchema, V3RtmpConnSchema, V3RtspConnListSchema, V3RtspConnSchema,
  V3RtspSessionListSchema, V3RtspSessionSchema, V3WebRtcSessionListSchema, V3WebRtcSessionSchema, V3RecordingListSchema, V3RecordingSchema,
  V3ForwardDestListSchema,
} from './v3-schemas.ts';

/** A connection list a test can kick from. */
class FakeConns {
  constructor(readonly list: ConnectionInfo[]) {}
  connections(): ConnectionInfo[] { return [...this.list]; }
  kick(id: string): boolean {
    const i = this.list.findIndex((c) => c.id === id);
    if (i >= 0) this.list.splice(i, 1);
    return i >= 0;
  }
}

const created = new Date('2026-11-30T10:00:00Z');
const conn = (over: Partial<ConnectionInfo> = {}): ConnectionInfo => ({
  id: randomUUID(), created, remoteAddr: '127.0.0.1:40000', bytesReceived: 10, bytesSent: 20, ...over,
});

const CONF = `
rtspDisable: no
paths:
  cam:
    srtReadPassphrase: V1ewerPassphrase
  live/one:
  secure:
    source: rtsp://admin:Cam3raPw@10.0.0.1/s
    sourceOnDemand: yes
authInternalUsers:
  - user: admin
    pass: Adm1nPw
    permissions: [{action: api}, {action: publish}]
  - user: any
    permissions: [{action: read}]
`;

/** A host whose configuration changes are taken at once, with fake servers. */
function fakeHost(servers: ApiServers, paths: PathSnapshot[]): ApiHost & { current: Conf; jwksRefreshes: number } {
  const host = {
    current: parseConf(CONF, {}).conf,
    conf: () => host.current,
    applyConf: async (next: Conf) => { host.current = next; },
    paths: () => paths,
    servers: () => servers,
    version: 'v0.0.0-test',
    jwksRefreshes: 0,
    refreshJwks: () => { host.jwksRefreshes++; },
  };
  return host;
}

describe('control API v3 against a fake host', () => {
  const rtspSessions = new FakeConns([conn({ state: 'publish', path: 'cam' }), conn({ state: 'read', path: 'cam', outboundDiscarded: 3 })]);
  const rtspConns = [conn({ id: 'a1b2c3d4e5f60718' })];
  const rtmp = new FakeConns([conn({ state: 'publish', path: 'live/one', outboundDiscarded: 1 }), conn({ state: 'idle' })]);
  const muxers: ApiHlsMuxer[] = [{ name: 'cam', created, lastRequest: created, bytesSent: 99 }];
  const webrtc = new FakeConns([conn({ state: 'read', path: 'cam' })]);
  const webrtcConns = (): ApiWebRtcConn[] => webrtc.connections().map((c) => ({ ...c, peerConnectionEstablished: true, localCandidate: 'l', remoteCandidate: 'r' }));
  const readyTime = new Date('2026-11-30T10:00:01Z');
  const h264Props = { width: 320, height: 240, profile: 'Main', level: '3.1' };
  const idle = { sourceReady: false, tracks: [], trackDetails: [], bytesReceived: 0, bytesSent: 0, framesInError: 0, readers: [] } as const;
  const paths: PathSnapshot[] = [
    {
      name: 'cam', confName: 'cam', source: { type: 'rtspSession', id: rtspSessions.list[0]!.id }, sourceReady: true, readyTime,
      tracks: ['H264', 'MPEG-4 Audio', 'AC-3'],
      trackDetails: [
        { codec: 'H264', codecProps: h264Props }, { codec: 'MPEG-4 Audio', codecProps: { sampleRate: 48000, channelCount: 2 } },
        { codec: 'AC-3', codecProps: { sampleRate: 48000, channelCount: 6 } },
      ],
      bytesReceived: 1234, bytesSent: 5678, framesInError: 3,
      readers: [
        { type: 'webRTCConn', id: webrtc.list[0]!.id }, { type: 'rtspSession', id: rtspSessions.list[1]!.id }, { type: 'hlsMuxer', id: 'm' },
        { type: 'rtmpConn', id: 'b' }, { type: 'rtmpConn', id: 'a' },
      ],
    },
    { name: 'live/one', confName: 'live/one', source: { type: 'rtmpConn', id: rtmp.list[0]!.id }, ...idle },
    { name: 'gone', confName: 'removed-entry', source: undefined, ...idle },
  ];
  const servers: ApiServers = {
    rtsp: { connections: () => rtspConns, sessionList: () => rtspSessions.connections(), kick: (id) => rtspSessions.kick(id) },
    rtmp,
    hls: { muxerList: () => muxers },
    webrtc: { connections: webrtcConns, kick: (id) => webrtc.kick(id) },
  };
  const host = fakeHost(servers, paths);
  let api: ApiServer;
  const call = (method: string, path: string, body?: unknown): Promise<HttpAnswer> =>
    httpRequest(api.port, method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? {} : { 'Content-Type': 'application/json' });

  /** A 200 whose JSON fits `schema`. */
  async function shaped<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    const a = await call(method, path, body);
    assert.equal(a.status, 200, `${path}: ${a.text}`);
    assert.equal(a.headers.server, 'mediamtx');
    const r = schema.safeParse(a.json);
    assert.ok(r.success, `${path} does not fit upstream's shape: ${r.success ? '' : JSON.stringify(r.error.issues.slice(0, 3))}\n${a.text.slice(0, 400)}`);
    return r.data;
  }
  /** An error status with upstream's JSON error body. */
  async function refused(method: string, path: string, status: number, reason: RegExp, body?: unknown): Promise<void> {
    const a = await call(method, path, body);
    assert.equal(a.status, status, `${method} ${path}: ${a.text}`);
    const r = V3ErrorSchema.safeParse(a.json);
    assert.ok(r.success, `not a v3 error body: ${a.text}`);
    assert.match(r.data.error, reason);
  }

  before(async () => { api = await ApiServer.listen({ address: '127.0.0.1:0', readTimeoutMs: 5000, host, log: Logger.silent() }); });
  after(async () => { await api.close(); });

  it('answers /v3/info with the version and the start time', async () => {
    const info = await shaped('GET', '/v3/info', V3InfoSchema);
    assert.equal(info.version, 'v0.0.0-test');
    assert.ok(Date.parse(info.started) <= Date.now());
  });

  it('passes /v3/auth/jwks/refresh to the host', async () => {
    await shaped('POST', '/v3/auth/jwks/refresh', V3OkSchema);
    assert.equal(host.jwksRefreshes, 1);
  });

  it('lists paths with v3 fields, hiding a path whose entry is gone, and gets one by name', async () => {
    const list = await shaped('GET', '/v3/paths/list', V3PathListSchema);
    assert.deepEqual([list.itemCount, list.pageCount, list.items.map((p) => p.name)], [2, 1, ['cam', 'live/one']]);
    const cam = await shaped('GET', '/v3/paths/get/cam', V3PathSchema);
    const time = readyTime.toISOString();
    assert.deepEqual([cam.ready, cam.available, cam.online, cam.readyTime, cam.availableTime, cam.onlineTime], [true, true, true, time, time, time]);
    assert.deepEqual([cam.inboundBytes, cam.bytesReceived, cam.outboundBytes, cam.bytesSent, cam.inboundFramesInError], [1234, 1234, 5678, 5678, 3]);
    assert.deepEqual(cam.tracks, ['H264', 'MPEG-4 Audio', 'AC3'], 'upstream spells AC-3 AC3');
    assert.deepEqual(cam.tracks2, [
      { codec: 'H264', codecProps: h264Props }, { codec: 'MPEG-4 Audio', codecProps: { sampleRate: 48000, channelCount: 2 } },
      { codec: 'AC3', codecProps: { sampleRate: 48000, channelCount: 6 } },
    ]);
    // Upstream leaves out the readers it hides (HLS muxers) and sorts the others by type, then id.
    assert.deepEqual(cam.readers, [
      { type: 'rtmpConn', id: 'a' }, { type: 'rtmpConn', id: 'b' }, { type: 'rtspSession', id: rtspSessions.list[1]!.id },
      { type: 'webRTCSession', id: webrtc.list[0]!.id },
    ]);
    const one = await shaped('GET', '/v3/paths/get/live/one', V3PathSchema);
    assert.deepEqual([one.ready, one.readyTime, one.availableTime, one.onlineTime, one.source?.type], [false, null, null, null, 'rtmpConn']);
    assert.deepEqual([one.tracks, one.tracks2, one.inboundBytes, one.outboundBytes, one.inboundFramesInError], [[], [], 0, 0, 0]);
    await refused('GET', '/v3/paths/get/nope', 404, /path not found/);
  });

  it('paginates every list with itemsPerPage and page, refusing bad values', async () => {
    const p0 = await shaped('GET', '/v3/rtspsessions/list?itemsPerPage=1', V3RtspSessionListSchema);
    const p1 = await shaped('GET', '/v3/rtspsessions/list?itemsPerPage=1&page=1', V3RtspSessionListSchema);
    assert.deepEqual([p0.itemCount, p0.pageCount, p0.items.length, p1.items.length], [2, 2, 1, 1]);
    assert.notEqual(p0.items[0]!.id, p1.items[0]!.id);
    assert.equal((await shaped('GET', '/v3/paths/list?itemsPerPage=1&page=5', V3PathListSchema)).items.length, 0);
    await refused('GET', '/v3/paths/list?itemsPerPage=0', 400, /items per page/);
    await refused('GET', '/v3/rtmpconns/list?page=-1', 400, /page/);
  });

  it('lists, gets and kicks RTSP sessions; lists and gets RTSP connections', async () => {
    const conns = await shaped('GET', '/v3/rtspconns/list', V3RtspConnListSchema);
    assert.equal(conns.items[0]!.id, 'a1b2c3d4e5f60718');
    await shaped('GET', '/v3/rtspconns/get/a1b2c3d4e5f60718', V3RtspConnSchema);
    await refused('GET', `/v3/rtspconns/get/${randomUUID()}`, 404, /connection not found/);
    const [publisher, reader] = rtspSessions.list;
    const got = await shaped('GET', `/v3/rtspsessions/get/${reader!.id}`, V3RtspSessionSchema);
    assert.deepEqual([got.state, got.path, got.outboundRTPPacketsDiscarded, got.inboundBytes, got.outboundBytes], ['read', 'cam', 3, 10, 20]);
    assert.equal((await shaped('POST', `/v3/rtspsessions/kick/${reader!.id}`, V3OkSchema)).status, 'ok');
    assert.deepEqual(rtspSessions.list, [publisher]);
    await refused('POST', `/v3/rtspsessions/kick/${reader!.id}`, 404, /session not found/);
    await refused('GET', '/v3/rtspsessions/kick/x', 405, /method not allowed/);
  });

  it('lists, gets and kicks RTMP connections', async () => {
    const list = await shaped('GET', '/v3/rtmpconns/list', V3RtmpConnListSchema);
    assert.equal(list.itemCount, 2);
    const idle = rtmp.list.find((c) => c.state === 'idle')!;
    const one = await shaped('GET', `/v3/rtmpconns/get/${rtmp.list[0]!.id}`, V3RtmpConnSchema);
    assert.deepEqual([one.state, one.path, one.outboundFramesDiscarded], ['publish', 'live/one', 1]);
    await shaped('POST', `/v3/rtmpconns/kick/${idle.id}`, V3OkSchema);
    assert.equal(rtmp.list.length, 1);
    await refused('POST', `/v3/rtmpconns/kick/${idle.id}`, 404, /connection not found/);
  });

  it('lists and gets HLS muxers by path name, and WebRTC sessions with kick', async () => {
    assert.equal((await shaped('GET', '/v3/hlsmuxers/list', V3HlsMuxerListSchema)).items[0]!.path, 'cam');
    assert.equal((await shaped('GET', '/v3/hlsmuxers/get/cam', V3HlsMuxerSchema)).outboundBytes, 99);
    await refused('GET', '/v3/hlsmuxers/get/other', 404, /muxer not found/);
    const s = (await shaped('GET', '/v3/webrtcsessions/list', V3WebRtcSessionListSchema)).items[0]!;
    assert.deepEqual([s.state, s.peerConnectionEstablished], ['read', true]);
    await shaped('GET', `/v3/webrtcsessions/get/${s.id}`, V3WebRtcSessionSchema);
    await shaped('POST', `/v3/webrtcsessions/kick/${s.id}`, V3OkSchema);
    await refused('GET', `/v3/webrtcsessions/get/${s.id}`, 404, /session not found/);
  });

  it('has no endpoints for a server that is not running', async () => {
    await refused('GET', '/v3/rtspsconns/list', 404, /not found/);
    await refused('GET', '/v3/rtmpsconns/list', 404, /not found/);
    await refused('POST', `/v3/rtspssessions/kick/${randomUUID()}`, 404, /not found/);
  });

  it('answers for servers we do not have as upstream does with them off: no endpoints', async () => {
    await refused('GET', '/v3/srtconns/list', 404, /not found/);
    await refused('POST', `/v3/srtconns/kick/${randomUUID()}`, 404, /not found/);
    await refused('GET', '/v3/moqsessions/list', 404, /not found/);
    // We track HLS muxers, not HLS sessions.
    await refused('GET', '/v3/hlssessions/list', 404, /not found/);
  });

  it('answers recordings and forwarding as upstream does with nothing recorded or forwarded', async () => {
    assert.deepEqual(await shaped('GET', '/v3/recordings/list', V3RecordingListSchema), { itemCount: 0, pageCount: 0, items: [] });
    assert.deepEqual(await shaped('GET', '/v3/recordings/get/live/one', V3RecordingSchema), { name: 'live/one', segments: [] });
    await refused('GET', '/v3/recordings/get/unconfigured', 400, /path not found/);
    await refused('DELETE', '/v3/recordings/deletesegment?path=cam&start=yesterday', 400, /invalid 'start' parameter/);
    await refused('DELETE', '/v3/recordings/deletesegment?path=unconfigured&start=2026-11-30T10:00:00Z', 400, /path not found/);
    await refused('DELETE', '/v3/recordings/deletesegment?path=cam&start=2026-11-30T10:00:00Z', 400, /segment/);
    assert.deepEqual(await shaped('GET', '/v3/paths/forward/list?path=cam', V3ForwardDestListSchema), { itemCount: 0, pageCount: 0, items: [] });
    await refused('GET', '/v3/paths/forward/list', 400, /invalid path/);
    await refused('GET', '/v3/paths/forward/list?path=nope', 404, /path not found/);
    await refused('GET', `/v3/paths/forward/get?path=cam&id=${randomUUID()}`, 404, /forward destination not found/);
    await refused('GET', '/v3/paths/forward/get?path=cam&id=12', 400, /UUID/);
  });

  it('shows the configuration under v1.x names with every secret masked', async () => {
    const g = await shaped('GET', '/v3/config/global/get', V3GlobalConfSchema);
    assert.equal(g.rtsp, true);
    assert.deepEqual(g.authInternalUsers.map((u) => u.pass), [PASSWORD_MASK, '']);
    const list = await shaped('GET', '/v3/config/paths/list', V3PathConfListSchema);
    assert.deepEqual(list.items.map((p) => p.name), ['cam', 'live/one', 'secure']);
    const cam = await shaped('GET', '/v3/config/paths/get/cam', V3PathConfSchema);
    assert.equal(cam.srtReadPassphrase, PASSWORD_MASK);
    const secure = await shaped('GET', '/v3/config/paths/get/secure', V3PathConfSchema);
    assert.ok(!secure.source.includes('Cam3raPw'));
    await shaped('GET', '/v3/config/pathdefaults/get', V3PathConfSchema);
    await refused('GET', '/v3/config/paths/get/nope', 404, /path configuration not found/);
    const all = JSON.stringify([g, list]);
    for (const secret of ['Adm1nPw', 'V1ewerPassphrase', 'Cam3raPw']) assert.ok(!all.includes(secret), secret);
  });

  it('patches global settings by v1.x name, applied and validated like v1\'s', async () => {
    await shaped('PATCH', '/v3/config/global/patch', V3OkSchema, { rtspTransports: ['tcp'], writeQueueSize: 1024, readTimeout: '7s' });
    assert.deepEqual([host.current.protocols, host.current.readBufferCount, host.current.readTimeout], [['tcp'], 1024, 7000]);
    await refused('PATCH', '/v3/config/global/patch', 400, /unknown field 'nope'/, { nope: 1 });
    await refused('PATCH', '/v3/config/global/patch', 400, /readTimeout/, { readTimeout: 'soon' });
    await refused('PATCH', '/v3/config/global/patch', 400, /empty/);
    // What GET showed, sent back with one change: the stored passwords stay.
    const shown = V3GlobalConfSchema.parse((await call('GET', '/v3/config/global/get')).json);
    await shaped('PATCH', '/v3/config/global/patch', V3OkSchema, { ...shown, logLevel: 'debug' });
    assert.deepEqual([host.current.logLevel, host.current.authInternalUsers[0]!.pass], ['debug', 'Adm1nPw']);
    await refused('PATCH', '/v3/config/global/patch', 400, /redacted/, { authInternalUsers: [{ user: 'new', pass: PASSWORD_MASK, ips: [], permissions: [] }] });
  });

  it('patches pathDefaults, reaching the paths that did not set the key', async () => {
    await shaped('PATCH', '/v3/config/pathdefaults/patch', V3OkSchema, { maxReaders: 9, overridePublisher: false });
    assert.deepEqual([host.current.pathDefaults.maxReaders, host.current.paths.cam!.maxReaders, host.current.paths.cam!.disablePublisherOverride], [9, 9, true]);
  });

  it('adds, patches, replaces and deletes path entries, with upstream\'s 400 and 404', async () => {
    await shaped('POST', '/v3/config/paths/add/new/path', V3OkSchema, { rtspTransport: 'tcp', runOnAvailable: 'echo hi' });
    assert.deepEqual([host.current.paths['new/path']!.sourceProtocol, host.current.paths['new/path']!.runOnReady], ['tcp', 'echo hi']);
    await refused('POST', '/v3/config/paths/add/new/path', 400, /already exists/, {});
    const cam = V3PathConfSchema.parse((await call('GET', '/v3/config/paths/get/cam')).json);
    await shaped('PATCH', '/v3/config/paths/patch/cam', V3OkSchema, { ...cam, runOnRead: 'echo read' });
    assert.deepEqual([host.current.paths.cam!.runOnRead, host.current.paths.cam!.srtReadPassphrase], ['echo read', 'V1ewerPassphrase']);
    await shaped('POST', '/v3/config/paths/replace/cam', V3OkSchema, { maxReaders: 2 });
    assert.deepEqual([host.current.paths.cam!.runOnRead, host.current.paths.cam!.srtReadPassphrase, host.current.paths.cam!.maxReaders], ['', '', 2]);
    await refused('PATCH', '/v3/config/paths/patch/nope', 404, /path not found/, {});
    await refused('POST', '/v3/config/paths/replace/nope', 404, /path not found/, {});
    await refused('PATCH', '/v3/config/paths/patch/cam', 400, /maxReaders/, { maxReaders: 'many' });
    await shaped('DELETE', '/v3/config/paths/delete/new/path', V3OkSchema);
    assert.ok(!Object.hasOwn(host.current.paths, 'new/path'));
    await refused('DELETE', '/v3/config/paths/delete/new/path', 404, /path not found/);
  });
});
