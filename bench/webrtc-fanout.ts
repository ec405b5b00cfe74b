/**
 * `npm run bench -- --protocol webrtc [--readers 10,50,100 --duration 15 --profile --udp-mux]`: WebRTC fan-out cost of the server
 * (`--udp-mux`: every session on one UDP port, webrtcICEUDPMuxAddress).
 * For each N, a fresh server process and one FFmpeg RTSP publisher of the 720p30 H264 4 Mbit/s + AAC test stream
 * (bench/fanout.ts's file, sent with -c copy in a loop), then, in turn, N RTSP/UDP readers and N WHEP viewers made
 * with node-datachannel (libdatachannel: native ICE/DTLS/SRTP, so the viewers cost this process little), both of the
 * video track only (WebRTC leaves AAC out). Over a fixed window, started once every viewer receives, it reports per N
 * and kind: viewers served (ok: at least 95 % of the packets of the best one), RTP packets lost (sequence gaps,
 * RFC 3550 §A.1), server CPU (% of one core, /proc) and its CPU per viewer, and the server's RSS. `--profile`: one more WebRTC cell (N = `--profile-readers`, 50) with `node --cpu-prof` on the server, and
 * where its CPU went (self time by function and by package). Bounded in count and time.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ndc from 'node-datachannel';
import { start, waitFor } from '../test/support/process.ts';
import { RawRtspClient } from '../test/support/rtsp-raw-client.ts';
import { summarizeCpuProfile } from './cpu-profile-summary.ts';
import { cpuSeconds, isListening, rssMiB, testFile } from './bench-process.ts';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const opt = (name: string, def: string): string => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] ?? def : def; };
const COUNTS = opt('readers', '10,50,100').split(',').map(Number).filter((n) => n > 0 && n <= 500);
const WINDOW_S = Math.min(120, Number(opt('duration', '15')));
const WARMUP_S = 3;
const PORT = Number(opt('port', '28654'));
const WEBRTC_PORT = PORT + 2;


/** Packets, bytes and sequence gaps (RFC 3550 §A.1: a jump of the 16-bit sequence number) seen by one viewer. */
interface ViewerStats { packets: number; bytes: number; lost: number; last: number | undefined }
const newStats = (): ViewerStats => ({ packets: 0, bytes: 0, lost: 0, last: undefined });
function countRtp(s: ViewerStats, p: Buffer): void {
  if (p.length < 12 || ((p[1]! & 0x7f) >= 72 && (p[1]! & 0x7f) <= 76)) return; // RTCP (RFC 5761 §4)
  const seq = p.readUInt16BE(2);
  if (s.last !== undefined) {
    const d = (seq - s.last) & 0xffff;
    if (d === 0 || d > 0x8000) return; // duplicate or late
    s.lost += d - 1;
  }
  s.last = seq;
  s.packets++;
  s.bytes += p.length;
}

interface BenchViewer { close(): void }

