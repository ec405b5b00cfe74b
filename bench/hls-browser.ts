/**
 * `npm run bench -- --protocol hls --measure start|latency [--size 640x360 --kbps 1500 --gop 1]`: what a viewer in
 * Chromium sees, with the server in its own process (bench/hls-app.ts, loopback ports) and a test file published
 * over RTSP in a loop (30 fps, 640x360 at 1.5 Mbit/s with a key frame every second by default: software decoding in
 * headless Chromium on a small machine must keep up, or stalls would be measured instead of the server).
 * - start: time from the page request of a stream that is flowing but not muxed yet to its first decoded frame
 *   (requestVideoFrameCallback, relative to the navigation's start), with the muxer fed from the GOP cache (instant
 *   start) and without (from the next key frame); `--trials N` per mode (default 8), at random GOP phases.
 * - latency: hls.js's `hls.latency` sampled every 500 ms for `--seconds S` (default 30) after 8 s of playback, for
 *   Low-Latency HLS at the default settings and with hlsPartDuration 100ms; p50 and p95 (`--always yes`: a muxer
 *   that ran 10 s before the viewer came, hlsAlwaysRemux).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeVideo, launchChromium, videoState } from '../test/support/chromium.ts';
import { start, waitFor } from '../test/support/process.ts';
import { argOf, hlsTestFile, percentile, publishLoop, type HlsTestMedia } from './hls-media.ts';

const MEASURE = argOf('measure', 'start');
const TRIALS = Math.min(30, Number(argOf('trials', '8')));
const SECONDS = Math.min(300, Number(argOf('seconds', '30')));
const ALWAYS = argOf('always', 'no') === 'yes';
const MEDIA: HlsTestMedia = { size: argOf('size', '640x360'), kbps: Number(argOf('kbps', '1500')), gopS: Number(argOf('gop', '1')) };
const RTSP_PORT = Number(argOf('port', '29754'));
const HLS_PORT = RTSP_PORT + 1;

/** Starts the server (bench/hls-app.ts, its own process) with `extra` configuration and publishes the test file to `bench`. */
async function startPublished(extra: string, gopReplay: boolean): Promise<{ kickMuxers(): void; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'mtx-hls-browser-'));
  const conf = join(dir, 'bench.yml');
  writeFileSync(conf, `logLevel: info\nrtspAddress: 127.0.0.1:${RTSP_PORT}\nrtpAddress: 127.0.0.1:0\nrtcpAddress: 127.0.0.1:0\nprotocols: [tcp]\nrtmpDisable: yes\n`
    + `webrtcDisable: yes\nhlsAddress: 127.0.0.1:${HLS_PORT}\n${extra}\npaths:\n  all:\n`);
  const server = start(process.execPath, ['--import', import.meta.resolve('tsx'), join(import.meta.dirname, 'hls-app.ts'), conf, '--gop-replay', gopReplay ? 'yes' : 'no'],
    { timeoutMs: 1_800_000, cwd: dir });
  const pub = { current: undefined as ReturnType<typeof publishLoop> | undefined };
  const stop = async (): Promise<void> => { await pub.current?.stop(); await server.stop(); rmSync(dir, { recursive: true, force: true }); };
  try {
    await waitFor(() => server.output().stdout.includes('bench server ready'), { timeoutMs: 30_000, what: 'the server', detail: () => server.output().stderr });
    pub.current = publishLoop(hlsTestFile(tmpdir(), MEDIA), `rtsp://127.0.0.1:${RTSP_PORT}/bench`);
    await waitFor(() => /\[path bench\] stream is ready/.test(server.output().stdout), { timeoutMs: 20_000, what: 'the published stream' });
  } catch (err) {
    await stop();
    throw err;
  }
  return { kickMuxers: () => { server.child.kill('SIGUSR2'); }, stop };
}

// Records when the page's video presents its first frame, on the page's clock (0 = start of the navigation).
const FIRST_FRAME_HOOK = `document.addEventListener('DOMContentLoaded', () => {
  const v = document.querySelector('video');
  if (v && v.requestVideoFrameCallback) v.requestVideoFrameCallback((now) => { window.__firstFrameMs = now; });
});`;

