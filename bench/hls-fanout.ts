/**
 * `npm run bench -- --protocol hls [--readers 50,200,500 --duration 20]`: what HLS delivery costs the server. For each
 * N, a fresh server process (hlsAlwaysRemux, Low-Latency HLS; segments in memory, then in hlsDirectory), the test file published
 * over RTSP in a loop (720p30, 4 Mbit/s, key frame every 2 s), and N readers of the load generator
 * (../shared/tools/loadgen, a separate process) for a fixed window:
 * - ll:      LL-HLS readers following the playlist with blocking reloads and fetching every part;
 * - seg:     classic readers (playlist reload, every segment once), from this server (segments in memory);
 * - seg-dir: the same, with the segments in hlsDirectory (read from disk for each request);
 * - nginx:   the same classic readers from nginx serving the same segment files of hlsDirectory as static files, with
 *            the playlists copied there every 250 ms (the floor for HTTP delivery; when nginx is installed);
 * - node-floor: the same, from the least a Node HTTP server can do (bench/hls-node-floor.ts: node:http, files answered
 *            from memory): the floor for a server written on node:http, between nginx and this project.
 * - nginx-ll, node-floor-ll: the floors of `ll`: the same LL readers, from nginx and from bench/hls-node-floor.ts
 *            serving as static files this server's LL playlists and every part, mirrored into hlsDirectory by
 *            bench/hls-ll-mirror.ts (in this process: its CPU is not counted) as the server publishes them. Without
 *            the preload hint and blocking reloads (a static server answers a blocking reload at once), the readers
 *            poll every half part: more requests and a higher latency than `ll` for the same parts.
 * Reported per run: readers ok (at the stream's rate), parts (LL modes) or segments served per second, server CPU (%
 * of one core, from /proc, nginx workers included), CPU per reader, CPU per reader without what the stream costs the
 * server with no reader (ingest and muxing, measured for 5 s before the readers: the nginx and node-floor modes serve
 * files this server made, so that is the figure to compare with theirs), peak RSS, the latency of a part or segment
 * (its arrival - its EXT-X-PROGRAM-DATE-TIME), and the load generator's own CPU.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run, start, waitFor, type Running } from '../test/support/process.ts';
import { fetchHttp } from '../test/support/hls-media.ts';
import { argOf, hlsTestFile, publishLoop } from './hls-media.ts';
import { cpuSeconds, serverArgs } from './bench-process.ts';
import { mirrorLowLatency } from './hls-ll-mirror.ts';

const ROOT = resolve(import.meta.dirname, '..');
const LOADGEN = resolve(ROOT, '..', 'shared', 'tools', 'loadgen', 'loadgen.js');
const COUNTS = argOf('readers', '50,200,500').split(',').map(Number).filter((n) => n > 0 && n <= 2000);
const WINDOW_S = Math.min(120, Number(argOf('duration', '20')));
const RTSP_PORT = Number(argOf('port', '29554'));
const HLS_PORT = RTSP_PORT + 1;
const NGINX_PORT = RTSP_PORT + 2;
const MODES = argOf('modes', 'll,seg,seg-dir,nginx,node-floor,nginx-ll,node-floor-ll').split(',');
// Runs served by a server keeping segments in memory (the default), and by one writing them to hlsDirectory.
const MEMORY_MODES = ['ll', 'seg'];
const DIRECTORY_MODES = ['seg-dir', 'nginx', 'node-floor', 'nginx-ll', 'node-floor-ll'];
// Runs served by another server (nginx, bench/hls-node-floor.ts) from the files of hlsDirectory; and the runs of LL readers.
const FLOOR_MODES = ['nginx', 'node-floor', 'nginx-ll', 'node-floor-ll'];
const LL_MODES = ['ll', 'nginx-ll', 'node-floor-ll'];

interface Row {
  mode: string; readers: number; ok: number; played: number; unitsPerS: number; cpuPct: number; cpuMsPerReaderS: number; rssMiB: number;
  loadgenPct: number; busyPct: number; mbps: number; latencyP50Ms: number;
  /** CPU of the same process with the stream flowing and no reader (ingest and muxing), % of a core; 0 for nginx and node-floor. */
  basePct: number;
}

