import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, X509Certificate } from 'node:crypto';
import { createServer } from 'node:net';
import { fakeSourceContext, until } from '../../../test/support/source-context.ts';
import { makeSelfSignedCert } from '../../../test/support/tls.ts';
import { MpegTsMuxer } from '../../formats/index.ts';
import { x264FixtureAccessUnits } from '../../../test/support/h264-fixture.ts';
import { startStaticHttpServer } from '../../../test/support/hls-upstreams.ts';
import { HlsSource } from './hls-source.ts';
import { startFakeLlHlsServer, type FakeLlHlsServer } from './test-support/fake-ll-hls-server.ts';

const settings = { readTimeoutMs: 2000, writeTimeoutMs: 1000 };

async function play(url: string, cond: (r: ReturnType<typeof fakeSourceContext>['record']) => boolean, yaml = '') {
  const { ctx, record, abort } = fakeSourceContext(url, yaml);
  const run = new HlsSource(settings).run(ctx);
  let failure: Error | undefined;
  run.catch((e: Error) => { failure = e; });
  try {
    await until(() => cond(record) || failure !== undefined, 'the source', 8000);
  } finally {
    abort.abort();
  }
  await run.catch(() => {});
  return { record, failure };
}

describe('HLS source against a fake Low-Latency server', () => {
  let dir: string;
  let tls: { key: string; cert: string };
  let fingerprint: string;
  const servers: FakeLlHlsServer[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mtx-hls-source-'));
    const files = makeSelfSignedCert(dir);
    tls = { key: readFileSync(files.key, 'utf8'), cert: readFileSync(files.cert, 'utf8') };
    fingerprint = createHash('sha256').update(new X509Certificate(tls.cert).raw).digest('hex');
  });
  after(async () => { await Promise.all(servers.map((s) => s.close())); rmSync(dir, { recursive: true, force: true }); });

  it('plays parts with blocking reloads (_HLS_msn, _HLS_part), timestamps continuous across parts', async () => {
    const srv = await startFakeLlHlsServer();
    servers.push(srv);
    const { record, failure } = await play(`http://127.0.0.1:${srv.port}/index.m3u8`, (r) => (r.units.get('h264')?.length ?? 0) >= 30);
    assert.equal(failure, undefined, failure?.message);
    assert.deepEqual(record.readies[0]!.medias.map((m) => m.formats[0]!.codec), ['h264']);
    const pts = record.units.get('h264')!.map((u) => u.pts);
    assert.deepEqual(pts.slice(1).map((p, i) => p - pts[i]!), pts.slice(1).map(() => 3600), 'one frame apart, across part boundaries');
    assert.ok(srv.requests.some((r) => /_HLS_msn=\d+&_HLS_part=\d+/.test(r)), srv.requests.join('\n'));
    assert.ok(srv.requests.some((r) => /^\/p\d+\.ts$/.test(r)), 'parts fetched');
  });

  it('pins an https certificate with sourceFingerprint, and refuses a wrong pin and an untrusted certificate', async () => {
    const srv = await startFakeLlHlsServer({ tls });
    servers.push(srv);
    const url = `https://127.0.0.1:${srv.port}/index.m3u8`;
    const pinned = await play(url, (r) => (r.units.get('h264')?.length ?? 0) >= 5, `sourceFingerprint: ${fingerprint}`);
    assert.equal(pinned.failure, undefined, pinned.failure?.message);
    const wrong = await play(url, () => false, `sourceFingerprint: ${'00'.repeat(32)}`);
    assert.match(wrong.failure?.message ?? '', /does not match sourceFingerprint/);
    const unpinned = await play(url, () => false);
    assert.match(unpinned.failure?.message ?? '', /is not trusted/);
  });

  it('fails when a live playlist stops advancing, after playing what it listed', async () => {
    const mux = new MpegTsMuxer([{ codec: { codec: 'h264' } }]);
    const segment = Buffer.concat(x264FixtureAccessUnits().map((nalus, i) => mux.writeVideo(mux.tracks[0]!, { pts: i * 3600, dts: i * 3600, nalus })));
    const srv = await startStaticHttpServer({
      routes: { '/live.m3u8': () => '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.2,\ns.ts\n', '/s.ts': () => segment },
    });
    try {
      const { record, failure } = await play(`http://127.0.0.1:${srv.port}/live.m3u8`, () => false);
      assert.match(failure?.message ?? '', /the playlist did not advance in 3s/);
      assert.equal(record.units.get('h264')?.length, 30);
      assert.ok(srv.requests.filter((r) => r === 'GET /live.m3u8').length >= 3, 'reloaded every half target duration');
    } finally {
      await srv.close();
    }
  });

  it('fails on a server that does not answer within readTimeout', async () => {
    const silent = createServer((s) => { s.on('error', () => {}); });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const { failure } = await play(`http://127.0.0.1:${port}/index.m3u8`, () => false);
    silent.close();
    assert.match(failure?.message ?? '', /no answer from http:\/\/127\.0\.0\.1:\d+\/index\.m3u8 within 2s/);
  });
});
