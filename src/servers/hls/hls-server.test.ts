import { afterEach, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSelfSignedCert } from '../../../test/support/tls.ts';
import { Logger, TypedEmitter } from '../../lib/index.ts';
import type { PathEvents } from '../../core/index.ts';
import type { Description, Format, Media } from '../../formats/index.ts';
import { Stream } from '../../stream/index.ts';
import { FakePathAccess } from '../../../test/support/fake-path-access.ts';
import { waitFor } from '../../../test/support/process.ts';
import { HlsServer, type HlsServerOptions } from './hls-server.ts';
import { fakeMuxerFactory, type FakeHlsMuxer } from './test-support/fake-hls-muxer.ts';
import { httpGet, type HttpAnswer } from './test-support/http-get.ts';

const h264: Format = { codec: 'h264', payloadType: 96, encoding: 'H264', clockRate: 90000, params: new Map() };
const aac: Format = { codec: 'mpeg4Audio', payloadType: 97, encoding: 'MPEG4-GENERIC', clockRate: 48000, channels: 2, params: new Map() };
const g711: Format = { codec: 'g711', payloadType: 0, encoding: 'PCMU', clockRate: 8000, params: new Map() };

function description(): { desc: Description; video: Media; audio: Media } {
  const video: Media = { kind: 'video', formats: [{ ...h264 }] };
  const audio: Media = { kind: 'audio', formats: [{ ...aac }] };
  return { desc: { medias: [video, audio, { kind: 'audio', formats: [{ ...g711 }] }] }, video, audio };
}

/** Publishes a stream on `path` of `paths` and writes a GOP (key frame at pts 0, then 4 frames) and audio. */
function publish(paths: FakePathAccess, path: string): { stream: Stream; writeFrame(pts: number, key?: boolean): void } {
  const { desc, video, audio } = description();
  const stream = new Stream(desc);
  paths.streams.set(path, stream);
  const writeFrame = (pts: number, key = false): void => {
    stream.writeUnit(video, video.formats[0]!, { pts, randomAccess: key, payload: [Buffer.from([key ? 0x65 : 0x41, 0x88, 0x84])] });
    stream.writeUnit(audio, audio.formats[0]!, { pts: pts / 90000 * 48000, payload: [Buffer.from([0x21, 0x10])] });
  };
  for (let i = 0; i < 5; i++) writeFrame(i * 3000, i === 0);
  return { stream, writeFrame };
}