function nginxConf(dir: string, root: string): string {
  return `daemon off; master_process off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/nginx-error.log warn;
events { worker_connections 4096; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_body_temp_path ${dir}/t; proxy_temp_path ${dir}/t; fastcgi_temp_path ${dir}/t; uwsgi_temp_path ${dir}/t; scgi_temp_path ${dir}/t;
  types { application/vnd.apple.mpegurl m3u8; video/mp4 mp4; }
  server { listen 127.0.0.1:${NGINX_PORT}; root ${root}; location ~ \\.m3u8$ { add_header Cache-Control no-cache; } } }
`;
}

/** Copies the server's playlists next to its segment files every 250 ms, so that nginx can serve them. */
function mirrorPlaylists(root: string): { stop(): void } {
  let stopped = false;
  void (async () => {
    while (!stopped) {
      for (const f of ['index.m3u8', 'stream.m3u8']) {
        const r = await fetchHttp(`http://127.0.0.1:${HLS_PORT}/bench/${f}`).catch(() => undefined);
        if (r?.status === 200 && existsSync(root)) { writeFileSync(join(root, `${f}.tmp`), r.body); renameSync(join(root, `${f}.tmp`), join(root, f)); }
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return { stop: () => { stopped = true; } };
}

async function loadgen(url: string, n: number, pid: number, mode: string, out: string): Promise<Row> {
  const args = [LOADGEN, '--url', url, '--readers', String(n), '--duration', String(WINDOW_S), '--pid', String(pid), '--json', out, '--quiet',
    '--workers', n >= 100 ? '2' : '1', '--ramp-ms', n >= 200 ? '10' : '20', ...(LL_MODES.includes(mode) ? [] : ['--hls-ll', 'off'])];
  const r = await run(process.execPath, args, { timeoutMs: (WINDOW_S + 120) * 1000 });
  if (!existsSync(out)) throw new Error(`loadgen wrote no result: ${r.stderr.slice(-600)}`);
  const s = JSON.parse(readFileSync(out, 'utf8')).summary;
  const units = LL_MODES.includes(mode) ? s.hls.partsPerReaderS : s.hls.segmentsPerReaderS;
  return {
    mode, readers: n, ok: s.ok, played: s.played, unitsPerS: units * s.played, cpuPct: s.server.cpuPct, cpuMsPerReaderS: s.server.cpuMsPerReaderS,
    rssMiB: s.server.rssPeakKb / 1024, loadgenPct: s.loadgen?.cpuPct ?? NaN, busyPct: s.system?.busyPct ?? NaN, mbps: s.aggMbps,
    latencyP50Ms: s.hls.latencyMs.p50 ?? NaN, basePct: 0,
  };
}

async function cell(n: number, file: string, dir: string, modes: readonly string[], isDirectory: boolean): Promise<Row[]> {
  if (modes.length === 0) return [];
  const hlsDir = join(dir, 'hls');
  rmSync(hlsDir, { recursive: true, force: true });
  mkdirSync(hlsDir, { recursive: true });
  const conf = join(dir, 'bench.yml');
  writeFileSync(conf, `logLevel: info\nwebrtcDisable: yes\nrtmpDisable: yes\nprotocols: [tcp]\nrtspAddress: 127.0.0.1:${RTSP_PORT}\n`
    + `hlsAddress: 127.0.0.1:${HLS_PORT}\nhlsAlwaysRemux: yes\n${isDirectory ? `hlsDirectory: ${hlsDir}\n` : ''}paths:\n  all:\n`);
  const server = start(process.execPath, serverArgs(conf), { timeoutMs: 1_800_000, cwd: dir });
  const running: Running[] = [server];
  const rows: Row[] = [];
  try {
    await waitFor(() => /\[HLS\] listener opened/.test(server.output().stdout), { timeoutMs: 30_000, what: 'the server to listen', detail: () => server.output().stdout + server.output().stderr });
    running.push(publishLoop(file, `rtsp://127.0.0.1:${RTSP_PORT}/bench`, 1700));
    await waitFor(async () => (await fetchHttp(`http://127.0.0.1:${HLS_PORT}/bench/stream.m3u8`).catch(() => undefined))?.status === 200, { timeoutMs: 30_000, what: 'the HLS stream' });
    await new Promise((r) => setTimeout(r, 8000)); // a full playlist
    const pid = server.child.pid!;
    // What the stream costs this server before any reader (RTSP ingest, muxing, segments to disk): nginx and the
    // node floor serve the files the server made, so only the rest compares with them.
    const c0 = cpuSeconds(pid);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 5000));
    const basePct = ((cpuSeconds(pid) - c0) / ((Date.now() - t0) / 1000)) * 100;
    for (const mode of modes) {
      if (!FLOOR_MODES.includes(mode)) {
        rows.push({ ...await loadgen(`http://127.0.0.1:${HLS_PORT}/bench/index.m3u8`, n, pid, mode, join(dir, `${mode}-${n}.json`)), basePct });
        continue;
      }
      const isNginx = mode.startsWith('nginx');
      if (isNginx && !existsSync('/usr/sbin/nginx')) { console.log('nginx is not installed (apt-get install -y nginx): nginx runs left out'); continue; }
      const root = join(hlsDir, 'bench');
      if (isNginx) {
        mkdirSync(join(dir, 't'), { recursive: true });
        writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, root));
      }
      const llMirror = LL_MODES.includes(mode) ? mirrorLowLatency(`http://127.0.0.1:${HLS_PORT}/bench/`, root) : undefined;
      const mirror = llMirror ?? mirrorPlaylists(root);
      const floor = isNginx
        ? start('/usr/sbin/nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { timeoutMs: 600_000 })
        : start(process.execPath, ['--import', import.meta.resolve('tsx'), join(import.meta.dirname, 'hls-node-floor.ts'), root, String(NGINX_PORT)], { timeoutMs: 600_000 });
      try {
        await llMirror?.ready;
        await waitFor(async () => (await fetchHttp(`http://127.0.0.1:${NGINX_PORT}/index.m3u8`).catch(() => undefined))?.status === 200, { timeoutMs: 15_000, what: mode });
        rows.push(await loadgen(`http://127.0.0.1:${NGINX_PORT}/index.m3u8`, n, floor.child.pid!, mode, join(dir, `${mode}-${n}.json`)));
      } finally {
        await mirror.stop();
        await floor.stop('SIGTERM');
      }
    }
  } finally {
    for (const r of running.reverse()) await r.stop();
  }
  return rows;
}

if (!existsSync(LOADGEN)) throw new Error(`the load generator is missing: ${LOADGEN}`);
execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
const dir = mkdtempSync(join(tmpdir(), 'mtx-hls-fanout-'));
const file = hlsTestFile(tmpdir());
const unit = (m: string): string => (LL_MODES.includes(m) ? 'parts/s' : 'segments/s');
try {
  console.log('mode\tN\tok/played\tserved\tMbit/s\tserver CPU (% of a core)\tCPU ms per reader-second\twithout the stream\'s own cost (no readers: % of a core)\tpeak RSS MiB\tunit latency p50 ms\tloadgen CPU %\tmachine busy %');
  for (const n of COUNTS) {
    const rows = [
      ...await cell(n, file, dir, MODES.filter((m) => MEMORY_MODES.includes(m)), false),
      ...await cell(n, file, dir, MODES.filter((m) => DIRECTORY_MODES.includes(m)), true),
    ];
    for (const r of rows) {
      console.log(`${r.mode}\t${r.readers}\t${r.ok}/${r.played}\t${r.unitsPerS.toFixed(0)} ${unit(r.mode)}\t${r.mbps.toFixed(0)}\t${r.cpuPct.toFixed(1)}\t${r.cpuMsPerReaderS.toFixed(2)}\t${((r.cpuPct - r.basePct) * 10 / r.readers).toFixed(2)} (${r.basePct.toFixed(1)})\t${r.rssMiB.toFixed(0)}\t${r.latencyP50Ms.toFixed(0)}\t${r.loadgenPct.toFixed(0)}\t${r.busyPct.toFixed(0)}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