/** A WHEP viewer of the video track: node-datachannel offers recvonly H264, POSTs, applies the answer. */
async function openWebRtcViewer(i: number, stats: ViewerStats): Promise<BenchViewer> {
  const pc = new ndc.PeerConnection(`viewer${i}`, { iceServers: [], disableAutoNegotiation: true, bindAddress: '127.0.0.1' });
  const video = new ndc.Video('0', 'RecvOnly');
  video.addH264Codec(96);
  const track = pc.addTrack(video);
  // libdatachannel hands RTP to onMessage once a media handler is set; it also sends receiver reports.
  track.setMediaHandler(new ndc.RtcpReceivingSession());
  track.onMessage((msg) => countRtp(stats, msg));
  const gathered = new Promise<void>((r) => pc.onGatheringStateChange((st) => { if (st === 'complete') r(); }));
  pc.setLocalDescription('offer');
  await Promise.race([gathered, new Promise((r) => setTimeout(r, 3000))]);
  const offer = pc.localDescription()!.sdp;
  const res = await fetch(`http://127.0.0.1:${WEBRTC_PORT}/bench/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: offer });
  if (res.status !== 201) throw new Error(`WHEP ${res.status}: ${await res.text()}`);
  pc.setRemoteDescription(await res.text(), 'answer');
  // Every object is kept: a Track with no reference left is collected and closed (LIBRARIES.md §3).
  const keep = { pc, track };
  return { close: () => { keep.track.close(); keep.pc.close(); } };
}

let nextClientPort = 41000;
// Wall-clock start and end of the last measurement window, and when the last server was spawned (for the profile).
let lastWindow: [number, number] = [0, 0];
let lastSpawn = 0;
async function bindUdp(port: number): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((res, rej) => { s.once('error', rej); s.bind(port, '127.0.0.1', () => { s.off('error', rej); res(); }); });
  return s;
}

/** An RTSP/UDP reader of the video track (RFC 2326 §12.39 client_port), sending an RTCP RR every 2 s. */
async function openRtspUdpReader(stats: ViewerStats): Promise<BenchViewer> {
  const port = nextClientPort;
  nextClientPort += 2;
  const [rtp, rtcp] = [await bindUdp(port), await bindUdp(port + 1)];
  rtp.on('message', (p) => countRtp(stats, p));
  const c = await RawRtspClient.connect(PORT);
  const url = `rtsp://127.0.0.1:${PORT}/bench`;
  const d = await c.request('DESCRIBE', url, { Accept: 'application/sdp' });
  if (!/^m=video/m.test(d.body.split(/^m=/m).slice(1).map((m) => `m=${m}`)[0] ?? '')) throw new Error('the first track is not video');
  const s = await c.request('SETUP', `${url}/trackID=0`, { Transport: `RTP/AVP;unicast;client_port=${port}-${port + 1}` });
  const session = s.headers.get('session')!.split(';')[0]!;
  const serverRtcp = Number(/server_port=\d+-(\d+)/.exec(s.headers.get('transport') ?? '')?.[1] ?? 0);
  await c.request('PLAY', url, { Session: session });
  // RFC 3550 §6.4.2: an empty receiver report (V=2, RC=0, PT=201, length 1, SSRC), so the session stays alive.
  const rr = Buffer.from([0x80, 201, 0, 1, 0, 0, 0, port & 0xff]);
  const timer = setInterval(() => { if (serverRtcp) rtcp.send(rr, serverRtcp, '127.0.0.1'); }, 2000);
  return { close: () => { clearInterval(timer); c.close(); rtp.close(); rtcp.close(); } };
}

/** Starts a server process; with `profileDir`, under `node --cpu-prof`. Resolves once RTSP and WebRTC listen. */
async function startBenchServer(dir: string, profileDir?: string): Promise<ReturnType<typeof start>> {
  const conf = join(dir, 'bench.yml');
  // --udp-mux: every session on one UDP port (webrtcICEUDPMuxAddress), sent in sendmmsg batches when the addon is built.
  const mux = args.includes('--udp-mux') ? `webrtcICEUDPMuxAddress: 127.0.0.1:${PORT + 6}\n` : '';
  writeFileSync(conf, `logLevel: warn\nhlsDisable: yes\nwebrtcDisable: no\nwebrtcAddress: 127.0.0.1:${WEBRTC_PORT}\nwebrtcICEServers: []\n${mux}`
    + `protocols: [udp, tcp]\nrtspAddress: 127.0.0.1:${PORT}\nrtmpAddress: 127.0.0.1:${PORT + 1}\nrtpAddress: 127.0.0.1:${PORT + 4}\nrtcpAddress: 127.0.0.1:${PORT + 5}\npaths:\n  all:\n`);
  const prof = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  lastSpawn = Date.now();
  const server = start(process.execPath, [...prof, '--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'main.ts'), conf], { timeoutMs: 900_000, cwd: dir });
  await waitFor(async () => await isListening(PORT) && await isListening(WEBRTC_PORT), { timeoutMs: 30_000, what: 'the server to listen' });
  return server;
}

/** One measurement: N viewers of one kind on a running server; returns the table row. */
async function measure(kind: 'webrtc' | 'rtsp/udp', n: number, pid: number): Promise<Record<string, number | string>> {
  const stats: ViewerStats[] = [];
  const viewers: BenchViewer[] = [];
  const t0 = Date.now();
  let failed = 0;
  for (let i = 0; i < n; i++) {
    const s = newStats();
    stats.push(s);
    // A viewer that cannot be opened twice is counted as not served (an overloaded server answers late).
    for (let attempt = 0; ; attempt++) {
      try {
        viewers.push(kind === 'webrtc' ? await openWebRtcViewer(i, s) : await openRtspUdpReader(s));
        break;
      } catch (err) {
        if (attempt === 1) { failed++; console.error(`${kind} viewer ${i}: ${(err as Error).message}`); break; }
      }
    }
  }
  // WHEP returns before ICE and DTLS are done: wait (at most 30 s) until every viewer receives, then warm up.
  const tw = Date.now();
  while (stats.some((s) => s.packets === 0) && Date.now() - tw < 30_000) await new Promise((r) => setTimeout(r, 100));
  const setupS = (Date.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  for (const s of stats) { s.packets = 0; s.bytes = 0; s.lost = 0; }
  const cpu0 = cpuSeconds(pid);
  let rss = 0;
  const t1 = Date.now();
  lastWindow = [t1, t1 + WINDOW_S * 1000];
  while (Date.now() - t1 < WINDOW_S * 1000) { rss = Math.max(rss, rssMiB(pid)); await new Promise((r) => setTimeout(r, 250)); }
  const cpu = cpuSeconds(pid) - cpu0;
  const elapsed = (Date.now() - t1) / 1000;
  const pkts = stats.map((s) => s.packets);
  const best = Math.max(...pkts);
  for (const v of viewers) v.close();
  await new Promise((r) => setTimeout(r, 3000));
  const cpuPct = (cpu / elapsed) * 100;
  return {
    kind, n, failed, ok: pkts.filter((p) => best > 0 && p >= 0.95 * best).length, pktPerS: pkts.reduce((a, b) => a + b, 0) / elapsed,
    lost: stats.reduce((a, s) => a + s.lost, 0), lostPct: (100 * stats.reduce((a, s) => a + s.lost, 0)) / Math.max(1, stats.reduce((a, s) => a + s.lost + s.packets, 0)),
    mbps: stats.reduce((a, s) => a + s.bytes, 0) * 8 / elapsed / 1e6, cpuPct, rssMiB: rss, setupS,
  };
}

/** A fresh server and publisher; each kind of viewer is measured in turn on it (the same stream, the same process). */
async function cell(n: number, file: string, dir: string, kinds: readonly ('webrtc' | 'rtsp/udp')[], profileDir?: string): Promise<Record<string, number | string>[]> {
  const server = await startBenchServer(dir, profileDir);
  const pub = start('ffmpeg', ['-nostdin', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', file, '-c', 'copy', '-f', 'rtsp', '-rtsp_transport', 'tcp', `rtsp://127.0.0.1:${PORT}/bench`], { timeoutMs: 900_000 });
  try {
    await waitFor(async () => (await RawRtspClient.connect(PORT).then(async (c) => {
      const r = await c.request('DESCRIBE', `rtsp://127.0.0.1:${PORT}/bench`); c.close(); return r.status === 200;
    }).catch(() => false)), { timeoutMs: 15_000, what: 'the published stream' });
    // The server's CPU with the publisher alone, subtracted to give the cost per viewer.
    const pid = server.child.pid!;
    const c0 = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, 5000));
    const idlePct = (cpuSeconds(pid) - c0) / 5 * 100;
    const rows = [];
    for (const k of kinds) rows.push({ ...(await measure(k, n, pid)), idlePct });
    return rows;
  } finally {
    await pub.stop();
    await server.stop('SIGINT', { killAfterMs: 15_000 });
    // The server logs at warn level: anything it said explains a bad row (a publisher dropped, a session failed).
    const said = server.output().stdout.split('\n').filter((l) => /WAR|ERR/.test(l));
    if (said.length > 0) console.error(`server warnings (N=${n}, ${said.length} lines, last 8):\n${said.slice(-8).join('\n')}`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'mtx-bench-webrtc-'));
try {
  const file = testFile(opt('cache', tmpdir()));
  console.log(`WebRTC fan-out: ${WINDOW_S} s windows, 720p30 H264 4 Mbit/s video track; server CPU in % of one core (publisher alone subtracted for "per viewer")`);
  console.log('kind      \tN\tok\tpkt/s out\tMbit/s\tlost (%)\tserver CPU\tCPU/viewer\tviewers/core\tRSS MiB\tsetup s');
  for (const n of COUNTS) {
    for (const r of await cell(n, file, dir, ['rtsp/udp', 'webrtc'])) {
      const per = (Number(r.cpuPct) - Number(r.idlePct)) / n;
      console.log(`${String(r.kind).padEnd(10)}\t${n}\t${r.ok}/${n}\t${Number(r.pktPerS).toFixed(0)}\t${Number(r.mbps).toFixed(0)}\t${r.lost} (${Number(r.lostPct).toFixed(3)})`
        + `\t${Number(r.cpuPct).toFixed(1)} %\t${per.toFixed(2)} %\t${(100 / per).toFixed(0)}\t${Number(r.rssMiB).toFixed(0)}\t${Number(r.setupS).toFixed(1)}`);
    }
  }
  if (args.includes('--profile')) {
    // Profiled at a load the server still carries (--profile-readers, 50 by default).
    const n = Number(opt('profile-readers', '50'));
    const profileDir = join(dir, 'profile');
    const [r] = await cell(n, file, dir, ['webrtc'], profileDir);
    console.log(`\nprofiled run (node --cpu-prof, N=${n} WebRTC): server CPU ${Number(r!.cpuPct).toFixed(1)} % of a core, lost ${r!.lost}`);
    const prof = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    // Only the measurement window: the server's start (tsx compiling the sources) and the viewers' setup are left out.
    const window: [number, number] = [(lastWindow[0] - lastSpawn) / 1000, (lastWindow[1] - lastSpawn) / 1000];
    if (prof) console.log(summarizeCpuProfile(JSON.parse(readFileSync(join(profileDir, prof), 'utf8')), ROOT, 25, window), `\n(profile: ${join(profileDir, prof)})`);
    else console.log('no profile was written (the server did not exit cleanly)');
  }
} finally {
  // A profiled run keeps the folder: the profile printed above is in it.
  if (!args.includes('--profile')) rmSync(dir, { recursive: true, force: true });
}
