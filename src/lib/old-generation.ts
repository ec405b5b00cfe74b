import { setFlagsFromString } from 'node:v8';

// Why: media payloads are Buffers, whose bytes live outside V8's heap behind small JS objects. Those objects outlive a
// scavenge (a GOP cache, a reader's queue, a blocked HLS request hold them for a while), so they are promoted, and
// their bytes are freed only by a full collection. V8 schedules full collections by the growth of its own heap, by a
// factor of 1.1 to 4 over what survived the last one, and a few hundred small wrappers barely move it: with one
// 4 Mbit/s stream and 200 RTMP readers, dead payloads climbed to 21 MiB between two full collections, and glibc kept
// the pages afterwards. A fixed, small growth step bounds that float (docs/performance.md, Memory).

/** Default growth of the old generation between full collections, in percent of what survived the last one. */
export const OLD_GENERATION_GROWTH_PERCENT = 25;

/** The environment variable that sets the growth in percent; 0 leaves V8's own heuristics. */
export const OLD_GENERATION_GROWTH_ENV = 'MEDIAMTX_TS_OLD_GENERATION_GROWTH_PERCENT';

/** V8 flags that size the old generation's growth by hand: when the user passes one, ours stays out of the way. */
const USER_SIZING = /--heap-growing-percent|--optimize-for-size/;

/** Growth in percent from the environment (`undefined`: V8's heuristics), or the default. */
export function oldGenerationGrowthPercent(env: NodeJS.ProcessEnv = process.env, execArgv: readonly string[] = process.execArgv): number | undefined {
  if (USER_SIZING.test(`${execArgv.join(' ')} ${env.NODE_OPTIONS ?? ''}`)) return undefined;
  const raw = env[OLD_GENERATION_GROWTH_ENV];
  if (raw === undefined || raw.trim() === '') return OLD_GENERATION_GROWTH_PERCENT;
  const percent = Number(raw);
  if (!Number.isInteger(percent) || percent < 0 || percent > 300) return OLD_GENERATION_GROWTH_PERCENT;
  return percent === 0 ? undefined : percent;
}

/** Makes V8 run its next full collections after the old generation grew by `percent` (V8 reads it at each one). */
export function limitOldGenerationGrowth(percent: number): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
