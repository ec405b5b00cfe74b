/**
 * `npm run bench [-- --protocol rtsp|rtmp --transport tcp|udp --readers 1,50,200 --duration 15 --proxy]`: fan-out cost of the server (`--protocol hls`:
 * see bench/hls-fanout.ts and bench/hls-browser.ts; `--anchors`: beside nginx-rtmp and GStreamer, bench/anchors.ts). For each
 * N, a fresh server process, one FFmpeg publisher of the same protocol (720p30 H264 4 Mbit/s + AAC, encoded once,
 * then sent with -c copy in a loop) and N readers in this process (RTSP/TCP, RTSP/UDP or RTMP); over a fixed window it reports
 * readers served, gaps (RTP sequence gaps; RTMP video timestamps that jump back or by more than 100 ms), server CPU
 * (% of one core, from /proc) and RSS, and the marginal CPU cost of a reader. Bounded in count and time. CPU and RSS
 * include the server's fan-out shards (MEDIAMTX_TS_FANOUT_SHARDS, docs/multicore-fanout.md), whose share is printed apart.
 * `--proxy`: each N is measured twice in the run, with the stream published to the server directly and with the server
 * pulling it from a second server process (an `rtsp://` source over TCP), and the difference is printed: the cost of
 * proxying. Only the measured server's CPU counts, not the origin's.
 * `--transport udp` (RTSP): the readers are RTSP/UDP (client_port pairs), every track set up, gaps counted on the
 * video track's RTP sequence numbers. `--udp-batch on,sendmmsg,off` then measures each N once per value, in that order:
 * the server's batching (native/udp-batch, when built) with UDP GSO, without GSO, and turned off
 * (MEDIAMTX_TS_UDP_BATCH=sendmmsg / off).
 * `--core-quota PCT` (root): every server process, the main one and each fan-out shard, runs in a CPU cgroup of its own
 * capped at PCT % of one CPU (bench/cpu-quota.ts), emulating cores of that size; a reader then counts as served at 90 %
 * of the stream's bitrate (the test file's), not of the best reader's, and each process's CPU is printed.
 */
import { createSocket, type Socket } from 'node:dgram';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, waitFor } from '../test/support/process.ts';
import { RawRtspClient } from '../test/support/rtsp-raw-client.ts';
import { playRtmpMessages } from '../test/support/rtmp-raw-player.ts';
import { RtmpMessageType } from '../src/protocols/rtmp/index.ts';
import { cpuSeconds, isListening, processTree, serverArgs, testFile, treeCpuDelta, treeCpuSeconds, treeRssMiB } from './bench-process.ts';
import { CpuQuotaCores } from './cpu-quota.ts';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] ?? def : def; };
// Beside nginx-rtmp and GStreamer's RTSP server, in one interleaved run of the load generator (anchors.ts).
if (args.includes('--anchors')) {
  await import('./anchors.ts');
  process.exit(0);
}
// HLS has its own benchmarks: delivery to many readers (hls-fanout.ts), and what a browser sees (hls-browser.ts, --measure).
if (opt('protocol', 'rtsp') === 'hls') {
  await import(args.includes('--measure') ? './hls-browser.ts' : './hls-fanout.ts');
  process.exit(0);
}
// WebRTC: WHEP viewers against RTSP/UDP readers of the same stream (webrtc-fanout.ts), and what a browser sees
// (webrtc-browser.ts, --measure start).
if (opt('protocol', 'rtsp') === 'webrtc') {
  await import(args.includes('--measure') ? './webrtc-browser.ts' : './webrtc-fanout.ts');
  process.exit(0);
}
const COUNTS = opt('readers', '1,50,200').split(',').map(Number).filter((n) => n > 0 && n <= 1000);
const WINDOW_S = Math.min(120, Number(opt('duration', '15')));
const WARMUP_S = 3;
const PORT = Number(opt('port', '28554'));
const RTMP_PORT = PORT + 1;
const PROTOCOL = opt('protocol', 'rtsp') === 'rtmp' ? 'rtmp' : 'rtsp';
const IS_PROXY = args.includes('--proxy');
const ORIGIN_PORT = PORT + 2;
const IS_UDP = PROTOCOL === 'rtsp' && opt('transport', 'tcp') === 'udp';
// Server RTP/RTCP ports of the UDP readers, after the origin's RTSP and RTMP ports.
const RTP_PORT = PORT + 4;
const CORE_QUOTA = Number(opt('core-quota', '0'));
// Checked before any server starts: the constructor says what is missing (root, the cgroup cpu controller).
if (CORE_QUOTA > 0) new CpuQuotaCores(CORE_QUOTA);
const BATCH_MODES = IS_UDP ? opt('udp-batch', 'on').split(',').filter((m) => m === 'on' || m === 'sendmmsg' || m === 'off') : [''];


