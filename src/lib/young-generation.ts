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

/** Scavenges per second from which the server counts as busy (200 LL-HLS readers made 26 with a 4 MiB one). */
export const BUSY_SCAVENGES_PER_SECOND = 12;

/**
 * Window over which the scavenge rate is measured, ms. Why 5 s: 200 RTSP/TCP readers scavenge about 10 times a second
 * with bursts of 12 in some seconds, and over 1 s windows one burst gave them the busy cap (peak RSS 87–89 MiB instead
 * of 76–78 in 2 of 5 runs); 200 LL-HLS readers stay at 26 a second whatever the window.
 */
export const BUSY_WINDOW_MS = 5000;

/** How capYoungGeneration follows the load. */
export interface YoungGenerationLoad {
  /** The cap once scavenges reach `scavengesPerSecond`, in bytes (never below the base cap). */
  readonly busyCapBytes: number;
  readonly scavengesPerSecond: number;
  /** Window the rate is measured over, ms (BUSY_WINDOW_MS by default). */
  readonly windowMs?: number;
}

/**
 * Lets the young generation grow again (doubling, as V8 does by default) until it reaches `capBytes`, then holds it
 * there. With `load`, the cap rises to `load.busyCapBytes` once the scavenge rate reaches `load.scavengesPerSecond`
 * over a window. Why: many objects that live a little while (LL-HLS requests blocked for up to a part) make a small
 * young generation scavenge 26 times a second and copy the same survivors each time, while an idle or fan-out-only
 * server (200 RTMP readers: 6 a second) keeps the small one. V8 seldom shrinks it again. Returns a function that stops
 * the checks.
 *
 * The size only changes at a collection, so the checks follow V8's collections (a `gc` performance observer), at most
 * one per `minIntervalMs` plus one that long after the last: an idle server does nothing. Why not a timer: polling
 * every 200 ms (and the heap statistics it allocates) was half of an idle server's CPU.
 */
export function capYoungGeneration(capBytes: number, minIntervalMs = 200, load?: YoungGenerationLoad): () => void {
  let cap = capBytes;
  let scavenges = 0;
  let since = Date.now();
  let wasGrowing: boolean | undefined;
  let lastCheck = 0;
  let pending: NodeJS.Timeout | undefined;
  let stopped = false;
  const check = (): boolean => {
    if (load) {
      const now = Date.now();
      if (now - since >= (load.windowMs ?? BUSY_WINDOW_MS)) {
        const isBusy = (scavenges * 1000) / (now - since) >= load.scavengesPerSecond;
        if (isBusy) cap = Math.max(capBytes, load.busyCapBytes);
        scavenges = 0;
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
    for (const e of list.getEntries()) if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
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
