/**
 * `node --import tsx bench/source-flap.ts [--minutes 10 --port 39554]`: a long flapping-upstream run. An origin server
 * process gets an FFmpeg publisher that publishes for 8 s and pauses for 4 s, over and over, and the origin itself is
 * killed and restarted every fifth cycle; an edge server pulls it through three always-on sources (RTSP over UDP with
 * automatic fallback, RTSP over TCP, RTMP), with an FFmpeg reader on one of them that reconnects whenever it is
 * dropped. Every 30 s it prints the edge's RSS, open file descriptors and reconnections; at the end, the totals.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { start, waitFor, type Running } from '../test/support/process.ts';
import { ffmpegPublish } from '../test/support/media.ts';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const opt = (name: string, def: string): string => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] ?? def : def; };
const MINUTES = Number(opt('minutes', '10'));
const ORIGIN = Number(opt('port', '39554'));
const EDGE = ORIGIN + 10;
const dir = mkdtempSync(join(tmpdir(), 'mtx-flap-'));

function server(name: string, port: number, paths: string): { run: () => Running; log: () => string } {
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, `hlsDisable: yes\nwebrtcDisable: yes\nrtspAddress: 127.0.0.1:${port}\nrtmpAddress: 127.0.0.1:${port + 1}\n`
    + `rtpAddress: 127.0.0.1:${port + 2}\nrtcpAddress: 127.0.0.1:${port + 3}\nmulticastRTPPort: ${port + 4}\nmulticastRTCPPort: ${port + 5}\npaths:\n${paths}`);
  let out = '';
  return {
    run: () => {
      const r = start(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'main.ts'), file], { timeoutMs: (MINUTES + 5) * 60_000, cwd: dir });
      r.child.stdout!.on('data', (d: Buffer) => { out += d.toString(); if (out.length > 8 << 20) out = out.slice(-(4 << 20)); });
      return r;
    },
    log: () => out,
  };
}

const rssMiB = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const fds = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const origin = server('origin', ORIGIN, '  all:\n');
const edge = server('edge', EDGE, `  udp:\n    source: rtsp://127.0.0.1:${ORIGIN}/cam\n  tcp:\n    source: rtsp://127.0.0.1:${ORIGIN}/cam\n    sourceProtocol: tcp\n`
  + `  rtmp:\n    source: rtmp://127.0.0.1:${ORIGIN + 1}/cam\n`);
let originProc = origin.run();
const edgeProc = edge.run();
await waitFor(() => /\[RTMP\] listener opened/.test(edge.log()) && /\[RTMP\] listener opened/.test(origin.log()), { timeoutMs: 30_000, what: 'both servers' });
const pid = edgeProc.child.pid!;
const samples: { min: number; rss: number; fds: number }[] = [];
const sample = (): void => { samples.push({ min: (Date.now() - t0) / 60_000, rss: rssMiB(pid), fds: fds(pid) }); };
const t0 = Date.now();
let stopped = false;
// A reader that comes back whenever the edge drops it (the stream goes with the upstream).
const readerLoop = (async () => {
  let reads = 0;
  while (!stopped) {
    reads++;
    await start('ffmpeg', ['-nostdin', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', `rtsp://127.0.0.1:${EDGE}/tcp`, '-f', 'null', '-'], { timeoutMs: 120_000 }).done;
    await sleep(500);
  }
  return reads;
})();
const timer = setInterval(() => {
  sample();
  const s = samples[samples.length - 1]!;
  const back = (edge.log().match(/the upstream is back/g) ?? []).length;
  console.log(`${s.min.toFixed(1)} min\tedge RSS ${s.rss.toFixed(0)} MiB\tfds ${s.fds}\treconnections so far ${back}`);
}, 30_000);
sample();
let cycles = 0;
while (Date.now() - t0 < MINUTES * 60_000) {
  cycles++;
  const pub = ffmpegPublish(`rtsp://127.0.0.1:${ORIGIN}/cam`, { video: 'h264', audio: 'aac', transport: 'tcp', seconds: 8 });
  await pub.done;
  await sleep(4000);
  if (cycles % 5 === 0) {
    await originProc.stop('SIGKILL');
    originProc = origin.run();
    await waitFor(() => (origin.log().match(/\[RTMP\] listener opened/g) ?? []).length > cycles / 5, { timeoutMs: 30_000, what: 'the origin again' });
  }
}
stopped = true;
clearInterval(timer);
sample();
const log = edge.log();
const per = (p: string): number => (log.match(new RegExp(`\\[path ${p}\\] \\[\\w+ source\\] the upstream is back`, 'g')) ?? []).length;
const errors = (log.match(/ ERR /g) ?? []).length;
await originProc.stop();
const reads = await Promise.race([readerLoop, sleep(5000).then(() => -1)]);
await edgeProc.stop();
const first = samples[1] ?? samples[0]!;
const last = samples[samples.length - 1]!;
console.log(`${MINUTES} min, ${cycles} publish cycles, origin killed ${Math.floor(cycles / 5)} times; reconnections: udp ${per('udp')}, tcp ${per('tcp')}, rtmp ${per('rtmp')}; `
  + `${errors} error lines; reader sessions ${reads}`);
console.log(`edge RSS ${first.rss.toFixed(0)} → ${last.rss.toFixed(0)} MiB (max ${Math.max(...samples.map((s) => s.rss)).toFixed(0)}), fds ${first.fds} → ${last.fds}`);
rmSync(dir, { recursive: true, force: true });
