import { performance, type EventLoopUtilization } from 'node:perf_hooks';

// The shortest window the busy share is measured over: shorter ones would follow single bursts (a keyframe's burst
// to hundreds of readers) rather than the load.
const WINDOW_MS = 1000;

let last: EventLoopUtilization | undefined;
let lastAt = 0;
let busy = 0;

/**
 * Share of the time (0–1) this process's event loop spent running code rather than waiting, over the last window of
 * at least a second that ended at a call; 0 on the first call. Cheap: callers may ask once a second per reader.
 */
export function loopBusy(now: number = performance.now()): number {
  if (!last) { last = performance.eventLoopUtilization(); lastAt = now; return 0; }
  if (now - lastAt >= WINDOW_MS) {
    const current = performance.eventLoopUtilization();
    busy = performance.eventLoopUtilization(current, last).utilization;
    last = current;
    lastAt = now;
  }
  return busy;
}