interface ReaderStats { packets: number; bytes: number; gaps: number; last: number | undefined }

async function openReader(path: string, stats: ReaderStats): Promise<RawRtspClient> {
  const c = await RawRtspClient.connect(PORT);
  const url = `rtsp://127.0.0.1:${PORT}/${path}`;
  const d = await c.request('DESCRIBE', url, { Accept: 'application/sdp' });
  const medias = (d.body.match(/^m=/gm) ?? []).length;
  let session = '';
  for (let i = 0; i < medias; i++) {
    const s = await c.request('SETUP', `${url}/trackID=${i}`, { Transport: `RTP/AVP/TCP;unicast;interleaved=${2 * i}-${2 * i + 1}`, ...(session ? { Session: session } : {}) });
    session = s.headers.get('session')!.split(';')[0]!;
  }
  c.onFrame = (ch, p) => { if (ch === 0) countRtp(stats, p); };
  await c.request('PLAY', url, { Session: session });
  return c;
}

function bindUdp(): Promise<Socket> {
  const s = createSocket({ type: 'udp4', recvBufferSize: 1024 * 1024 });
  return new Promise((res, rej) => { s.once('error', rej); s.bind(0, '127.0.0.1', () => { s.off('error', rej); res(s); }); });
}

/** An RTSP/UDP reader: an RTP and an RTCP socket per track; an empty RTCP receiver report every 5 s keeps it alive. */
async function openUdpReader(path: string, stats: ReaderStats): Promise<BenchReader> {
  const c = await RawRtspClient.connect(PORT);
  const url = `rtsp://127.0.0.1:${PORT}/${path}`;
  const d = await c.request('DESCRIBE', url, { Accept: 'application/sdp' });
  const medias = (d.body.match(/^m=/gm) ?? []).length;
  const sockets: Socket[] = [];
  const rtcp: [Socket, number][] = [];
  let session = '';
  for (let i = 0; i < medias; i++) {
    const [rtp, rtcpSocket] = [await bindUdp(), await bindUdp()];
    sockets.push(rtp, rtcpSocket);
    const ports = `${rtp.address().port}-${rtcpSocket.address().port}`;
    const s = await c.request('SETUP', `${url}/trackID=${i}`, { Transport: `RTP/AVP;unicast;client_port=${ports}`, ...(session ? { Session: session } : {}) });
    if (s.status !== 200) throw new Error(`SETUP over UDP: ${s.status}`);
    session = s.headers.get('session')!.split(';')[0]!;
    rtcp.push([rtcpSocket, Number(/server_port=\d+-(\d+)/.exec(s.headers.get('transport') ?? '')?.[1] ?? 0)]);
    if (i === 0) rtp.on('message', (p) => countRtp(stats, p)); else rtp.on('message', (p) => { stats.bytes += p.length; });
  }
  await c.request('PLAY', url, { Session: session });
  // RFC 3550 §6.4.2: an empty receiver report (V=2, RC=0, PT=201, length 1, SSRC): the server's UDP session timeout.
  const rr = Buffer.from([0x80, 201, 0, 1, 0, 0, 0, 1]);
  const timer = setInterval(() => { for (const [s, port] of rtcp) if (port) s.send(rr, port, '127.0.0.1'); }, 5000);
  return { close: () => { clearInterval(timer); c.close(); for (const s of sockets) s.close(); } };
}

function countRtp(stats: ReaderStats, p: Buffer): void {
  const seq = p.readUInt16BE(2);
  if (stats.last !== undefined && seq !== ((stats.last + 1) & 0xffff)) stats.gaps++;
  stats.last = seq;
  stats.packets++;
  stats.bytes += p.length;
}

/** A closable reader of either protocol. */
interface BenchReader { close(): void }

function openRtmpReader(path: string, stats: ReaderStats): Promise<BenchReader> {
  let closed = false;
  let lastTs: number | undefined;
  return new Promise((resolve, reject) => {
    let started = false;
    playRtmpMessages(RTMP_PORT, path, '', (m) => {
      if (!started) { started = true; resolve({ close: () => { closed = true; } }); }
      stats.bytes += m.body.length;
      if (m.type === RtmpMessageType.Video) {
        if (lastTs !== undefined && (m.timestamp <= lastTs || m.timestamp - lastTs > 100)) stats.gaps++;
        lastTs = m.timestamp;
        stats.packets++;
      }
      return closed;
    }, 600_000).catch((e: Error) => { if (!started) reject(e); });
  });
}

