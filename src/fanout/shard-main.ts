/**
 * Entry of a fan-out shard process, forked by ShardPool (docs/multicore-fanout.md): media records arrive on fd 4 (a
 * pipe), sockets and control on the IPC channel (fd 3). The shard lives as long as its IPC channel.
 */
import { Socket } from 'node:net';
import {
  BUSY_SCAVENGE_MS_PER_SECOND, BUSY_YOUNG_GENERATION_CAP_BYTES, capYoungGeneration, holdYoungGeneration, limitOldGenerationGrowth,
  oldGenerationGrowthPercent, youngGenerationCap,
} from '../lib/index.ts';
import { Shard } from './shard.ts';
import type { FromShard, ToShard } from './shard-wire.ts';

// The main process's memory rules (main.ts, app/cli.ts): without them a shard's young generation grows to 16–32 MiB.
const cap = youngGenerationCap();
if (cap !== undefined) {
  holdYoungGeneration();
  capYoungGeneration(cap, 200, { busyCapBytes: BUSY_YOUNG_GENERATION_CAP_BYTES, scavengeMsPerSecond: BUSY_SCAVENGE_MS_PER_SECOND });
}
const growth = oldGenerationGrowthPercent();
if (growth !== undefined) limitOldGenerationGrowth(growth);

const ringSize = Number(process.argv[2]);
const send = (m: FromShard): void => { if (process.connected) process.send!(m); };
const shard = new Shard(Number.isInteger(ringSize) && ringSize > 0 ? ringSize : 512, send);
const pipe = new Socket({ fd: 4, readable: true, writable: false });

function exit(code: number): void {
  shard.close();
  process.exit(code);
}

pipe.on('data', (d: Buffer) => {
  try {
    shard.onPipe(d);
  } catch (err) {
    process.stderr.write(`[fan-out shard ${process.pid}] ${(err as Error).message}\n`);
    exit(1);
  }
});
pipe.on('close', () => exit(0));
process.on('message', (m: ToShard, handle?: unknown) => shard.onMessage(m, handle instanceof Socket ? handle : undefined));
process.on('disconnect', () => exit(0));
send({ t: 'ready' });
