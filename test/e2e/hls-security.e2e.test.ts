import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish } from '../support/media.ts';
import { describeRunning, waitFor, type Running } from '../support/process.ts';
import { describeVideo, launchChromium, videoState, waitForPlayback, type TestBrowser, type VideoState } from '../support/chromium.ts';
import { ffmpegDecodeHls, fetchHttp, hlsUrl } from '../support/hls-media.ts';
import { makeSelfSignedCert } from '../support/tls.ts';
import { pidWithArg, rawConnect, rawExchange, rssMiB, serverSideTcpState } from '../support/http-attacks.ts';

const LIVE_SECONDS = 300;
const PATHS = `paths:
  locked:
    readUser: reader
    readPass: readpass
  iplocked:
    readIPs: [10.9.9.9]
  all:
`;
const basic = (user: string, pass: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });

/** Publishes H264+AAC over RTSP to each path and waits until they are ready. */
async function publishAll(server: TestServer, paths: readonly string[], running: Running[]): Promise<void> {
  for (const p of paths) running.push(ffmpegPublish(server.url(p), { video: 'h264', audio: 'aac', seconds: LIVE_SECONDS }));
  for (const p of paths) await server.waitForLog(new RegExp(`\\[path ${p}\\] stream is ready`), 20_000);
}

