/**
 * `npm run bench [-- --protocol rtsp|rtmp --readers 1,50,200 --duration 15]`: fan-out cost of the server. For each
 * N, a fresh server process, one FFmpeg publisher of the same protocol (720p30 H264 4 Mbit/s + AAC, encoded once,
 * then sent with -c copy in a loop) and N readers in this process (RTSP/TCP or RTMP); over a fixed window it reports
 * readers served, gaps (RTP sequence gaps; RTMP video timestamps that jump back or by more than 100 ms), server CPU
 * (% of one core, from /proc) and RSS, and the marginal CPU cost of a reader. Bounded in count and time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { start, waitFor } from '../test/support/process.ts';
import { RawRtspClient } from '../test/support/rtsp-raw-client.ts';
import { playRtmpMessages } from '../test/support/rtmp-raw-player.ts';
import { RtmpMessageType } from '../src/protocols/rtmp/index.ts';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const opt = (name: string, def: string): string => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] ?? def : def; };
const COUNTS = opt('readers', '1,50,200').split(',').map(Number).filter((n) => n > 0 && n <= 1000);
const WINDOW_S = Math.min(120, Number(opt('duration', '15')));
const WARMUP_S = 3;
const PORT = Number(opt('port', '28554'));
const RTMP_PORT = PORT + 1;
const PROTOCOL = opt('protocol', 'rtsp') === 'rtmp' ? 'rtmp' : 'rtsp';
const CLK_TCK = 100;

function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime + stime
}
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

function testFile(dir: string): string {
  const f = join(dir, 'bench.mkv');
  if (!existsSync(f)) {
    execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', '20', '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '4M', '-maxrate', '4M', '-bufsize', '8M', '-g', '60', '-bf', '0', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '128k', '-y', f], { stdio: 'inherit', timeout: 300_000 });
  }
  return f;
}

/** True when a TCP connection to 127.0.0.1:`port` succeeds. */
function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

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
  c.onFrame = (ch, p) => {
    if (ch !== 0) return;
    const seq = p.readUInt16BE(2);
    if (stats.last !== undefined && seq !== ((stats.last + 1) & 0xffff)) stats.gaps++;
    stats.last = seq;
    stats.packets++;
    stats.bytes += p.length;
  };
  await c.request('PLAY', url, { Session: session });
  return c;
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

async function cell(n: number, file: string, dir: string): Promise<Record<string, number>> {
  const conf = join(dir, 'bench.yml');
  writeFileSync(conf, `logLevel: warn\nhlsDisable: yes\nwebrtcDisable: yes\nprotocols: [tcp]\nrtspAddress: 127.0.0.1:${PORT}\nrtmpAddress: 127.0.0.1:${RTMP_PORT}\npaths:\n  all:\n`);
  const server = start(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'main.ts'), conf], { timeoutMs: 600_000, cwd: dir });
  // The publisher gives up when the server is not listening yet (a loaded machine starts it in more than a second or two).
  await waitFor(async () => await isListening(PORT) && await isListening(RTMP_PORT), { timeoutMs: 30_000, what: 'the server to listen' });
  const out = PROTOCOL === 'rtmp' ? ['-f', 'flv', `rtmp://127.0.0.1:${RTMP_PORT}/bench`] : ['-f', 'rtsp', '-rtsp_transport', 'tcp', `rtsp://127.0.0.1:${PORT}/bench`];
  const pub = start('ffmpeg', ['-nostdin', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', file, '-c', 'copy', ...out], { timeoutMs: 600_000 });
  try {
    const pid = server.child.pid!;
    await waitFor(async () => (await RawRtspClient.connect(PORT).then(async (c) => {
      const r = await c.request('DESCRIBE', `rtsp://127.0.0.1:${PORT}/bench`); c.close(); return r.status === 200;
    }).catch(() => false)), { timeoutMs: 15_000, what: 'the published stream' });
    const stats: ReaderStats[] = [];
    const clients: BenchReader[] = [];
    for (let i = 0; i < n; i++) {
      const s: ReaderStats = { packets: 0, bytes: 0, gaps: 0, last: undefined };
      stats.push(s);
      clients.push(PROTOCOL === 'rtmp' ? await openRtmpReader('bench', s) : await openReader('bench', s));
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
    for (const s of stats) { s.packets = 0; s.bytes = 0; s.gaps = 0; }
    const cpu0 = cpuSeconds(pid);
    let rss = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < WINDOW_S * 1000) { rss = Math.max(rss, rssMiB(pid)); await new Promise((r) => setTimeout(r, 250)); }
    const cpu = cpuSeconds(pid) - cpu0;
    const elapsed = (Date.now() - t0) / 1000;
    const mbps = stats.map((s) => (s.bytes * 8) / elapsed / 1e6);
    const best = Math.max(...mbps);
    for (const c of clients) c.close();
    return {
      readers: n, ok: mbps.filter((m) => m >= 0.9 * best).length, gaps: stats.reduce((a, s) => a + s.gaps, 0),
      outMbps: mbps.reduce((a, b) => a + b, 0), cpuPct: (cpu / elapsed) * 100, rssMiB: rss,
    };
  } finally {
    await pub.stop();
    await server.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'mtx-bench-'));
const file = testFile(opt('cache', tmpdir()));
const rows: Record<string, number>[] = [];
for (const n of COUNTS) {
  const r = await cell(n, file, dir);
  rows.push(r);
  console.log(`N=${r.readers}\tok ${r.ok}/${r.readers}\tgaps ${r.gaps}\tout ${r.outMbps.toFixed(0)} Mbit/s\tserver CPU ${r.cpuPct.toFixed(1)} % of a core\tRSS ${r.rssMiB.toFixed(0)} MiB`);
}
if (rows.length >= 2) {
  const a = rows[rows.length - 2]!;
  const b = rows[rows.length - 1]!;
  const marginal = ((b.cpuPct - a.cpuPct) / 100 / (b.readers - a.readers)) * 1e6;
  console.log(`marginal cost of an ${PROTOCOL === 'rtmp' ? 'RTMP' : 'RTSP/TCP'} reader (N ${a.readers} → ${b.readers}): ${marginal.toFixed(0)} µs of CPU per reader-second; RSS per reader ${(((b.rssMiB - a.rssMiB) * 1024) / (b.readers - a.readers)).toFixed(0)} KiB`);
}