async function measureStart(gopReplay: boolean): Promise<number[]> {
  const srv = await startPublished('', gopReplay);
  const browser = await launchChromium();
  const out: number[] = [];
  try {
    await browser.context.addInitScript(FIRST_FRAME_HOOK);
    for (let i = 0; i < TRIALS; i++) {
      srv.kickMuxers();
      await new Promise((r) => setTimeout(r, 1000 + Math.random() * MEDIA.gopS * 1000)); // a random phase of the GOP
      const page = await browser.open(`http://127.0.0.1:${HLS_PORT}/bench/`);
      try {
        let seen = '';
        await waitFor(async () => {
          seen = describeVideo(await videoState(page));
          return await page.evaluate('window.__firstFrameMs !== undefined') as boolean;
        }, { timeoutMs: 20_000, what: 'the first frame', detail: () => seen });
        out.push(Math.round(await page.evaluate('window.__firstFrameMs') as number));
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await srv.stop();
  }
  return out;
}

/** Latency samples, and how playback went meanwhile: frames decoded per second and the longest freeze. */
interface LatencyRun { samples: number[]; fps: number; longestFreezeMs: number }

async function measureLatency(partDuration: string): Promise<LatencyRun> {
  // With --always yes, a muxer running for a while (hlsAlwaysRemux): a viewer who joins a stream others watch.
  const srv = await startPublished(`hlsPartDuration: ${partDuration}\nhlsAlwaysRemux: ${ALWAYS ? 'yes' : 'no'}`, true);
  if (ALWAYS) await new Promise((r) => setTimeout(r, 10_000));
  const browser = await launchChromium();
  const run: LatencyRun = { samples: [], fps: 0, longestFreezeMs: 0 };
  try {
    const page = await browser.open(`http://127.0.0.1:${HLS_PORT}/bench/`);
    await waitFor(async () => (await page.evaluate('document.querySelector("video").currentTime') as number) > 8, { timeoutMs: 40_000, what: '8 s of playback' });
    const first = await videoState(page);
    const t0 = Date.now();
    let last = first;
    let lastMove = t0;
    while (Date.now() - t0 < SECONDS * 1000) {
      await new Promise((r) => setTimeout(r, 500));
      const s = await videoState(page);
      if (s.latency !== undefined) run.samples.push(s.latency);
      if (s.currentTime !== last.currentTime) lastMove = Date.now();
      run.longestFreezeMs = Math.max(run.longestFreezeMs, Date.now() - lastMove);
      last = s;
    }
    run.fps = (last.frames - first.frames) / ((Date.now() - t0) / 1000);
  } finally {
    await browser.close();
    await srv.stop();
  }
  return run;
}

const fmt = (v: number[], unit: string, digits = 0): string =>
  `n=${v.length} p50 ${percentile(v, 50).toFixed(digits)} ${unit}, p95 ${percentile(v, 95).toFixed(digits)} ${unit}, min ${Math.min(...v).toFixed(digits)}, max ${Math.max(...v).toFixed(digits)}`;

console.log(`stream: ${MEDIA.size} 30 fps, ${MEDIA.kbps} kbit/s, a key frame every ${MEDIA.gopS} s`);
if (MEASURE === 'start') {
  for (const gop of [true, false]) {
    const t = await measureStart(gop);
    console.log(`first frame after the page request, ${gop ? 'instant start (GOP cache)' : 'from the next key frame  '}: ${fmt(t, 'ms')}  [${t.join(', ')}]`);
  }
} else {
  for (const part of ['200ms', '100ms']) {
    const r = await measureLatency(part);
    console.log(`hls.latency, lowLatency, hlsPartDuration ${part}: ${fmt(r.samples, 's', 2)}; ${r.fps.toFixed(1)} frames/s decoded, longest freeze ${r.longestFreezeMs} ms`);
  }
}
