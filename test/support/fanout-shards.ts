import { run } from './process.ts';

/** Pids of the running fan-out shard processes (docs/multicore-fanout.md). */
export async function shardPids(): Promise<number[]> {
  const r = await run('pgrep', ['-f', 'fanout/shard-main'], { timeoutMs: 5000 });
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
