import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hash } from '@node-rs/argon2';
import { allocatePorts, logTail, startServer, type TestServer } from '../support/server.ts';
import { httpRequest } from '../support/http.ts';
import { ffmpegPublish, ffmpegReadFrames, gstReadH264 } from '../support/media.ts';
import { ffmpegPublishRtmp } from '../support/rtmp-media.ts';
import { describeRun, describeRunning, type Running } from '../support/process.ts';
import { makeJwtKey, signJwt, startJwksServer, type JwksServer } from '../support/jwt-issuer.ts';
import { ffmpegDecodeHls, hlsUrl } from '../support/hls-media.ts';
import { CHROMIUM_WHEP_OFFER, CHROMIUM_WHIP_OFFER } from '../support/webrtc-offers.ts';

/** Waits for `[path <name>] stream is ready`; on failure stops the publisher and says why. */
async function ready(server: TestServer, pub: Running, path: string): Promise<Running> {
  try {
    await server.waitForLog(new RegExp(`\\[path ${path}\\] stream is ready`), 15_000);
  } catch (err) {
    await pub.stop();
    throw new Error(`${(err as Error).message}\n${describeRunning('publisher', pub)}`);
  }
  return pub;
}

const basic = (user: string, pass: string): Record<string, string> => ({ Authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });

describe('MediaMTX v1.x internal users', () => {
  const extra = allocatePorts();
  const API = extra.rtsp;
  const METRICS = extra.rtsps;
  const WEBRTC = extra.rtmp;
  let server: TestServer;
  const pubs: Running[] = [];
  before(async () => {
    const viewerHash = `argon2:${await hash('viewpass', { memoryCost: 19456, timeCost: 2, parallelism: 1 })}`;
    server = await startServer(`
webrtcAddress: 127.0.0.1:${WEBRTC}
webrtcICEServers: []
api: yes
apiAddress: 127.0.0.1:${API}
metrics: yes
metricsAddress: 127.0.0.1:${METRICS}
authMethod: internal
authInternalUsers:
  - user: pub
    pass: pubpass
    permissions: [{action: publish, path: '~^cam'}]
  - user: viewer
    pass: '${viewerHash}'
    permissions: [{action: read, path: cam1}]
  - user: admin
    pass: adminpass
    permissions: [{action: api}]
paths:
  all_others:
`, { MTX_WEBRTCDISABLE: 'no' }, { hls: true });
  });
  after(async () => { for (const p of pubs) await p.stop(); await server.stop(); });

  it('lets users publish and read over RTSP only where their permissions say, with plain and argon2 passwords', async () => {
    const wrong = await ffmpegPublish(server.url('cam1', { user: 'pub', pass: 'nope' }), { video: 'h264', seconds: 3 }).done;
    assert.notEqual(wrong.code, 0, `wrong password\n${describeRun('ffmpeg', wrong)}`);
    const forbidden = await ffmpegPublish(server.url('other', { user: 'pub', pass: 'pubpass' }), { video: 'h264', seconds: 3 }).done;
    assert.notEqual(forbidden.code, 0, `path outside the permission\n${describeRun('ffmpeg', forbidden)}`);
    pubs.push(await ready(server, ffmpegPublish(server.url('cam1', { user: 'pub', pass: 'pubpass' }), { video: 'h264', seconds: 300 }), 'cam1'));
    const ok = await ffmpegReadFrames(server.url('cam1', { user: 'viewer', pass: 'viewpass' }), 'tcp');
    assert.ok(ok.frames >= 20, `viewer on cam1: ${ok.detail}\n${logTail(server)}`);
    const bad = await ffmpegReadFrames(server.url('cam1', { user: 'viewer', pass: 'viewpasS' }), 'tcp');
    assert.equal(bad.frames, 0, bad.detail);
    assert.match(bad.stderr, /401/);
    const anon = await ffmpegReadFrames(server.url('cam1'), 'tcp');
    assert.equal(anon.frames, 0, anon.detail);
  });

  it('applies the same permissions over RTMP', async () => {
    // Longer than the refusal can take (random 0.5–4 s failure delay): FFmpeg must see it.
    const forbidden = await ffmpegPublishRtmp(server.rtmpUrl('other', { query: 'user=pub&pass=pubpass' }), { seconds: 12, audio: false }).done;
    assert.notEqual(forbidden.code, 0, `path outside the permission\n${describeRun('ffmpeg', forbidden)}\n${logTail(server)}`);
    assert.doesNotMatch(server.logs(), /\[path other\] stream is ready/);
    pubs.push(await ready(server, ffmpegPublishRtmp(server.rtmpUrl('cam2', { query: 'user=pub&pass=pubpass' }), { seconds: 300 }), 'cam2'));
    const ok = await ffmpegReadFrames(server.rtmpUrl('cam1', { query: 'user=viewer&pass=viewpass' }), undefined);
    assert.ok(ok.frames >= 20, `viewer on cam1 over RTMP: ${ok.detail}\n${logTail(server)}`);
    const other = await ffmpegReadFrames(server.rtmpUrl('cam2', { query: 'user=viewer&pass=viewpass' }), undefined);
    assert.equal(other.frames, 0, `viewer may not read cam2: ${other.detail}`);
    const wrong = await ffmpegReadFrames(server.rtmpUrl('cam1', { query: 'user=viewer&pass=wrong' }), undefined);
    assert.equal(wrong.frames, 0, wrong.detail);
    await server.waitForLog(/authentication failed for 'viewer' from 127\.0\.0\.1/);
    assert.doesNotMatch(server.logs(), /viewpass|pubpass|adminpass/, logTail(server));
  });

  it('applies the same permissions to HLS and WebRTC readers (HTTP Basic)', async () => {
    // cam1 and cam2 are published by the cases above: the viewer may read cam1 only.
    const ok = await ffmpegDecodeHls(hlsUrl(server, 'cam1', 'index.m3u8', { user: 'viewer', pass: 'viewpass' }));
    assert.ok(ok.video >= 20, `viewer on cam1 over HLS: ${ok.detail}\n${logTail(server)}`);
    const anon = await httpRequest(server.ports.hls, 'GET', '/cam1/index.m3u8');
    assert.equal(anon.status, 401);
    assert.match(String(anon.headers['www-authenticate']), /^Basic realm=/);
    assert.equal((await httpRequest(server.ports.hls, 'GET', '/cam2/index.m3u8', undefined, basic('viewer', 'viewpass'))).status, 401, 'viewer may not read cam2');
    const sdp = { 'Content-Type': 'application/sdp' };
    const whep = await httpRequest(WEBRTC, 'POST', '/cam1/whep', CHROMIUM_WHEP_OFFER, { ...sdp, ...basic('viewer', 'viewpass') });
    assert.equal(whep.status, 201, `${whep.text}\n${logTail(server)}`);
    assert.match(whep.text, /^v=0\r\n/);
    const location = String(whep.headers.location);
    assert.equal((await httpRequest(WEBRTC, 'DELETE', location, undefined, basic('viewer', 'viewpass'))).status, 200);
    assert.equal((await httpRequest(WEBRTC, 'POST', '/cam1/whep', CHROMIUM_WHEP_OFFER, sdp)).status, 401, 'no credentials');
    assert.equal((await httpRequest(WEBRTC, 'POST', '/cam2/whep', CHROMIUM_WHEP_OFFER, { ...sdp, ...basic('viewer', 'viewpass') })).status, 401, 'viewer may not read cam2');
    assert.equal((await httpRequest(WEBRTC, 'POST', '/cam3/whip', CHROMIUM_WHIP_OFFER, { ...sdp, ...basic('viewer', 'viewpass') })).status, 401, 'viewer may not publish');
  });

  it('guards the API with the api permission and metrics with the metrics permission', async () => {
    const anon = await httpRequest(API, 'GET', '/v1/paths/list');
    assert.equal(anon.status, 401);
    assert.equal(anon.headers['www-authenticate'], 'Basic realm="mediamtx"');
    assert.deepEqual(anon.json, { status: 'error', error: 'authentication error' });
    assert.equal((await httpRequest(API, 'GET', '/v1/paths/list', undefined, basic('admin', 'wrong'))).status, 401);
    assert.equal((await httpRequest(API, 'GET', '/v1/paths/list', undefined, basic('pub', 'pubpass'))).status, 401, 'pub has no api permission');
    const ok = await httpRequest(API, 'GET', '/v1/paths/list', undefined, basic('admin', 'adminpass'));
    assert.equal(ok.status, 200, ok.text);
    // Nobody has the metrics permission here, not even localhost (the file replaced upstream's default users).
    assert.equal((await httpRequest(METRICS, 'GET', '/metrics', undefined, basic('admin', 'adminpass'))).status, 401);
  });
});