/** One measured cell; `perProcess` is set with --core-quota. */
interface CellResult {
  readers: number; ok: number; gaps: number; outMbps: number; cpuPct: number; mainCpuPct: number; rssMiB: number; perProcess: string;
}

/** Starts a server process on `rtspPort` (and the next port for RTMP) with `paths`; resolves once it listens. */
async function startBenchServer(name: string, dir: string, rtspPort: number, paths: string, batch = ''): Promise<ReturnType<typeof start>> {
  const conf = join(dir, `${name}.yml`);
  const udp = IS_UDP && rtspPort === PORT ? `protocols: [tcp, udp]\nrtpAddress: 127.0.0.1:${RTP_PORT}\nrtcpAddress: 127.0.0.1:${RTP_PORT + 1}\n` : 'protocols: [tcp]\n';
  writeFileSync(conf, `logLevel: warn\nhlsDisable: yes\nwebrtcDisable: yes\n${udp}rtspAddress: 127.0.0.1:${rtspPort}\nrtmpAddress: 127.0.0.1:${rtspPort + 1}\npaths:\n${paths}`);
  const env = batch === 'off' || batch === 'sendmmsg' ? { ...process.env, MEDIAMTX_TS_UDP_BATCH: batch } : process.env;
  const server = start(process.execPath, serverArgs(conf), { timeoutMs: 600_000, cwd: dir, env });
  // The publisher gives up when the server is not listening yet (a loaded machine starts it in more than a second or two).
  await waitFor(async () => await isListening(rtspPort) && await isListening(rtspPort + 1), { timeoutMs: 30_000, what: `${name} to listen` });
  return server;
}

async function cell(n: number, file: string, dir: string, viaProxy = false, batch = ''): Promise<CellResult> {
  // Proxied: the publisher feeds an origin process, and the measured server pulls the stream from it.
  const origin = viaProxy ? await startBenchServer('origin', dir, ORIGIN_PORT, '  all:\n') : undefined;
  const server = await startBenchServer('bench', dir, PORT, viaProxy ? `  bench:\n    source: rtsp://127.0.0.1:${ORIGIN_PORT}/bench\n    sourceProtocol: tcp\n` : '  all:\n', batch);
  const target = viaProxy ? ORIGIN_PORT : PORT;
  const out = PROTOCOL === 'rtmp' ? ['-f', 'flv', `rtmp://127.0.0.1:${target + 1}/bench`] : ['-f', 'rtsp', '-rtsp_transport', 'tcp', `rtsp://127.0.0.1:${target}/bench`];
  const pub = start('ffmpeg', ['-nostdin', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', file, '-c', 'copy', ...out], { timeoutMs: 600_000 });
  const cores = CORE_QUOTA > 0 ? new CpuQuotaCores(CORE_QUOTA) : undefined;
  // Shards start when the first readers move: each new process of the server gets its own capped cgroup.
  const placing = cores ? setInterval(() => { for (const p of processTree(server.child.pid!)) cores.place(p); }, 100) : undefined;
  try {
    const pid = server.child.pid!;
    cores?.place(pid);
    await waitFor(async () => (await RawRtspClient.connect(PORT).then(async (c) => {
      const r = await c.request('DESCRIBE', `rtsp://127.0.0.1:${PORT}/bench`); c.close(); return r.status === 200;
    }).catch(() => false)), { timeoutMs: 15_000, what: 'the published stream' });
    const stats: ReaderStats[] = [];
    const clients: BenchReader[] = [];
    let failed = 0;
    const joinDeadline = Date.now() + 90_000;
    for (let i = 0; i < n; i++) {
      const s: ReaderStats = { packets: 0, bytes: 0, gaps: 0, last: undefined };
      stats.push(s);
      // A reader the server turned away or did not answer within 10 s (a starved, capped server may) counts as not
      // served; after 90 s of joining, the rest are not tried. Either way the cell ends in bounded time.
      if (Date.now() > joinDeadline) { failed++; continue; }
      const open = PROTOCOL === 'rtmp' ? openRtmpReader('bench', s) : IS_UDP ? openUdpReader('bench', s) : openReader('bench', s);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000); });
      const reader = await Promise.race([open, late]).catch((e: Error) => {
        failed++;
        if (failed === 1) console.error(`a reader could not join: ${e.message}`);
        void open.then((r) => r.close(), () => {});
        return undefined;
      });
      clearTimeout(timer);
      if (reader) clients.push(reader);
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
    for (const s of stats) { s.packets = 0; s.bytes = 0; s.gaps = 0; }
    // The server's CPU and memory include its fan-out shards (child processes); the main process's share is kept too.
    const cpu0 = treeCpuSeconds(pid);
    const main0 = cpuSeconds(pid);
    let rss = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < WINDOW_S * 1000) { rss = Math.max(rss, treeRssMiB(pid)); await new Promise((r) => setTimeout(r, 250)); }
    const cpu = treeCpuDelta(cpu0, treeCpuSeconds(pid));
    const mainCpu = cpuSeconds(pid) - main0;
    const elapsed = (Date.now() - t0) / 1000;
    const perProcess = [...treeCpuSeconds(pid)].map(([p, v]) => `${(((v - (cpu0.get(p) ?? 0)) / elapsed) * 100).toFixed(1)}`).join(' + ');
    const mbps = stats.map((s) => (s.bytes * 8) / elapsed / 1e6);
    // With capped processes every reader may be slowed alike, so "served" is measured against the stream's own rate.
    const expected = cores ? nominalMbps(file) : Math.max(...mbps);
    for (const c of clients) c.close();
    return {
      readers: n, ok: mbps.filter((m) => m >= 0.9 * expected).length, gaps: stats.reduce((a, s) => a + s.gaps, 0),
      outMbps: mbps.reduce((a, b) => a + b, 0), cpuPct: (cpu / elapsed) * 100, mainCpuPct: (mainCpu / elapsed) * 100, rssMiB: rss,
      perProcess: cores ? `${failed > 0 ? `${failed} could not join; ` : ''}per process ${perProcess} % (cap ${CORE_QUOTA} % each), reader median ${median(mbps).toFixed(2)} of ${expected.toFixed(2)} Mbit/s` : '',
    };
  } finally {
    if (placing) clearInterval(placing);
    await pub.stop();
    await server.stop();
    await origin?.stop();
    cores?.close();
  }
}