/** Samples a playing page until stopped: the longest time `currentTime` stood still, and the frames decoded. */
function watchCanary(page: Page): { stop(): Promise<{ maxStallMs: number; first: VideoState; last: VideoState; samples: number }> } {
  let stopped = false;
  let maxStallMs = 0;
  let first: VideoState | undefined;
  let last: VideoState | undefined;
  let lastAdvance = Date.now();
  let samples = 0;
  const loop = (async () => {
    while (!stopped) {
      const s = await videoState(page);
      samples++;
      if (!first) first = s;
      if (last && s.currentTime > last.currentTime) lastAdvance = Date.now();
      maxStallMs = Math.max(maxStallMs, Date.now() - lastAdvance);
      last = s;
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return { stop: async () => { stopped = true; await loop; return { maxStallMs, first: first!, last: last!, samples }; } };
}

/** A plain page server on 127.0.0.1 (another origin than the HLS server's; loopback, so no local-network rules apply). */
async function originServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const srv = createServer((_req, res) => { res.writeHead(200, { 'Content-Type': 'text/html' }); res.end('<html><body>another site</body></html>'); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(() => r()); }) };
}

describe('HLS over HTTP: authentication, IP lists, trusted proxies, CORS, and hostile clients beside a canary player', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let allowed: Awaited<ReturnType<typeof originServer>>;
  let other: Awaited<ReturnType<typeof originServer>>;
  const running: Running[] = [];
  before(async () => {
    allowed = await originServer();
    other = await originServer();
    server = await startServer(`hlsAllowOrigin: ${allowed.origin}\nhlsTrustedProxies: [127.0.0.1]\nreadTimeout: 3s\nwriteTimeout: 3s\n${PATHS}`, {}, { hls: true });
    await publishAll(server, ['canary', 'locked', 'iplocked'], running);
    browser = await launchChromium({ credentials: { username: 'reader', password: 'readpass' } });
  });
  after(async () => {
    await browser?.close();
    await Promise.all(running.map((r) => r.stop()));
    await server?.stop();
    await allowed?.close();
    await other?.close();
  });

  it('asks for read credentials with the Basic challenge, refuses wrong ones, serves right ones (FFmpeg and Chromium)', async () => {
    const none = await fetchHttp(hlsUrl(server, 'locked'));
    assert.equal(none.status, 401, none.text);
    assert.equal(none.headers['www-authenticate'], 'Basic realm="mediamtx"');
    const wrong = await fetchHttp(hlsUrl(server, 'locked'), { headers: basic('reader', 'nope') });
    assert.equal(wrong.status, 401);
    assert.ok(wrong.ms >= 400, `a refusal is delayed (${wrong.ms} ms)`);
    await server.waitForLog(/authentication failed for 'reader' from 127\.0\.0\.1/, 5_000);
    assert.equal((await fetchHttp(hlsUrl(server, 'locked'), { headers: basic('reader', 'readpass') })).status, 200);
    for (const file of ['stream.m3u8', 'init.mp4']) {
      assert.equal((await fetchHttp(hlsUrl(server, 'locked', file))).status, 401, `${file} too is authenticated`);
    }
    const d = await ffmpegDecodeHls(hlsUrl(server, 'locked', 'index.m3u8', { user: 'reader', pass: 'readpass' }));
    assert.ok(d.video >= 40, `${d.detail}\n${logTail(server)}`);
    const page = await browser.open(hlsUrl(server, 'locked', ''));
    try {
      await waitForPlayback(page, { minFrames: 25, minAdvanceS: 1, timeoutMs: 30_000 });
    } finally {
      await page.close();
    }
  });

  it('applies readIPs to the client address, taken from X-Forwarded-For only because the peer is a trusted proxy', async () => {
    assert.equal((await fetchHttp(hlsUrl(server, 'iplocked'))).status, 401, '127.0.0.1 is not in readIPs');
    assert.equal((await fetchHttp(hlsUrl(server, 'iplocked'), { headers: { 'x-forwarded-for': '10.9.9.9' } })).status, 200);
    assert.equal((await fetchHttp(hlsUrl(server, 'iplocked'), { headers: { 'x-forwarded-for': '10.9.9.9, 1.2.3.4' } })).status, 401, 'the hop next to the proxy counts');
    await server.waitForLog(/\[muxer iplocked\] created \(requested by 10\.9\.9\.9\)/, 5_000);
  });

  it('answers with the configured origin, never the caller\'s, and Chromium enforces it', async () => {
    const r = await fetchHttp(hlsUrl(server, 'canary'), { headers: { origin: 'http://evil.example' } });
    assert.equal(r.headers['access-control-allow-origin'], allowed.origin);
    assert.equal(r.headers['access-control-allow-credentials'], 'true');
    const pre = await fetchHttp(hlsUrl(server, 'canary'), { method: 'OPTIONS', headers: { origin: allowed.origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'range' } });
    assert.equal(pre.status, 200);
    assert.equal(pre.headers['access-control-allow-methods'], 'GET, OPTIONS');
    assert.equal(pre.headers['access-control-allow-headers'], 'range');
    const results: Record<string, string> = {};
    for (const site of [allowed, other]) {
      const page = await browser.open(`${site.origin}/page`);
      try {
        // A header outside the CORS safelist makes the browser send a preflight first.
        results[site === allowed ? 'allowed' : 'other'] = await page.evaluate(`fetch(${JSON.stringify(hlsUrl(server, 'canary'))}, { headers: { 'X-Player': 'test' } })
          .then((r) => 'status ' + r.status, (e) => 'blocked: ' + e.message)`) as string;
      } finally {
        await page.close();
      }
    }
    assert.deepEqual(results, { allowed: 'status 200', other: 'blocked: Failed to fetch' });
  });

  it('answers every hostile request with a 4xx or a closed connection while a canary player keeps decoding', async () => {
    const canaryPage = await browser.open(hlsUrl(server, 'canary', ''));
    const pid = pidWithArg(join(server.dir, 'mediamtx.yml'));
    assert.ok(pid, 'server pid');
    try {
      await waitForPlayback(canaryPage, { minFrames: 10, minAdvanceS: 0.5, timeoutMs: 30_000 });
      const watch = watchCanary(canaryPage);
      const firstListed = /^([0-9a-f]+)_seg\d+\.mp4$/m.exec((await fetchHttp(hlsUrl(server, 'canary', 'stream.m3u8'))).text);
      assert.ok(firstListed, 'the canary playlist lists a segment');
      const [firstSegment, prefix] = [firstListed[0], firstListed[1]!];
      const rssBefore = rssMiB(pid);
      const port = server.ports.hls;
      const seen: string[] = [];
      // Targets go out byte for byte (an HTTP client library would normalise `..` and `%2e%2e` away first).
      const expect = async (what: string, target: string, want: number, headers: Record<string, string> = {}): Promise<void> => {
        const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
        const r = await rawExchange(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${head}\r\n`);
        const status = /^HTTP\/1\.1 (\d{3})/.exec(r.answer)?.[1];
        if (status !== String(want)) seen.push(`${what}: ${target.slice(0, 80)} → ${status ?? `no answer (${JSON.stringify(r.answer.slice(0, 40))})`}, wanted ${want}`);
      };

      // Thousands of random names: 404, and nothing is made for them.
      for (let i = 0; i < 5000; i += 100) {
        await Promise.all(Array.from({ length: 100 }, (_, j) => expect('random name', `/rnd${i + j}x${Math.random().toString(36).slice(2, 9)}/index.m3u8`, 404)));
      }
      // Traversal, encoded separators, overlong targets and headers, bad LL-HLS directives.
      await expect('traversal', '/canary/../../etc/passwd', 400);
      await expect('encoded traversal', '/canary/%2e%2e/%2e%2e/index.m3u8', 400);
      await expect('encoded slash', '/canary%2Findex.m3u8', 400);
      await expect('backslash', '/%5C%5Cevil.com', 400);
      await expect('NUL', '/canary%00/index.m3u8', 400);
      await expect('huge query', `/canary/index.m3u8?${'a'.repeat(8000)}`, 414);
      await expect('huge header', '/canary/index.m3u8', 431, { 'x-big': 'a'.repeat(20_000) });
      await expect('part far in the future', '/canary/stream.m3u8?_HLS_msn=999999&_HLS_part=0', 400);
      await expect('_HLS_part without _HLS_msn', '/canary/stream.m3u8?_HLS_part=1', 400);
      await expect('not a number', '/canary/stream.m3u8?_HLS_msn=abc', 400);
      // part0 is in the first segment the canary's playlist listed (or in an older one): once the playlist no longer
      // lists that segment, its parts must be gone too. (Low-Latency playlists start with gap entries, so the media
      // sequence alone does not say it.)
      const stillListed = async (): Promise<boolean> => (await fetchHttp(hlsUrl(server, 'canary', 'stream.m3u8'))).text.includes(`\n${firstSegment}\n`);
      await waitFor(async () => !(await stillListed()), { timeoutMs: 20_000, what: `${firstSegment} leaving the canary playlist` });
      await expect('part long gone', `/canary/${prefix}_part0.mp4`, 404);
      await expect('segment never made', `/canary/${prefix}_seg99999999.mp4`, 404);
      await expect('open redirect', '//evil.com', 301);
      const redirect = await fetchHttp(`http://127.0.0.1:${port}//evil.com`);
      if (redirect.headers.location !== '/evil.com/') seen.push(`open redirect: Location ${String(redirect.headers.location)}`);
      // Garbage and slow requests: answered 400/408 and closed.
      const garbage = await rawExchange(port, Buffer.from('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n', 'latin1'));
      if (!garbage.closedByServer || !/^HTTP\/1\.1 400/.test(garbage.answer)) seen.push(`garbage: ${JSON.stringify(garbage.answer.slice(0, 40))} closed=${garbage.closedByServer}`);
      const slow = await Promise.all(Array.from({ length: 20 }, async () => {
        const s = await rawConnect(port);
        const t0 = Date.now();
        s.on('error', () => undefined);
        s.write('GET /canary/index.m3u8 HTTP/1.1\r\n');
        const timer = setInterval(() => s.write('X'), 500);
        await new Promise<void>((r) => s.on('close', () => r()));
        clearInterval(timer);
        return Date.now() - t0;
      }));
      // Node checks request deadlines once a second: readTimeout plus up to a second, plus load.
      if (Math.max(...slow) > 3000 + 2500) seen.push(`slowloris: closed after ${Math.max(...slow)} ms (readTimeout 3 s)`);
      // A client that asks for many segments and never reads: the server gives up after writeTimeout.
      const pl = await fetchHttp(hlsUrl(server, 'canary', 'stream.m3u8'));
      const seg = /^([0-9a-f]+_seg\d+\.mp4)$/m.exec(pl.text)?.[1];
      assert.ok(seg, `a segment in the playlist\n${pl.text}`);
      const sink = await rawConnect(port);
      sink.on('error', () => undefined);
      sink.pause();
      sink.write(`GET /canary/${seg} HTTP/1.1\r\nHost: x\r\n\r\n`.repeat(1000));
      // A client that reads the same segments at 1 byte/s (one byte per read, then paused: a readable socket's
      // read() would pull 64 KB from the kernel each time): the kernel's buffers fill, the server's writes stop
      // progressing and writeTimeout ends it just the same (it is not a leak, whatever the pace).
      let trickled = 0;
      const trickle = connect({ host: '127.0.0.1', port, onread: { buffer: Buffer.alloc(1), callback: (n) => { trickled += n; return false; } } });
      trickle.on('error', () => undefined);
      await once(trickle, 'connect');
      trickle.write(`GET /canary/${seg} HTTP/1.1\r\nHost: x\r\n\r\n`.repeat(1000));
      const reader = setInterval(() => trickle.resume(), 1000);
      // Node's socket timeout lets one more period pass when the write queue changed since the last look: ≤ 2 × writeTimeout.
      // This is the bound being tested, so it is waited out whole.
      await new Promise((r) => setTimeout(r, 2 * 3000 + 2500));
      const state = serverSideTcpState(port, sink.localPort!);
      if (state === 'ESTABLISHED') seen.push(`a client that does not read is still connected 8.5 s later (writeTimeout 3 s)`);
      const trickleState = serverSideTcpState(port, trickle.localPort!);
      if (trickleState === 'ESTABLISHED') seen.push(`a client reading 1 byte/s is still connected 8.5 s later (writeTimeout 3 s)`);
      if (trickled === 0 || trickled > 20) seen.push(`the trickling client read ${trickled} bytes in about 8 s (1 byte/s wanted)`);
      clearInterval(reader);
      sink.destroy();
      trickle.destroy();

      const canary = await watch.stop();
      const rssAfter = rssMiB(pid);
      assert.deepEqual(seen, [], `each hostile request answered as wanted\n${logTail(server)}`);
      assert.doesNotMatch(server.logs(), /\[muxer rnd/, 'no muxer for the random names');
      assert.ok(rssAfter - rssBefore < 60, `memory bounded: RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MiB`);
      const why = `canary: ${canary.samples} samples, longest stall ${canary.maxStallMs} ms\nfirst: ${describeVideo(canary.first)}\nlast:  ${describeVideo(canary.last)}`;
      assert.ok(canary.maxStallMs < 2000, why);
      assert.ok(canary.last.frames - canary.first.frames >= 25, why);
      assert.ok(canary.last.error === undefined, why);
    } finally {
      await canaryPage.close();
    }
  });
});

describe('HLS over HTTPS with a self-signed certificate', () => {
  let server: TestServer;
  let browser: TestBrowser;
  const running: Running[] = [];
  before(async () => {
    server = await startServer((dir) => {
      const { key, cert } = makeSelfSignedCert(dir);
      return `hlsEncryption: yes\nhlsServerKey: ${key}\nhlsServerCert: ${cert}\n${PATHS}`;
    }, {}, { hls: true });
    await publishAll(server, ['tls', 'iplocked'], running);
    browser = await launchChromium({ ignoreHttpsErrors: true });
  });
  after(async () => {
    await browser?.close();
    await Promise.all(running.map((r) => r.stop()));
    await server?.stop();
  });

  it('Chromium plays the page and FFmpeg decodes the stream over HTTPS; plain HTTP gets no stream', async () => {
    const page = await browser.open(hlsUrl(server, 'tls', '', { secure: true }));
    try {
      await waitForPlayback(page, { minFrames: 25, minAdvanceS: 1, audio: true, timeoutMs: 30_000 })
        .catch((err: Error) => { throw new Error(`${err.message}\n${describeRunning('publisher', running[0]!)}\n${logTail(server)}`); });
    } finally {
      await page.close();
    }
    const d = await ffmpegDecodeHls(hlsUrl(server, 'tls', 'index.m3u8', { secure: true }));
    assert.ok(d.video >= 40 && d.audio >= 40, `${d.detail}\n${logTail(server)}`);
    const plain = await fetchHttp(hlsUrl(server, 'tls')).then((r) => `status ${r.status}`, (e: Error) => `failed: ${e.message}`);
    assert.doesNotMatch(plain, /status 200/, plain);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const r = await fetchHttp(hlsUrl(server, 'iplocked', 'index.m3u8', { secure: true }), { headers: { 'x-forwarded-for': '10.9.9.9' } });
    assert.equal(r.status, 401);
  });
});
