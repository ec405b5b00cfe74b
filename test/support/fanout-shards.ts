import { fileURLToPath } from 'node:url';
import { run, start, type Running } from './process.ts';

// This checkout, as a pattern: shards of a test run in another checkout (a second run on the machine) are not ours.
const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Pids of the running fan-out shard processes of servers started from this checkout (docs/multicore-fanout.md). */
export async function shardPids(): Promise<number[]> {
  // The entry is src/fanout/shard-main.ts under tsx and dist/shard-main.js in the bundle.
  const r = await run('pgrep', ['-f', `${ROOT}/(src/fanout/shard-main\\.ts|dist/shard-main\\.js)`], { timeoutMs: 5000 });
  return r.stdout.split('\n').filter((l) => l.trim() !== '').map(Number);
}

/** Pids owning the server ends of established TCP connections to `port` (`ss -tnp`), one entry per connection. */
export async function socketOwners(port: number): Promise<number[]> {
  const r = await run('ss', ['-Htnp', 'state', 'established', `( sport = :${port} )`], { timeoutMs: 5000 });
  return [...r.stdout.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
}

/**
 * Connections to `port` that a shard owns now: the kernel's proof that a reader moved (the server end of its TCP
 * connection belongs to the shard process, not the main one).
 */
export async function connectionsOnShards(port: number): Promise<number> {
  const shards = new Set(await shardPids());
  return (await socketOwners(port)).filter((p) => shards.has(p)).length;
}

/**
 * FFmpeg publishing about 15 Mbit/s of noise (lossless H264) to `url`, as FLV or RTSP/TCP: a reader that stops reading
 * fills its socket and the kernel's buffers within seconds.
 */
export function noisePublisher(url: string, format: 'flv' | 'rtsp', seconds: number): Running {
  return start('ffmpeg', ['-nostdin', '-loglevel', 'warning', '-re', '-f', 'lavfi', '-i', 'nullsrc=s=320x240:r=25,geq=random(1)*255:128:128',
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-g', '25', '-pix_fmt', 'yuv420p',
    ...(format === 'rtsp' ? ['-f', 'rtsp', '-rtsp_transport', 'tcp'] : ['-f', 'flv']), url], { timeoutMs: (seconds + 20) * 1000 });
}

/**
 * Stops `reader` (SIGSTOP) until the server logs that it closed a connection by writeTimeout, then lets it go on; a
 * stopped process reads nothing, so its socket fills.
 */
export async function stallUntilWriteTimeout(reader: Running, waitForLog: (re: RegExp, timeoutMs: number) => Promise<void>): Promise<void> {
  reader.child.kill('SIGSTOP');
  try {
    await waitForLog(/closed: write timeout/, 30_000);
  } finally {
    reader.child.kill('SIGCONT');
  }
}
