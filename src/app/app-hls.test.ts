import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Conf } from '../conf/index.ts';
import { FLV_VIDEO_AVC } from '../protocols/rtmp/index.ts';
import { startApp, type InProcessApp } from '../../test/support/app.ts';
import { waitFor } from '../../test/support/process.ts';
import { publishRaw } from '../../test/support/rtmp-raw-publisher.ts';
import { x264FixtureFlv } from '../../test/support/h264-fixture.ts';
import { fetchHttp } from '../../test/support/hls-media.ts';
import { startAuthServer, type FakeAuthServer } from '../../test/support/auth-server.ts';

const { header, frames } = x264FixtureFlv();
const PATHS = 'paths:\n  live/locked:\n    readUser: u\n    readPass: p\n  all:\n';

/** The configuration of `yaml` with the HLS listener on (startApp's listeners keep it off) on a system-chosen port. */
function withHls(srv: InProcessApp, yaml: string, extra: Partial<Conf> = {}): Conf {
  return { ...srv.conf(yaml), hlsDisable: false, hlsAddress: '127.0.0.1:0', ...extra };
}

/** Publishes the H264 fixture in a loop over RTMP on live/`stream` and waits until the path is ready. */
async function publishLooped(srv: InProcessApp, stream: string): Promise<{ socket: { destroy(): void } }> {
  const p = publishRaw(srv.rtmpPort, 'live', stream, { metadata: { videocodecid: FLV_VIDEO_AVC, width: 64, height: 64 }, headers: [header], media: frames, loop: true });
  await waitFor(() => srv.lines.some((l) => l.includes(`[path live/${stream}] stream is ready`)), { timeoutMs: 5000, what: `live/${stream} to be ready` });
  return p;
}

describe('App with the HLS server and the real muxer, in process', () => {
  let srv: InProcessApp;
  const publishers: { socket: { destroy(): void } }[] = [];
  const hlsPort = (): number => srv.app.component('hlsServer')?.port ?? 0;
  const httpGet = (port: number, target: string, o: { headers?: Record<string, string> } = {}) => fetchHttp(`http://127.0.0.1:${port}${target}`, o);
  const publish = async (stream: string): Promise<void> => { publishers.push(await publishLooped(srv, stream)); };
  before(async () => {
    srv = await startApp(PATHS);
    const plan = await srv.app.applyConf(withHls(srv, PATHS));
    assert.equal(plan.get('hlsServer'), 'start', 'turning HLS on starts the server and nothing else');
    assert.deepEqual([...plan].filter(([, a]) => a !== 'keep').map(([id]) => id), ['hlsServer']);
  });
  after(async () => {
    for (const p of publishers) p.socket.destroy();
    await srv?.close();
  });

  it('serves a stream published over RTMP: the muxer is a reader of the path, and random names make nothing', async () => {
    await publish('cam');
    const index = await httpGet(hlsPort(), '/live/cam/index.m3u8');
    assert.equal(index.status, 200, index.text);
    assert.match(index.text, /#EXT-X-STREAM-INF:.*CODECS="avc1\.[0-9a-f]{6}"/);
    const media = await httpGet(hlsPort(), '/live/cam/stream.m3u8');
    assert.match(media.text, /#EXT-X-PART:DURATION=[\d.]+,URI="[0-9a-f]+_part\d+\.mp4"/, media.text);
    const cam = srv.app.pathManager!.list().find((p) => p.name === 'live/cam')!;
    assert.deepEqual(cam.readers.map((r) => r.type), ['hlsMuxer']);
    const answers = await Promise.all(Array.from({ length: 500 }, (_, i) => httpGet(hlsPort(), `/x${i}/index.m3u8`)));
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [404]);
    assert.deepEqual(srv.app.pathManager!.list().map((p) => p.name), ['live/locked', 'live/cam'], 'no path state for the random names');
    assert.deepEqual(srv.app.component('hlsServer')!.muxerList().map((m) => m.name), ['live/cam']);
  });

  it('asks for the path\'s read credentials', async () => {
    await publish('locked');
    const r = await httpGet(hlsPort(), '/live/locked/index.m3u8');
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], 'Basic realm="mediamtx"');
    const ok = await httpGet(hlsPort(), '/live/locked/index.m3u8', { headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` } });
    assert.equal(ok.status, 200);
  });

  it('destroys the muxer when its stream goes, and with hlsAlwaysRemux makes one as soon as a stream is ready', async () => {
    publishers.shift()!.socket.destroy();
    await waitFor(() => srv.lines.some((l) => /\[HLS\] \[muxer live\/cam\] destroyed/.test(l)), { timeoutMs: 5000, what: 'the muxer of live/cam to go' });
    const plan = await srv.app.applyConf(withHls(srv, PATHS, { hlsAlwaysRemux: true }));
    assert.equal(plan.get('hlsServer'), 'restart');
    await publish('auto');
    await waitFor(() => srv.lines.some((l) => /\[HLS\] \[muxer live\/auto\] created automatically/.test(l)), { timeoutMs: 5000, what: 'an automatic muxer' });
    const r = await httpGet(hlsPort(), '/live/auto/index.m3u8');
    assert.equal(r.status, 200, r.text);
    // A stream that was ready before the server (re)started gets its muxer on the first request.
    assert.equal((await httpGet(hlsPort(), '/live/locked/index.m3u8', { headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` } })).status, 200);
  });

  it('refuses a hlsTrustedProxies entry that is not an address, naming it', async () => {
    await assert.rejects(srv.app.applyConf(withHls(srv, PATHS, { hlsTrustedProxies: ['not-an-ip'] })), /not-an-ip/);
  });
});