/** Mean bitrate of the test file (what a reader that keeps up receives), Mbit/s. */
function nominalMbps(file: string): number {
  const seconds = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' }));
  return (statSync(file).size * 8) / seconds / 1e6;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), 'mtx-bench-'));
try {
  const file = testFile(opt('cache', tmpdir()));
  const rowsByBatch = new Map<string, CellResult[]>(BATCH_MODES.map((m) => [m, []]));
  const line = (r: CellResult, label = ''): string => {
    const shards = r.cpuPct - r.mainCpuPct > 0.5 ? ` (main process ${r.mainCpuPct.toFixed(1)} %, shards ${(r.cpuPct - r.mainCpuPct).toFixed(1)} %)` : '';
    return `N=${r.readers}${label}\tok ${r.ok}/${r.readers}\tgaps ${r.gaps}\tout ${r.outMbps.toFixed(0)} Mbit/s\tserver CPU ${r.cpuPct.toFixed(1)} % of a core${shards}\tRSS ${r.rssMiB.toFixed(0)} MiB${r.perProcess ? `\t${r.perProcess}` : ''}`;
  };
  const batchLabel = (m: string): string => (m ? ` udp-batch ${m}` : '');
  for (const n of COUNTS) {
    // With several batch modes, each N is measured once per mode back to back, so the modes see the same machine load.
    for (const mode of BATCH_MODES) {
      const r = await cell(n, file, dir, false, mode);
      rowsByBatch.get(mode)!.push(r);
      console.log(line(r, (IS_PROXY ? ' direct' : '') + batchLabel(mode)));
      if (IS_PROXY) {
        const p = await cell(n, file, dir, true, mode);
        console.log(line(p, ' proxied' + batchLabel(mode)));
        console.log(`N=${n}\tproxy overhead: ${(p.cpuPct - r.cpuPct).toFixed(1)} % of a core (${(((p.cpuPct - r.cpuPct) / r.cpuPct) * 100).toFixed(0)} %), RSS ${(p.rssMiB - r.rssMiB).toFixed(0)} MiB`);
      }
    }
  }
  const readerKind = PROTOCOL === 'rtmp' ? 'RTMP' : IS_UDP ? 'RTSP/UDP' : 'RTSP/TCP';
  for (const [mode, rows] of rowsByBatch) {
    if (rows.length < 2) continue;
    const a = rows[rows.length - 2]!;
    const b = rows[rows.length - 1]!;
    const marginal = ((b.cpuPct - a.cpuPct) / 100 / (b.readers - a.readers)) * 1e6;
    console.log(`marginal cost of an ${readerKind} reader${batchLabel(mode)} (N ${a.readers} → ${b.readers}): ${marginal.toFixed(0)} µs of CPU per reader-second; RSS per reader ${(((b.rssMiB - a.rssMiB) * 1024) / (b.readers - a.readers)).toFixed(0)} KiB`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