describe('MediaMTX v1.x HTTP authentication', () => {
  const bodies: Record<string, unknown>[] = [];
  let authSrv: Server;
  let authUrl = '';
  before(async () => {
    authSrv = createServer((req, res) => {
      let text = '';
      req.on('data', (d: Buffer) => { text += d.toString(); });
      req.on('end', () => {
        const body = JSON.parse(text) as Record<string, unknown>;
        bodies.push(body);
        res.writeHead(body.user === 'good' && body.password === 'goodpass' ? 200 : 401).end();
      });
    });
    await new Promise<void>((r) => authSrv.listen(0, '127.0.0.1', r));
    authUrl = `http://127.0.0.1:${(authSrv.address() as AddressInfo).port}/auth`;
  });
  after(() => new Promise<void>((r) => { authSrv.closeAllConnections(); authSrv.close(() => r()); }));

  it('POSTs the v1.x body for RTSP and RTMP, and skips excluded paths', async () => {
    const server = await startServer(`
authMethod: http
authHTTPAddress: ${authUrl}
authHTTPExclude: [{action: read, path: '~^open'}]
paths:
  all_others:
`);
    let pub: Running | undefined;
    try {
      pub = await ready(server, ffmpegPublish(`${server.url('httpcam', { user: 'good', pass: 'goodpass' })}?quality=hi`, { video: 'h264', seconds: 300 }), 'httpcam');
      const rtsp = bodies.find((b) => b.protocol === 'rtsp' && b.user === 'good');
      assert.ok(rtsp, JSON.stringify(bodies));
      assert.deepEqual(Object.keys(rtsp), ['ip', 'user', 'password', 'token', 'action', 'path', 'protocol', 'id', 'query', 'userAgent']);
      assert.equal(rtsp.ip, '127.0.0.1');
      assert.equal(rtsp.user, 'good');
      assert.equal(rtsp.password, 'goodpass');
      assert.equal(rtsp.token, 'goodpass', 'upstream sends the password as the token when there is no bearer token');
      assert.equal(rtsp.action, 'publish');
      assert.equal(rtsp.path, 'httpcam');
      assert.equal(rtsp.protocol, 'rtsp');
      assert.equal(typeof rtsp.id, 'string');
      assert.equal(rtsp.query, 'quality=hi');
      assert.equal(rtsp.userAgent, '');
      const ok = await ffmpegReadFrames(server.rtmpUrl('httpcam', { query: 'user=good&pass=goodpass' }), undefined);
      assert.ok(ok.frames >= 20, `${ok.detail}\n${logTail(server)}`);
      const rtmp = bodies.find((b) => b.protocol === 'rtmp');
      assert.deepEqual({ ...rtmp, id: typeof rtmp?.id }, {
        ip: '127.0.0.1', user: 'good', password: 'goodpass', token: 'goodpass', action: 'read', path: 'httpcam', protocol: 'rtmp',
        id: 'string', query: 'user=good&pass=goodpass', userAgent: '',
      });
      const refused = await ffmpegReadFrames(server.rtmpUrl('httpcam', { query: 'user=bad&pass=badpass' }), undefined);
      assert.equal(refused.frames, 0, refused.detail);
      const before = bodies.length;
      const open = await ffmpegReadFrames(server.url('open1'), 'tcp', 1);
      assert.equal(bodies.length, before, 'an excluded request is not sent to the server');
      assert.match(open.stderr, /404|not found/i, `excluded path: let in, then no stream: ${open.detail}`);
    } finally {
      await pub?.stop();
      await server.stop();
    }
  });
});

