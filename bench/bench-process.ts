/** What the fan-out benchmarks share: the server process's CPU and memory from /proc, the test stream, port probes. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
let isBuilt = false;

/**
 * Arguments of `node` that run the server as users do, `node dist/main.js <conf>`, building dist/ on the first call of
 * a run: its memory is what users see (tsx would add its compiler's, about 30 MiB) and its code is the current tree's.
 */
export function serverArgs(conf: string): string[] {
  if (!isBuilt) {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 });
    isBuilt = true;
  }
  return [join(ROOT, 'dist', 'main.js'), conf];
}

// Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux).
const CLK_TCK = 100;

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime + stime
}

/** `pid` and its descendants (the fan-out shards of a server), from /proc. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch { /* gone meanwhile */ }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!) ?? []));
  return out;
}

/** CPU seconds used so far by each process of `pid`'s tree (a process that exits meanwhile drops out). */
export function treeCpuSeconds(pid: number): Map<number, number> {
  const m = new Map<number, number>();
  for (const p of processTree(pid)) { try { m.set(p, cpuSeconds(p)); } catch { /* gone */ } }
  return m;
}

/** CPU seconds between two treeCpuSeconds samples: processes born in between count from their start. */
export function treeCpuDelta(a: Map<number, number>, b: Map<number, number>): number {
  let s = 0;
  for (const [p, v] of b) s += v - (a.get(p) ?? 0);
  return s;
}

/**
 * Resident memory of `pid` and its descendants, MiB: the root's RSS, plus each descendant's anonymous memory only. A
 * fan-out shard's file-backed pages are the `node` binary's, mapped once for both processes: adding its whole RSS
 * would count about 40 MiB twice.
 */
export function treeRssMiB(pid: number): number {
  const [root, ...children] = processTree(pid);
  let kb = 0;
  for (const c of children) {
    try { kb += Number(/RssAnon:\s+(\d+) kB/.exec(readFileSync(`/proc/${c}/status`, 'utf8'))?.[1] ?? 0); } catch { /* gone */ }
  }
  return rssMiB(root!) + kb / 1024;
}

/** Resident memory of a process, MiB. */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** The test stream, made once in `dir`: 720p30 H264 at 4 Mbit/s (key frame every 2 s, no B-frames) + AAC, 20 s. */
export function testFile(dir: string): string {
  const f = join(dir, 'bench.mkv');
  if (!existsSync(f)) {
    execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', '20', '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '4M', '-maxrate', '4M', '-bufsize', '8M', '-g', '60', '-bf', '0', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '128k', '-y', f], { stdio: 'inherit', timeout: 300_000 });
  }
  return f;
}

/** True when a TCP connection to 127.0.0.1:`port` succeeds. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}
