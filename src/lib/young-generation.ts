import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

// Why: V8 doubles its young generation (the "new space", up to 32 MiB on 64-bit) whenever enough objects survive a
// scavenge. Loading the server's modules alone grows it to 16–32 MiB, and it seldom gives that memory back, which is
// most of the gap between an idle server and Node itself. V8 fixes the maximum at start (--max-semi-space-size can
// only come from the command line or NODE_OPTIONS), but reads --semi-space-growth-factor at each growth: a factor of 1
// holds the current size. So the entry point holds it while modules load, and once the server runs it may grow
// again up to a small cap, measured to cost no CPU at 200 readers (docs/performance.md, Memory).

/** The young generation's default cap once the server runs: 4 MiB (two 2 MiB semi-spaces). */
export const YOUNG_GENERATION_CAP_BYTES = 4 * 1024 * 1024;

/** The environment variable that sets the cap in MiB; 0 leaves V8's own sizing. */
export const YOUNG_GENERATION_ENV = 'MEDIAMTX_TS_YOUNG_GENERATION_MIB';

/** V8 flags that size the young generation by hand: when the user passes one, ours stays out of the way. */
const USER_SIZING = /--(max-|min-)?semi-space-size|--semi-space-growth-factor/;

/** Cap in bytes from the environment (`undefined`: V8 sizes it alone), or the default. */
export function youngGenerationCap(env: NodeJS.ProcessEnv = process.env, execArgv: readonly string[] = process.execArgv): number | undefined {
  if (USER_SIZING.test(`${execArgv.join(' ')} ${env.NODE_OPTIONS ?? ''}`)) return undefined;
  const raw = env[YOUNG_GENERATION_ENV];
  if (raw === undefined || raw.trim() === '') return YOUNG_GENERATION_CAP_BYTES;
  const mib = Number(raw);
  if (!Number.isFinite(mib) || mib < 0) return YOUNG_GENERATION_CAP_BYTES;
  return mib === 0 ? undefined : Math.round(mib * 1024 * 1024);
}

/** Holds the young generation at its current size (call before loading modules). */
export function holdYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/** Current size of the young generation (both semi-spaces), in bytes. */
export function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/** The young generation's cap while the server is busy: 16 MiB (two 8 MiB semi-spaces). */
export const BUSY_YOUNG_GENERATION_CAP_BYTES = 16 * 1024 * 1024;

/**
 * Milliseconds of scavenging per second from which the server counts as busy. Why time, not a count: what a scavenge
 * costs is the survivors it copies. With the 4 MiB young generation, 200 LL-HLS readers (requests that live up to a
 * part) scavenged 20–23 times a second for 70–160 ms of each second, while 500 RTSP/TCP readers scavenged 20 times for
 * 20–35 ms and 500 RTMP players 12 times for about 17 ms. By count (12 a second, the rule before), the fan-out cells
 * got the busy cap too, from their readers' join bursts: 8–12 MiB more RSS for no CPU saved (docs/performance.md).
 */
export const BUSY_SCAVENGE_MS_PER_SECOND = 50;

/**
 * Window over which the scavenging time is measured, ms. Why 5 s: one second of a join burst or of a full collection
 * nearby should not decide, while a load that lasts is seen within a few seconds.
 */
export const BUSY_WINDOW_MS = 5000;

/** How capYoungGeneration follows the load. */
export interface YoungGenerationLoad {
  /** The cap once scavenging takes `scavengeMsPerSecond`, in bytes (never below the base cap). */
  readonly busyCapBytes: number;
  readonly scavengeMsPerSecond: number;
  /** Window the rate is measured over, ms (BUSY_WINDOW_MS by default). */
  readonly windowMs?: number;
}

/**
 * Lets the young generation grow again (doubling, as V8 does by default) until it reaches `capBytes`, then holds it
 * there. With `load`, the cap rises to `load.busyCapBytes` once scavenging takes `load.scavengeMsPerSecond` over a
 * window. Why: many objects that live a little while (LL-HLS requests blocked for up to a part) make a small young
 * generation copy the same survivors at every scavenge, while an idle or fan-out-only server, whose scavenges find
 * little alive, keeps the small one. V8 seldom shrinks it again. Returns a function that stops the checks.
 *
 * The size only changes at a collection, so the checks follow V8's collections (a `gc` performance observer), at most
 * one per `minIntervalMs` plus one that long after the last: an idle server does nothing. Why not a timer: polling
 * every 200 ms (and the heap statistics it allocates) was half of an idle server's CPU.
 */
export function capYoungGeneration(capBytes: number, minIntervalMs = 200, load?: YoungGenerationLoad): () => void {
  let cap = capBytes;
  let scavengeMs = 0;
  let since = Date.now();
  let wasGrowing: boolean | undefined;
  let lastCheck = 0;
  let pending: NodeJS.Timeout | undefined;
  let stopped = false;
  const check = (): boolean => {
    if (load) {
      const now = Date.now();
      if (now - since >= (load.windowMs ?? BUSY_WINDOW_MS)) {
        const isBusy = (scavengeMs * 1000) / (now - since) >= load.scavengeMsPerSecond;
        if (isBusy) cap = Math.max(capBytes, load.busyCapBytes);
        scavengeMs = 0;
        since = now;
      }
    }
    const isGrowing = youngGenerationBytes() < cap;
    if (isGrowing !== wasGrowing) {
      wasGrowing = isGrowing;
      if (isGrowing) releaseYoungGeneration(); else holdYoungGeneration();
    }
    // Without a load to follow, the checks end once the cap is reached; with one, they go on until the busy cap is.
    return isGrowing || (load !== undefined && cap < load.busyCapBytes);
  };
  const stop = (): void => {
    stopped = true;
    observer.disconnect();
    if (pending) clearTimeout(pending);
    pending = undefined;
  };
  const run = (): void => {
    pending = undefined;
    lastCheck = Date.now();
    if (!check()) stop();
  };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavengeMs += e.duration;
    if (stopped || pending) return;
    const wait = lastCheck + minIntervalMs - Date.now();
    if (wait <= 0) { run(); return; }
    pending = setTimeout(run, wait);
    pending.unref();
  });
  observer.observe({ entryTypes: ['gc'] });
  run();
  return stopped ? () => {} : stop;
}

/** Gives V8 back its own sizing (the default growth factor). */
export function releaseYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=2');
}