describe('MediaMTX v1.x JWT authentication', () => {
  const key = makeJwtKey('RS256');
  let jwks: JwksServer;
  before(async () => { jwks = await startJwksServer([key, makeJwtKey('ES256')]); });
  after(() => jwks.close());
  const token = (perms: unknown[], extra: Record<string, unknown> = {}): string => signJwt(key, {
    sub: 'alice', iss: 'https://idp.test', aud: 'mediamtx', exp: Math.floor(Date.now() / 1000) + 600, mediamtx_permissions: perms, ...extra,
  });

  const API = allocatePorts().rtsp;

  it('takes a JWT from the RTSP query and password and the RTMP query, refuses bad ones, and never logs it', async () => {
    const server = await startServer(`
logLevel: debug
api: yes
apiAddress: 127.0.0.1:${API}
authMethod: jwt
authJWTJWKS: ${jwks.url}
authJWTIssuer: https://idp.test
authJWTAudience: mediamtx
paths:
  all_others:
`);
    const good = token([{ action: 'publish', path: 'jwtcam' }, { action: 'read', path: 'jwtcam' }]);
    const expired = token([{ action: 'read' }], { exp: Math.floor(Date.now() / 1000) - 60 });
    const readOnly = token([{ action: 'read', path: 'jwtcam' }]);
    let pub: Running | undefined;
    try {
      // FFmpeg keeps at most 128 characters of RTSP credentials (RTSPState.auth), so it passes JWTs in the query,
      // as upstream's documentation says; the password field is read below with GStreamer, which has no such limit.
      const denied = await ffmpegPublish(`${server.url('jwtcam')}?token=${readOnly}`, { video: 'h264', seconds: 3 }).done;
      assert.notEqual(denied.code, 0, `a read-only token can't publish\n${describeRun('ffmpeg', denied)}`);
      pub = await ready(server, ffmpegPublish(`${server.url('jwtcam')}?token=${good}`, { video: 'h264', seconds: 300 }), 'jwtcam');
      const viaPassword = await gstReadH264(server.url('jwtcam', { user: 'x', pass: readOnly }), 'tcp');
      assert.ok(viaPassword.ok, `RTSP password: ${viaPassword.detail}\n${logTail(server)}`);
      const viaQuery = await ffmpegReadFrames(server.rtmpUrl('jwtcam', { query: `jwt=${readOnly}` }), undefined);
      assert.ok(viaQuery.frames >= 20, `RTMP ?jwt=: ${viaQuery.detail}\n${logTail(server)}`);
      const viaToken = await ffmpegReadFrames(server.rtmpUrl('jwtcam', { query: `token=${good}` }), undefined);
      assert.ok(viaToken.frames >= 20, `RTMP ?token=: ${viaToken.detail}`);
      const old = await ffmpegReadFrames(server.rtmpUrl('jwtcam', { query: `jwt=${expired}` }), undefined);
      assert.equal(old.frames, 0, `expired: ${old.detail}`);
      const rtspOld = await ffmpegReadFrames(server.url('jwtcam', { user: 'x', pass: expired }), 'tcp');
      assert.equal(rtspOld.frames, 0, `expired over RTSP: ${rtspOld.detail}`);
      // The API takes the token from Authorization: Bearer and needs the api permission; refresh fetches the keys again.
      assert.equal((await httpRequest(API, 'POST', '/v3/auth/jwks/refresh')).status, 401);
      assert.equal((await httpRequest(API, 'POST', '/v3/auth/jwks/refresh', undefined, { Authorization: `Bearer ${good}` })).status, 401, 'no api permission');
      const admin = token([{ action: 'api' }]);
      const fetches = jwks.fetches;
      const refreshed = await httpRequest(API, 'POST', '/v3/auth/jwks/refresh', undefined, { Authorization: `Bearer ${admin}` });
      assert.equal(refreshed.status, 200, refreshed.text);
      assert.equal(jwks.fetches, fetches);
      assert.equal((await httpRequest(API, 'GET', '/v3/paths/list', undefined, { Authorization: `Bearer ${admin}` })).status, 200);
      assert.equal(jwks.fetches, fetches + 1, 'the JWK Set is fetched again after the refresh');
      await server.waitForLog(/token is expired/);
      const logs = server.logs();
      for (const t of [good, expired, readOnly, admin]) {
        assert.ok(!logs.includes(t) && !logs.includes(t.split('.')[2]!), `a token appears in the log\n${logTail(server)}`);
      }
    } finally {
      await pub?.stop();
      await server.stop();
    }
  });
});
