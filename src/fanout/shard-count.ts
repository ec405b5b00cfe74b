import { availableParallelism } from 'node:os';

/** Environment variable: how many fan-out shard processes serve readers (0: this process serves them all). */
export const FANOUT_SHARDS_ENV = 'MEDIAMTX_TS_FANOUT_SHARDS';
// More shards than this only add processes: the main process's ingest and hand-offs become the limit first.
const MAX_SHARDS = 8;

/**
 * Number of fan-out shards: what the environment says (at most 8), else 0 on machines with 2 cores or fewer, where a
 * shard competes with the main process for the same cores, and one per core but one otherwise.
 */
export function fanoutShardCount(env: NodeJS.ProcessEnv = process.env, cores: number = availableParallelism()): number {
  const raw = env[FANOUT_SHARDS_ENV];
  const set = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  if (Number.isInteger(set) && set >= 0) return Math.min(set, MAX_SHARDS);
  return cores <= 2 ? 0 : Math.min(cores - 1, MAX_SHARDS);
}