describe('HlsServer against a fake path manager and a fake muxer', () => {
  const lines: string[] = [];
  let paths: FakePathAccess;
  let made: FakeHlsMuxer[];
  let server: HlsServer;
  const start = async (o: Partial<HlsServerOptions> = {}): Promise<void> => {
    paths = new FakePathAccess();
    const f = fakeMuxerFactory();
    made = f.made;
    lines.length = 0;
    server = await HlsServer.listen({
      address: '127.0.0.1:0', allowOrigin: '*', isTrustedProxy: () => false, alwaysRemux: false,
      muxer: { variant: 'lowLatency', segmentCount: 7, segmentDurationMs: 1000, partDurationMs: 200, segmentMaxSize: 50 << 20, directory: '' },
      readTimeoutMs: 2000, writeTimeoutMs: 2000, readBufferCount: 64, paths, createMuxer: f.factory,
      log: Logger.create({ level: 'debug', destinations: [], sink: (l) => lines.push(l) }), ...o,
    });
  };
  const logs = (): string => lines.join('\n');
  afterEach(() => server?.close());

  it('answers 404 to a path without a stream and makes no muxer, for thousands of names', async () => {
    await start();
    const names = Array.from({ length: 5000 }, (_, i) => `r${i}x${Math.random().toString(36).slice(2, 8)}`);
    for (let i = 0; i < names.length; i += 250) {
      const answers = await Promise.all(names.slice(i, i + 250).map((n) => httpGet(server.port, `/${n}/index.m3u8`)));
      assert.deepEqual([...new Set(answers.map((a) => a.status))], [404], answers.find((a) => a.status !== 404)?.text);
    }
    assert.equal(made.length, 0, 'no muxer was made');
    assert.deepEqual(server.muxerList(), []);
    assert.equal(paths.readers.size, 0, 'nothing registered as a reader');
    const page = await httpGet(server.port, '/nothing/');
    assert.equal(page.status, 404);
    assert.match(page.text, /<video/, 'a browser still gets the page, which retries');
    assert.equal(made.length, 0);
  });

  it('makes one muxer per path on the first request, fed from the GOP cache, and logs as MediaMTX', async () => {
    await start();
    publish(paths, 'cam');
    const answers = await Promise.all([1, 2, 3].map(() => httpGet(server.port, '/cam/index.m3u8')));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200], answers.map((a) => a.text).join('|'));
    assert.equal(made.length, 1, 'concurrent first requests share one muxer');
    await waitFor(() => made[0]!.units.length >= 10, { timeoutMs: 2000, what: `the GOP to reach the muxer (${made[0]!.units.length} units)` });
    const video = made[0]!.units.filter((u) => u.codec === 'h264');
    assert.deepEqual(video.map((u) => u.pts), [0, 3000, 6000, 9000, 12000], 'the units written before the request, from the key frame');
    assert.equal(video[0]!.randomAccess, true);
    assert.match(logs(), /\[HLS\] \[muxer cam\] created \(requested by 127\.0\.0\.1\)/);
    assert.match(logs(), /\[HLS\] \[muxer cam\] is converting into HLS, 2 tracks \(H264, MPEG-4 Audio\)/);
    assert.match(logs(), /\[muxer cam\] skipping track with codec g711/, 'the track HLS cannot carry is named');
    assert.deepEqual(paths.events, ['read cam'], 'the muxer is one reader of the path');
    assert.equal(paths.requests.at(-1)!.protocol, 'hls');
    const [info] = server.muxerList();
    assert.equal(info!.name, 'cam');
    assert.ok(info!.bytesSent > 0, `bytes sent are counted (${info!.bytesSent})`);
    assert.deepEqual(server.connections().map((c) => [c.path, c.remoteAddr]), [['cam', '127.0.0.1']]);
  });

  it('answers player requests through the fast path as node:http alone does: statuses, headers but Date, bodies', async () => {
    const basic = `Basic ${Buffer.from('u:p').toString('base64')}`;
    const cases: [string, Record<string, string>, string?][] = [
      ['/cam/index.m3u8', {}], ['/cam/stream.m3u8', { 'accept-encoding': 'gzip' }], ['/cam/stream.m3u8', {}],
      ['/cam/etag.mp4', { 'if-none-match': '"e1"' }], ['/cam/etag.mp4', {}], ['/cam/big.mp4', {}, 'HEAD'], ['/cam/query.m3u8?_HLS_msn=5', {}],
      ['/cam/nothing.mp4', {}], ['/locked/index.m3u8', {}], ['/locked/index.m3u8', { authorization: basic }], ['/none/index.m3u8', {}],
    ];
    const run = async (fastPath: boolean): Promise<{ answers: unknown[]; fast: number }> => {
      await start({ fastPath });
      publish(paths, 'cam');
      publish(paths, 'locked');
      paths.protectedPaths.add('locked');
      const answers: unknown[] = [];
      for (const [target, headers, method] of cases) {
        const a = await httpGet(server.port, target, { headers, ...(method ? { method } : {}) });
        const { date, ...rest } = a.headers;
        assert.ok(date, 'a Date field');
        answers.push({ target, status: a.status, headers: rest, body: a.text });
      }
      const fast = server.fastPathAnswered;
      await server.close();
      return { answers, fast };
    };
    const viaFast = await run(true);
    const viaNode = await run(false);
    assert.equal(viaFast.fast, cases.length, 'every request went through the fast path');
    assert.equal(viaNode.fast, 0);
    assert.deepEqual(viaFast.answers, viaNode.answers);
  });

  it('makes the fast path\'s answer to a shared body once per encoding, and again when hlsAllowOrigin changes', async () => {
    await start();
    publish(paths, 'cam');
    const get = (gzip: boolean): Promise<HttpAnswer> => httpGet(server.port, '/cam/shared.m3u8', gzip ? { headers: { 'accept-encoding': 'gzip' } } : {});
    const answers = [await get(true), await get(false), await get(true), await get(false)];
    const text = made[0]!.shared.toString();
    assert.deepEqual(answers.map((a) => [a.status, a.headers['content-encoding'], a.text === text]), [[200, 'gzip', true], [200, undefined, true], [200, 'gzip', true], [200, undefined, true]]);
    assert.deepEqual(answers.map((a) => a.headers['access-control-allow-origin']), ['*', '*', '*', '*']);
    const gz = Number(answers[0]!.headers['content-length']);
    assert.ok(gz < made[0]!.shared.length, 'the gzip copy is smaller');
    assert.equal(server.muxerList()[0]!.bytesSent, 2 * gz + 2 * made[0]!.shared.length, 'bytes sent as they went out');
    server.update({ allowOrigin: 'https://a.example' });
    const after = await get(true);
    assert.deepEqual([after.headers['access-control-allow-origin'], after.headers['access-control-allow-credentials'], after.text === text], ['https://a.example', 'true', true]);
    assert.equal(server.fastPathAnswered, 5);
  });

  it('closes a muxer after the period without requests, and when the path closes its reader', async () => {
    await start({ muxerCloseAfterMs: 300 });
    publish(paths, 'cam');
    assert.equal((await httpGet(server.port, '/cam/index.m3u8')).status, 200);
    await waitFor(() => server.muxerList().length === 0, { timeoutMs: 3000, what: 'the idle muxer to close' });
    assert.match(logs(), /\[muxer cam\] destroyed \(not used anymore\)/);
    assert.equal(made[0]!.closed, true);
    assert.ok(paths.events.includes('release reader cam'), paths.events.join(', '));

    assert.equal((await httpGet(server.port, '/cam/index.m3u8')).status, 200);
    assert.equal(made.length, 2, 'a new request makes a new muxer');
    paths.readers.get('cam')!.at(-1)!.close(new Error('the stream is gone'));
    assert.deepEqual(server.muxerList(), []);
    assert.match(logs(), /\[muxer cam\] destroyed \(the stream is gone\)/);
  });

  it('serves the page at /cam/, redirects /cam there without leaving the host, serves hls.js', async () => {
    await start();
    publish(paths, 'cam');
    const r = await httpGet(server.port, '/cam');
    assert.deepEqual([r.status, r.headers.location], [301, '/cam/']);
    const evil = await httpGet(server.port, '//evil.com');
    assert.deepEqual([evil.status, evil.headers.location], [301, '/evil.com/']);
    assert.equal((await httpGet(server.port, '/%5Cevil.com')).status, 400);
    const page = await httpGet(server.port, '/cam/');
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.text, /<script src="hls\.min\.js"><\/script>/, 'hls.js from this server, relative URL');
    assert.doesNotMatch(page.text, /https?:\/\//, 'no third-party host');
    await waitFor(() => made.length === 1, { timeoutMs: 2000, what: 'the page request to make the muxer' });
    const js = await httpGet(server.port, '/cam/hls.min.js', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(js.status, 200);
    assert.equal(js.headers['content-type'], 'application/javascript');
    assert.equal(js.headers['content-encoding'], 'gzip');
    assert.ok(js.body.length > 100_000 && js.text.includes('hlsManifestParsed'), `hls.js itself (${js.body.length} bytes)`);
    const again = await httpGet(server.port, '/hls.min.js', { headers: { 'if-none-match': String(js.headers.etag) } });
    assert.equal(again.status, 304);
    assert.equal((await httpGet(server.port, '/cam/index.m3u8', { method: 'POST' })).status, 405);
    assert.equal((await httpGet(server.port, '/favicon.ico')).status, 404);
  });

  it('asks for credentials with the Basic challenge and passes what the client sends to the path manager', async () => {
    await start();
    publish(paths, 'locked');
    paths.protectedPaths.add('locked');
    const r = await httpGet(server.port, '/locked/index.m3u8');
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], 'Basic realm="mediamtx"');
    assert.equal((await httpGet(server.port, '/locked/')).status, 401, 'the page too, so the browser asks');
    assert.equal(made.length, 0);
    const ok = await httpGet(server.port, '/locked/index.m3u8?token=x', { headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` } });
    assert.equal(ok.status, 200);
    const req = paths.requests.at(-1)!;
    assert.deepEqual({ ...req, credentials: req.credentials }, {
      pathName: 'locked', query: 'token=x', protocol: 'hls', action: 'read', ip: '127.0.0.1', credentials: { kind: 'plain', user: 'u', pass: 'p' },
    });
  });

  it('takes X-Forwarded-For only from a trusted proxy', async () => {
    await start({ isTrustedProxy: () => false });
    publish(paths, 'cam');
    await httpGet(server.port, '/cam/index.m3u8', { headers: { 'x-forwarded-for': '1.2.3.4' } });
    assert.equal(paths.requests.at(-1)!.ip, '127.0.0.1');
    await server.close();
    await start({ isTrustedProxy: (ip) => ip === '127.0.0.1' });
    publish(paths, 'cam');
    await httpGet(server.port, '/cam/index.m3u8', { headers: { 'x-forwarded-for': '1.2.3.4' } });
    assert.equal(paths.requests.at(-1)!.ip, '1.2.3.4');
    assert.match(logs(), /created \(requested by 1\.2\.3\.4\)/);
  });

  it('sends CORS headers: the literal *, or the configured origin with credentials; answers preflights', async () => {
    await start();
    publish(paths, 'cam');
    const r = await httpGet(server.port, '/cam/index.m3u8', { headers: { origin: 'https://evil.example' } });
    assert.equal(r.headers['access-control-allow-origin'], '*');
    assert.equal(r.headers['access-control-allow-credentials'], undefined, 'never credentials with *');
    assert.equal(r.headers.server, 'mediamtx');
    const missing = await httpGet(server.port, '/cam/nothing_seg9.mp4');
    assert.deepEqual([missing.status, missing.headers['access-control-allow-origin'], missing.headers.server], [404, '*', 'mediamtx'], 'a refused file too');
    const pre = await httpGet(server.port, '/cam/index.m3u8', { method: 'OPTIONS', headers: { origin: 'https://a.example', 'access-control-request-headers': 'range, authorization' } });
    assert.equal(pre.status, 200);
    assert.equal(pre.headers['access-control-allow-methods'], 'GET, OPTIONS');
    assert.equal(pre.headers['access-control-allow-headers'], 'range, authorization');
    await server.close();
    await start({ allowOrigin: 'https://a.example' });
    publish(paths, 'cam');
    const r2 = await httpGet(server.port, '/cam/index.m3u8', { headers: { origin: 'https://evil.example' } });
    assert.equal(r2.headers['access-control-allow-origin'], 'https://a.example', 'the configured origin, not the caller\'s');
    assert.equal(r2.headers['access-control-allow-credentials'], 'true');
    server.update({ allowOrigin: 'https://b.example' });
    assert.equal((await httpGet(server.port, '/cam/index.m3u8')).headers['access-control-allow-origin'], 'https://b.example');
  });

  it('gzips playlists for clients that take it', async () => {
    await start();
    publish(paths, 'cam');
    const r = await httpGet(server.port, '/cam/stream.m3u8', { headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.match(r.text, /^#EXTM3U\n#EXTINF/);
    const plain = await httpGet(server.port, '/cam/stream.m3u8');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.text, r.text);
  });

  it('passes If-None-Match to the muxer and sends its 304 with the caching headers and no body', async () => {
    await start();
    publish(paths, 'cam');
    const full = await httpGet(server.port, '/cam/etag.mp4');
    assert.deepEqual([full.status, full.text, full.headers['cache-control']], [200, 'segment', 'public, max-age=3600, immutable']);
    const again = await httpGet(server.port, '/cam/etag.mp4', { headers: { 'if-none-match': String(full.headers.etag) } });
    assert.deepEqual([again.status, again.text, again.headers.etag, again.headers['content-length']], [304, '', '"e1"', undefined], JSON.stringify(again.headers));
  });

  it('ends a blocked request when its client goes away, and every blocked request when the server closes', async () => {
    await start();
    publish(paths, 'cam');
    await httpGet(server.port, '/cam/index.m3u8');
    const req = request({ host: '127.0.0.1', port: server.port, path: '/cam/block.m3u8', agent: false });
    req.on('error', () => undefined);
    req.end();
    await waitFor(() => made[0] !== undefined, { timeoutMs: 2000, what: 'the muxer' });
    await new Promise((r) => setTimeout(r, 100));
    req.destroy();
    await waitFor(() => made[0]!.aborted === 1, { timeoutMs: 2000, what: 'the blocked request to end with its client' });
    const pending = httpGet(server.port, '/cam/block.m3u8').catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, 100));
    await server.close();
    assert.ok(await pending instanceof Error, 'the connection was closed');
    assert.equal(made[0]!.aborted, 2);
    assert.equal(made[0]!.closed, true);
  });

  it('does not ask the muxer for a client that went away while it was authenticated', async () => {
    await start();
    publish(paths, 'cam');
    await httpGet(server.port, '/cam/index.m3u8');
    let release = (): void => undefined;
    let asked = 0;
    const describe = paths.describe.bind(paths);
    paths.describeNow = () => undefined; // authentication that has to wait, as external authentication does
    paths.describe = async (r) => {
      asked++;
      await new Promise<void>((resolve) => { release = resolve; });
      return describe(r);
    };
    const req = request({ host: '127.0.0.1', port: server.port, path: '/cam/big.mp4', agent: false });
    req.on('error', () => undefined);
    req.end();
    await waitFor(() => asked === 1, { timeoutMs: 2000, what: 'the authentication' });
    req.destroy();
    await new Promise((r) => setTimeout(r, 100));
    release();
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(made[0]!.asked, ['index.m3u8']);
  });

  it('hands each request its own query and counts the bodies it sends as the muxer\'s bytes', async () => {
    await start();
    publish(paths, 'cam');
    const answers = [];
    for (const t of ['/cam/query.m3u8?_HLS_msn=5&_HLS_part=1', '/cam/query.m3u8?_HLS_msn=6', '/cam/query.m3u8?_HLS_msn=5&_HLS_part=1', '/cam/query.m3u8']) {
      answers.push((await httpGet(server.port, t)).text);
    }
    assert.deepEqual(answers, ['5', '6', '5', 'null']);
    await httpGet(server.port, '/cam/big.mp4');
    await httpGet(server.port, '/cam/big.mp4', { method: 'HEAD' });
    const etag = await httpGet(server.port, '/cam/etag.mp4');
    await httpGet(server.port, '/cam/etag.mp4', { headers: { 'if-none-match': String(etag.headers.etag) } });
    assert.equal(server.muxerList()[0]!.bytesSent, 1 + 1 + 1 + 4 + 1024 + 'segment'.length);
  });

  it('closes a connection whose client stops reading a body, after writeTimeout', async () => {
    await start({ writeTimeoutMs: 300 });
    publish(paths, 'cam');
    await httpGet(server.port, '/cam/index.m3u8');
    made[0]!.bigBytes = 64 << 20; // larger than what the kernel buffers on both ends can hold
    const s = connect(server.port, '127.0.0.1');
    s.write('GET /cam/big.mp4 HTTP/1.1\r\nHost: x\r\n\r\n');
    let got = 0;
    s.on('data', (d: Buffer) => { got += d.length; });
    s.pause();
    // Ten write timeouts: Node lets one more period pass when the write queue moved since its last look, and a loaded
    // machine (CI runs two test files at once) delays timers.
    await new Promise((r) => setTimeout(r, 3000));
    const ended = new Promise<void>((r) => s.on('close', () => r()));
    s.on('error', () => undefined);
    s.resume();
    await ended;
    assert.ok(got < 64 << 20, `the server gave up on the slow reader (${got} bytes arrived)`);
  });

  it('closes a connection whose request does not arrive within readTimeout (slowloris)', async () => {
    await start({ readTimeoutMs: 500 });
    const s = connect(server.port, '127.0.0.1');
    const t0 = Date.now();
    s.write('GET /cam/index.m3u8 HTTP/1.1\r\nHost: x\r\n');
    const timer = setInterval(() => s.write('X-a: b\r\n'), 100);
    let answer = '';
    s.on('data', (d: Buffer) => { answer += d.toString(); });
    await new Promise<void>((r) => { s.on('close', () => r()); s.on('error', () => undefined); });
    clearInterval(timer);
    const ms = Date.now() - t0;
    assert.ok(ms < 2500, `closed after ${ms} ms`);
    assert.match(answer, /^HTTP\/1\.1 408/);
  });

  it('refuses oversized queries and headers', async () => {
    await start();
    assert.equal((await httpGet(server.port, `/cam/index.m3u8?${'a'.repeat(5000)}`)).status, 414);
    assert.equal((await httpGet(server.port, '/cam/index.m3u8', { headers: { 'x-big': 'a'.repeat(20_000) } })).status, 431);
    assert.equal((await httpGet(server.port, '/cam/../x/index.m3u8')).status, 400);
  });
});

describe('HlsServer with hlsAlwaysRemux', () => {
  let server: HlsServer;
  let lines: string[];
  let paths: FakePathAccess;
  let events: TypedEmitter<PathEvents>;
  let made: FakeHlsMuxer[];
  /** Set to make the muxers throw on the units written from then on: a muxer error, as a bad frame would cause. */
  let breakMuxers: boolean;
  afterEach(() => server?.close());
  const start = async (): Promise<void> => {
    lines = [];
    paths = new FakePathAccess();
    events = new TypedEmitter<PathEvents>();
    breakMuxers = false;
    const f = fakeMuxerFactory();
    made = f.made;
    server = await HlsServer.listen({
      address: '127.0.0.1:0', allowOrigin: '*', isTrustedProxy: () => false, alwaysRemux: true, pathEvents: events,
      muxer: { variant: 'lowLatency', segmentCount: 7, segmentDurationMs: 1000, partDurationMs: 200, segmentMaxSize: 50 << 20, directory: '' },
      readTimeoutMs: 2000, writeTimeoutMs: 2000, readBufferCount: 64, paths, muxerCloseAfterMs: 200,
      createMuxer: (d, o) => {
        const m = f.factory(d, o) as FakeHlsMuxer;
        const write = m.writeUnit.bind(m);
        m.writeUnit = (format, unit) => { if (breakMuxers) throw new Error('broken frame'); write(format, unit); };
        return m;
      },
      log: Logger.create({ level: 'info', destinations: [], sink: (l) => lines.push(l) }),
    });
  };
  /** Publishes `cam`, announces it ready, waits for its GOP in the automatic muxer, then breaks that muxer. */
  const publishAndBreak = async (t: TestContext): Promise<ReturnType<typeof publish>> => {
    const published = publish(paths, 'cam');
    events.emit('pathReady', 'cam', published.stream);
    await waitFor(() => made[0]?.units.length === 10, { timeoutMs: 2000, what: 'the GOP to reach the first muxer' });
    // Only setTimeout is mocked: the stream reader runs on setImmediate and the listener on Node's internal timers.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    breakMuxers = true;
    published.writeFrame(15000);
    for (let i = 0; i < 1000 && server.muxerList().length > 0; i++) await new Promise((r) => setImmediate(r));
    breakMuxers = false;
    assert.deepEqual(server.muxerList(), [], `the broken muxer is gone (log: ${lines.join(' | ')})`);
    assert.match(lines.join('\n'), /\[muxer cam\] destroyed \(muxer error: broken frame\)/, lines.join('\n'));
    assert.equal(made[0]!.closed, true, 'the broken muxer was closed');
    return published;
  };

  it('makes a muxer when a path becomes ready and closes it when it is not anymore', async () => {
    await start();
    const { stream } = publish(paths, 'cam');
    events.emit('pathReady', 'cam', stream);
    assert.match(lines.join('\n'), /\[HLS\] \[muxer cam\] created automatically/);
    await waitFor(() => made[0]?.units.length === 10, { timeoutMs: 2000, what: 'the GOP to reach the muxer' });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(server.muxerList().length, 1, 'not closed for lack of requests');
    assert.equal((await httpGet(server.port, '/cam/index.m3u8')).status, 200);
    assert.equal(made.length, 1, 'the request used the muxer made at ready');
    events.emit('pathNotReady', 'cam');
    assert.deepEqual(server.muxerList(), []);
    assert.match(lines.join('\n'), /\[muxer cam\] destroyed \(the stream is not available anymore\)/);
  });

  it('makes a failed muxer again after 10 s while its stream lasts, as MediaMTX (hlsMuxerRecreatePause)', async (t) => {
    await start();
    const { writeFrame } = await publishAndBreak(t);
    t.mock.timers.tick(9_999);
    assert.equal(made.length, 1, `nothing made before the pause ends (${made.length} muxers)`);
    assert.deepEqual(server.muxerList(), [], 'no muxer during the pause');
    t.mock.timers.tick(1);
    t.mock.timers.reset();
    assert.equal(made.length, 2, `a new muxer after 10 s (${made.length} muxers)`);
    assert.deepEqual(server.muxerList().map((m) => m.name), ['cam'], 'the path has its muxer again');
    assert.equal(lines.filter((l) => /\[muxer cam\] created automatically/.test(l)).length, 2, lines.join('\n'));
    writeFrame(18000, true);
    await waitFor(() => made[1]!.units.some((u) => u.pts === 18000), { timeoutMs: 2000, what: 'the new frame to reach the new muxer' });
    const r = await httpGet(server.port, '/cam/index.m3u8');
    assert.equal(r.status, 200, `the new muxer serves the playlist: ${r.status} ${r.text}`);
    assert.match(r.text, /#UNITS:.*\b18000\b/, `the playlist comes from the new muxer, fed by the stream: ${r.text}`);
    assert.equal(made.length, 2, 'the request used the re-created muxer');
  });

  it('does not make a failed muxer again when its stream ended during the pause', async (t) => {
    await start();
    const { stream } = await publishAndBreak(t);
    stream.close();
    t.mock.timers.tick(10_000);
    t.mock.timers.reset();
    assert.equal(made.length, 1, `no muxer for an ended stream (${made.length} muxers)`);
    assert.deepEqual(server.muxerList(), [], 'none listed');
  });
});

describe('HlsServer with hlsEncryption', () => {
  it('closes while a client sits in its TLS handshake (a reload or shutdown would wait 120 s for it)', { timeout: 20_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'mtx-hls-tls-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const { key, cert } = makeSelfSignedCert(dir);
    const f = fakeMuxerFactory();
    const server = await HlsServer.listen({
      address: '127.0.0.1:0', allowOrigin: '*', isTrustedProxy: () => false, alwaysRemux: false, tls: { keyFile: key, certFile: cert },
      muxer: { variant: 'lowLatency', segmentCount: 7, segmentDurationMs: 1000, partDurationMs: 200, segmentMaxSize: 50 << 20, directory: '' },
      readTimeoutMs: 2000, writeTimeoutMs: 2000, readBufferCount: 64, paths: new FakePathAccess(), createMuxer: f.factory, log: Logger.silent(),
    });
    // TCP open, no ClientHello: no request, no connection node:http knows of.
    const stalled = connect(server.port, '127.0.0.1');
    stalled.on('error', () => {});
    const stalledClosed = new Promise<void>((r) => stalled.once('close', () => r()));
    await new Promise<void>((r) => stalled.once('connect', () => r()));
    await server.close();
    await stalledClosed;
  });
});