describe('App with the HLS server and externalAuthenticationURL, in process', () => {
  let srv: InProcessApp;
  let auth: FakeAuthServer;
  let publisher: { socket: { destroy(): void } } | undefined;
  // The endpoint always lets the RTMP publisher in; reads get 200 or 401 as the test says.
  let allowRead = true;
  const basic = { authorization: `Basic ${Buffer.from('viewer:s3cret').toString('base64')}` };
  const reads = (): Record<string, unknown>[] => auth.bodies.filter((b) => b.action === 'read');
  before(async () => {
    auth = await startAuthServer((b) => b.action === 'publish' || allowRead);
    const yaml = `externalAuthenticationURL: ${auth.url}\npaths:\n  all:\n`;
    srv = await startApp(yaml);
    await srv.app.applyConf(withHls(srv, yaml));
    publisher = await publishLooped(srv, 'cam');
  });
  after(async () => {
    publisher?.socket.destroy();
    await srv?.close();
    await auth?.close();
  });

  it('lets a reader in when the endpoint answers 200, sending the body MediaMTX sends with protocol hls', async () => {
    allowRead = true;
    const port = srv.app.component('hlsServer')?.port ?? 0;
    const r = await fetchHttp(`http://127.0.0.1:${port}/live/cam/index.m3u8?token=abc&x=1`, { headers: basic });
    assert.equal(r.status, 200, `allowed by the endpoint: ${r.status} ${r.text}`);
    assert.match(r.text, /#EXT-X-STREAM-INF:/, `a real playlist: ${r.text}`);
    const seen = reads();
    assert.ok(seen.length >= 1, `the endpoint was asked about the read (bodies: ${JSON.stringify(auth.bodies)})`);
    for (const b of seen) {
      // v0.22.2 core/external_auth.go: these fields in this order; HLS has no connection id, so id is null.
      assert.deepEqual(Object.keys(b), ['ip', 'user', 'password', 'path', 'protocol', 'id', 'action', 'query'], `field order: ${JSON.stringify(b)}`);
      assert.deepEqual(b, { ip: '127.0.0.1', user: 'viewer', password: 's3cret', path: 'live/cam', protocol: 'hls', id: null, action: 'read', query: 'token=abc&x=1' },
        `the body sent for an HLS read: ${JSON.stringify(b)}`);
    }
  });

  it('refuses a reader with 401 and the Basic challenge when the endpoint answers 401', async () => {
    allowRead = false;
    const port = srv.app.component('hlsServer')?.port ?? 0;
    const already = reads().length;
    const r = await fetchHttp(`http://127.0.0.1:${port}/live/cam/stream.m3u8?token=bad`, { headers: basic });
    assert.equal(r.status, 401, `refused by the endpoint: ${r.status} ${r.text}`);
    assert.equal(r.headers['www-authenticate'], 'Basic realm="mediamtx"', `challenge: ${String(r.headers['www-authenticate'])}`);
    const asked = reads().slice(already);
    assert.ok(asked.length >= 1, `the endpoint was asked (bodies: ${JSON.stringify(auth.bodies)})`);
    assert.deepEqual(asked[0], { ip: '127.0.0.1', user: 'viewer', password: 's3cret', path: 'live/cam', protocol: 'hls', id: null, action: 'read', query: 'token=bad' },
      `the body sent for the refused read: ${JSON.stringify(asked[0])}`);
    const anonymous = await fetchHttp(`http://127.0.0.1:${port}/live/cam/`);
    assert.equal(anonymous.status, 401, `the page without credentials is refused too: ${anonymous.status}`);
    assert.equal(reads().at(-1)?.user, '', `an anonymous read is sent with an empty user: ${JSON.stringify(reads().at(-1))}`);
  });
});
