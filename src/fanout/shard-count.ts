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
  const set = explicitShardCount(env);
  if (set !== undefined) return Math.min(set, MAX_SHARDS);
  return cores <= 2 ? 0 : Math.min(cores - 1, MAX_SHARDS);
}

/** The shard count MEDIAMTX_TS_FANOUT_SHARDS sets (an integer ≥ 0), or undefined when unset, empty or invalid. */
function explicitShardCount(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[FANOUT_SHARDS_ENV];
  const set = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  return Number.isInteger(set) && set >= 0 ? set : undefined;
}

/** Environment variable: how busy (0–1) this process's event loop must be before readers move to shards. */
export const FANOUT_LOAD_ENV = 'MEDIAMTX_TS_FANOUT_LOAD';
// The default share: below it one process serves its readers at less CPU and memory than with shards (each shard is
// a Node process of ~40 MiB, and a reader there costs the pipe's copy besides its own writes).
const DEFAULT_MIN_LOAD = 0.5;

/**
 * The event loop's busy share (0–1) from which readers move to the shards: what the environment says; else 0 (from
 * the first reader) when MEDIAMTX_TS_FANOUT_SHARDS asks for shards explicitly, and 0.5 when their count comes from the
 * cores, so that a small load on a many-core machine (a camera and a few viewers on a Raspberry Pi) starts no shard.
 */
export function fanoutMinLoad(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[FANOUT_LOAD_ENV];
  const set = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  if (Number.isFinite(set) && set >= 0 && set <= 1) return set;
  return explicitShardCount(env) !== undefined ? 0 : DEFAULT_MIN_LOAD;
}
