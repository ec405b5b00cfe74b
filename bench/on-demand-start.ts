/**
 * `node --import tsx bench/on-demand-start.ts [--trials 8 --port 38554]`: how long a reader of an on-demand proxied
 * path waits for its first frame. An origin process gets an FFmpeg publisher (H264, a key frame every second); an
 * edge process proxies it with `sourceOnDemand: yes` (RTSP over TCP). Each trial runs `ffmpeg -frames:v 1` against
 * the edge after the source closed (the upstream connection is made by this reader), and the same against the origin
 * directly, in alternation: the difference is what pulling on demand costs. Bounded in count and time; loopback only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { run, start, waitFor } from '../test/support/process.ts';
import { ffmpegPublish } from '../test/support/media.ts';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const opt = (name: string, def: string): string => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] ?? def : def; };
const TRIALS = Math.min(30, Number(opt('trials', '8')));
const ORIGIN = Number(opt('port', '38554'));
const EDGE = ORIGIN + 10;
const dir = mkdtempSync(join(tmpdir(), 'mtx-ondemand-'));

/** Starts a server process on `port` (RTSP; RTMP on port+1) with `paths`. */
async function server(name: string, port: number, paths: string): Promise<ReturnType<typeof start>> {
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, `logLevel: info\nrtspAddress: 127.0.0.1:${port}\nrtpAddress: 127.0.0.1:${port + 2}\nrtcpAddress: 127.0.0.1:${port + 3}\n`
    + `rtmpAddress: 127.0.0.1:${port + 1}\nhlsDisable: yes\nwebrtcDisable: yes\npaths:\n${paths}`);
  const p = start(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'main.ts'), file], { timeoutMs: 1_200_000, cwd: dir });
  await waitFor(() => /\[RTSP\] listener opened/.test(p.output().stdout), { timeoutMs: 30_000, what: `${name} to listen` });
  return p;
}

/** Milliseconds from starting FFmpeg to its first decoded video frame (FFmpeg's own start-up included). */
async function firstFrameMs(url: string): Promise<number> {
  const t0 = performance.now();
  const r = await run('ffmpeg', ['-nostdin', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', url, '-frames:v', '1', '-f', 'null', '-'], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`ffmpeg failed on ${url}: ${r.stderr.slice(-400)}`);
  return performance.now() - t0;
}

/** The edge's line when its on-demand source closes after the last reader left. */
const STOPPED = /on-demand source stopped: not needed anymore/g;

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

const origin = await server('origin', ORIGIN, '  all:\n');
const edge = await server('edge', EDGE, `  cam:\n    source: rtsp://127.0.0.1:${ORIGIN}/cam\n    sourceProtocol: tcp\n    sourceOnDemand: yes\n    sourceOnDemandCloseAfter: 1s\n`);
const pub = ffmpegPublish(`rtsp://127.0.0.1:${ORIGIN}/cam`, { video: 'h264', seconds: 600 });
try {
  await waitFor(() => /\[path cam\] stream is ready/.test(origin.output().stdout), { timeoutMs: 20_000, what: 'the published stream' });
  const viaEdge: number[] = [];
  const direct: number[] = [];
  for (let i = 0; i < TRIALS; i++) {
    const closed = (edge.output().stdout.match(STOPPED) ?? []).length;
    viaEdge.push(await firstFrameMs(`rtsp://127.0.0.1:${EDGE}/cam`));
    direct.push(await firstFrameMs(`rtsp://127.0.0.1:${ORIGIN}/cam`));
    // Let the edge close its source (sourceOnDemandCloseAfter 1 s) so the next trial starts it again.
    await waitFor(() => (edge.output().stdout.match(STOPPED) ?? []).length > closed, { timeoutMs: 10_000, what: 'the on-demand source to close' });
  }
  const f = (xs: number[]): string => `p50 ${pct(xs, 0.5).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms [${xs.map((x) => x.toFixed(0)).join(', ')}]`;
  console.log(`first frame through the on-demand edge (source started by the reader): ${f(viaEdge)}`);
  console.log(`first frame from the origin directly:                              ${f(direct)}`);
  console.log(`on-demand starts the edge logged: ${(edge.output().stdout.match(/on-demand source started/g) ?? []).length}`);
} finally {
  await pub.stop();
  await edge.stop();
  await origin.stop();
  rmSync(dir, { recursive: true, force: true });
}
